import { describe, expect, it } from 'vitest';
import type { SpeechProvider } from '../provider.js';
import { fakeProvider } from '../testing/fake-provider.js';
import { collect, drain, VirtualClock } from '../testing/virtual.js';
import { createSpeechSession } from './index.js';
import { startSoon, TURN_BUDGET_MS } from './start-gate.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;

/** A provider whose connect() holds the thread for `ms` (a costly handshake set-up). */
function costly(clock: VirtualClock, ms: number): SpeechProvider & { connects: () => number } {
  const inner = fakeProvider({ scheduler: clock.scheduler });
  let connects = 0;
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    connect(options) {
      connects++;
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // busy: what creating sockets and parsing costs, made visible
      }
      return inner.connect(options);
    },
    connects: () => connects,
  };
}

describe('starting many replies at once', () => {
  it('spreads the connects over event-loop turns within a per-turn budget, and every reply completes', async () => {
    const clock = new VirtualClock();
    const provider = costly(clock, 1);
    // Event-loop turns, counted by a check-phase ticker: connects in one turn share a number.
    let turn = 0;
    let ticking = true;
    const tick = (): void => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const perTurn = new Map<number, number>();
    const counted: SpeechProvider = {
      ...provider,
      connect: (options) => {
        perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
        return provider.connect(options);
      },
    };
    const sessions = Array.from({ length: 50 }, () => createSpeechSession({ provider: counted, scheduler: clock.scheduler, segmenter: SEG }));
    const runs = sessions.map((s, i) => collect(s.say(`Reply number ${i}.`)));
    await clock.until(() => runs.every((r) => r.done()));
    ticking = false;
    expect(provider.connects()).toBe(50);
    expect(runs.every((r) => r.events.at(-1)?.type === 'utterance-end')).toBe(true);
    // Each connect holds the thread 1 ms: a turn takes at most its budget's worth, then yields.
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(TURN_BUDGET_MS + 1);
    expect(perTurn.size).toBeGreaterThanOrEqual(50 / (TURN_BUDGET_MS + 1));
    await Promise.all(sessions.map((s) => s.close()));
  });

  it('runs one start at once, the rest in later turns in order, one turn budget at a time', async () => {
    const order: string[] = [];
    const busy = (name: string, ms: number) => () => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // hold the thread
      }
      order.push(name);
    };
    startSoon(busy('a', TURN_BUDGET_MS + 1));
    startSoon(busy('b', TURN_BUDGET_MS + 1));
    startSoon(busy('c', 0));
    expect(order).toEqual(['a']);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a', 'b']);
    await drain();
    expect(order).toEqual(['a', 'b', 'c']);
  });
});
