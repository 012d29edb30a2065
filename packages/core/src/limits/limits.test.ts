import { describe, expect, it, vi } from 'vitest';
import { SpeechError } from '../errors.js';
import type { UtteranceEndEvent } from '../events.js';
import { limiterKeyFor } from '../provider-kit/api-key.js';
import { createSpeechSession, speak } from '../session/index.js';
import { fakeProvider } from '../testing/fake-provider.js';
import { collect, VirtualClock } from '../testing/virtual.js';
import { inProcessActive, inProcessKeyCount, inProcessLimits, limitKeyOf, type LimitStore } from './index.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const THREE = 'Hello there. This is a test. Goodbye now.';

function firstBytes(end: UtteranceEndEvent): number[] {
  return end.metrics.segments.map((s) => s.timeToFirstByteMs ?? -1);
}

describe('in-process limits: counting what the provider counts', () => {
  it("counts every flush times its cost when the provider declares counts: 'flush' (murmr)", async () => {
    const clock = new VirtualClock();
    // Four generations a minute; each segment's flush costs two (the service also generates at a boundary).
    const provider = fakeProvider({
      scheduler: clock.scheduler,
      limiterKey: 'k-flush',
      capabilities: { textInput: 'incremental', limits: { requestsPerMinute: 4, counts: 'flush', requestCost: () => 2 } },
    });
    const c = collect(speak(THREE, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done, 600_000, 1000);
    const end = c.events.at(-1) as UtteranceEndEvent;
    expect(end.type).toBe('utterance-end');
    expect(provider.log.sends).toHaveLength(3);
    // Two segments fit the first minute; the third waits for the window.
    expect(end.metrics.totalMs).toBeGreaterThanOrEqual(60_000);
    expect(end.metrics.totalMs).toBeLessThan(70_000);
  });

  it("counts one request per reply when the provider counts contexts, however many segments it has", async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-ctx', capabilities: { textInput: 'incremental', limits: { requestsPerMinute: 1, counts: 'context' } } });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const a = collect(session.say(THREE));
    const b = collect(session.say('Second reply.'));
    await clock.until(() => a.done() && b.done(), 600_000, 1000);
    expect(firstBytes(a.events.at(-1) as UtteranceEndEvent).every((ms) => ms < 1_000)).toBe(true);
    const bEnd = b.events.at(-1) as UtteranceEndEvent;
    expect(bEnd.type).toBe('utterance-end');
    expect(bEnd.metrics.totalMs).toBeGreaterThanOrEqual(50_000);
    await session.close();
  });

  it('fails with rate-limit and the unspoken text when onLimit is fail', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-fail', capabilities: { textInput: 'request', limits: { requestsPerMinute: 1 } } });
    const c = collect(speak(THREE, { provider, scheduler: clock.scheduler, segmenter: SEG, onLimit: 'fail' }));
    await clock.until(c.done);
    expect(SpeechError.is(c.error, 'rate-limit')).toBe(true);
    expect((c.error as SpeechError).unspokenText).toBe('This is a test. Goodbye now.');
  });
});

