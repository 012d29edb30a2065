import { randomUUID } from 'node:crypto';
import { createSpeechSession, type SpeechEvent } from '@utter/core';
import { fakeProvider } from '@utter/core/testing';
import { asyncScheduler, lastValueFrom, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFIX } from '../src/index.js';
import { keyNames } from '../src/keys.js';
import { eventually, store } from './helpers.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;

describe('sessions sharing a Redis store', () => {
  it('two sessions (two stores, as two processes) on a key with one connection: the second waits for the first reply to end, then speaks', async () => {
    const limiterKey = `e2e-${randomUUID()}`;
    // Two provider objects with the same account (as two processes would have): one LimitKey id.
    const provider = () =>
      fakeProvider({ scheduler: asyncScheduler, limiterKey, capabilities: { limits: { concurrentConnections: 1 } }, latencyMs: 80, chunkIntervalMs: 20, chunkSamples: 500 });
    const pa = provider();
    const pb = provider();
    const limitsA = store();
    const limitsB = store();
    const a = createSpeechSession({ provider: pa, limits: limitsA, segmenter: SEG });
    const b = createSpeechSession({ provider: pb, limits: limitsB, segmenter: SEG });
    const times: Record<string, number> = {};
    const mark = (who: string) => (event: SpeechEvent) => {
      if (event.type === 'audio') times[`${who} first audio`] ??= Date.now();
      if (event.type === 'utterance-end') times[`${who} end`] = Date.now();
    };
    const first = 'Hello there. This is the first reply. It holds the only connection.';
    const second = 'And this is the second reply.';
    const aDone = lastValueFrom(a.say(first).pipe(tap(mark('a')), toArray()));
    await eventually(() => times['a first audio'] !== undefined, 10_000, 'the first reply speaking');
    const bDone = lastValueFrom(b.say(second).pipe(tap(mark('b')), toArray()));
    // While the first reply runs, one lease exists and the second session waits for it.
    const names = keyNames(DEFAULT_PREFIX, `fake\u0000${limiterKey}`);
    await eventually(async () => (await limitsA.client.zcard(names.waiters)) === 1, 5_000, 'the second session waiting');
    expect(await limitsA.client.zcard(names.connections)).toBe(1);
    const [aEvents, bEvents] = await Promise.all([aDone, bDone]);
    expect(aEvents.at(-1)?.type).toBe('utterance-end');
    expect(bEvents.at(-1)?.type).toBe('utterance-end');
    expect(pa.log.sends.map((s) => s.text).join('')).toBe(first);
    expect(pb.log.sends.map((s) => s.text).join('')).toBe(second);
    // The second reply's audio starts only after the first reply ended (its idle connection was reclaimed).
    expect(times['b first audio']).toBeGreaterThanOrEqual(times['a end'] as number);
    expect(pa.log.closes).toBeGreaterThanOrEqual(1);
    console.log(`second session spoke ${(times['b first audio'] as number) - (times['a end'] as number)} ms after the first reply ended`);
    await Promise.all([a.close(), b.close()]);
    await eventually(async () => (await limitsA.client.zcard(names.connections)) === 0, 3_000, 'leases released on close');
  });
});