describe('limit stores', () => {
  it('drives a store that answers asynchronously (as a shared store does)', async () => {
    const clock = new VirtualClock();
    const calls: string[] = [];
    const store: LimitStore = {
      acquireConnection: async (key, options) => {
        calls.push('acquire');
        return inProcessLimits.acquireConnection(key, options);
      },
      takeRequests: async (key, count, now) => {
        calls.push(`take ${count}`);
        return inProcessLimits.takeRequests(key, count, now);
      },
    };
    const provider = fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-async', capabilities: { textInput: 'request', limits: { concurrentConnections: 1, requestsPerMinute: 2 } } });
    const c = collect(speak(THREE, { provider, scheduler: clock.scheduler, segmenter: SEG, limits: store }));
    await clock.until(c.done, 600_000, 1000);
    expect(c.events.at(-1)?.type).toBe('utterance-end');
    expect(provider.log.sends.map((s) => s.text).join('')).toBe(THREE);
    expect(calls.filter((x) => x === 'acquire')).toHaveLength(1);
    // Three segments, one at a time; the third was refused once (window full) and asked again.
    expect(calls.filter((x) => x.startsWith('take')).length).toBeGreaterThanOrEqual(4);
  });

  it('turns a failing store into a typed error carrying the unspoken text, never a hang', async () => {
    const clock = new VirtualClock();
    const down = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const provider = fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-down', capabilities: { limits: { concurrentConnections: 1, requestsPerMinute: 10 } } });
    const broken: LimitStore = {
      acquireConnection: () => {
        throw down;
      },
      takeRequests: () => 0,
    };
    const a = collect(speak(THREE, { provider, scheduler: clock.scheduler, segmenter: SEG, limits: broken, retry: { maxRetries: 0 } }));
    await clock.until(a.done);
    expect(a.error).toBeInstanceOf(SpeechError);
    expect((a.error as SpeechError).unspokenText).toBe(THREE);
    const rejecting: LimitStore = { acquireConnection: inProcessLimits.acquireConnection, takeRequests: () => Promise.reject(down) };
    const b = collect(speak(THREE, { provider, scheduler: clock.scheduler, segmenter: SEG, limits: rejecting, retry: { maxRetries: 0 } }));
    await clock.until(b.done);
    expect(SpeechError.is(b.error, 'connection')).toBe(true);
    expect((b.error as SpeechError).unspokenText).toBe(THREE);
    expect(inProcessActive(limitKeyOf(provider).id)).toBe(0);
  });

  it('rejects something that is not a store as invalid input', () => {
    const provider = fakeProvider({ scheduler: new VirtualClock().scheduler });
    expect(() => createSpeechSession({ provider, limits: {} as LimitStore })).toThrow(/limits must be a LimitStore/);
  });
});

describe('the in-process registry', () => {
  it('does not grow with sessions: counters of keys nobody uses are dropped', async () => {
    const clock = new VirtualClock();
    const before = inProcessKeyCount();
    // One bucket per provider instance (limits per connection), 400 sessions one after another.
    for (let i = 0; i < 400; i++) {
      const provider = {
        ...fakeProvider({ scheduler: clock.scheduler, capabilities: { limits: { concurrentConnections: 2, requestsPerMinute: 1_000 } } }),
        limiterKey: limiterKeyFor('fake', 'secret', true),
      };
      const c = collect(speak('Hi.', { provider, scheduler: clock.scheduler, segmenter: SEG }));
      await clock.until(c.done);
      expect(c.events.at(-1)?.type).toBe('utterance-end');
    }
    // Keys that made requests in the last minute are remembered for that minute, then dropped.
    expect(inProcessKeyCount() - before).toBeLessThanOrEqual(400);
    await clock.advance(61_000);
    const last = fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-last', capabilities: { limits: { requestsPerMinute: 5 } } });
    const c = collect(speak('Hi.', { provider: last, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expect(inProcessKeyCount() - before).toBeLessThanOrEqual(1);
  });

  it('keeps one set of counters per key across copies of the package (ESM and CommonJS together)', async () => {
    const key = { id: 'copies\u0000k', provider: 'copies', concurrentConnections: 1, requestsPerMinute: undefined };
    const signal = new AbortController().signal;
    const held = await inProcessLimits.acquireConnection(key, { wait: false, signal });
    vi.resetModules();
    const copy = await import('./memory.js');
    expect(copy.inProcessLimits).not.toBe(inProcessLimits);
    await expect(copy.inProcessLimits.acquireConnection(key, { wait: false, signal })).rejects.toMatchObject({ code: 'rate-limit' });
    held.release();
    const again = await copy.inProcessLimits.acquireConnection(key, { wait: false, signal });
    again.release();
  });
});
