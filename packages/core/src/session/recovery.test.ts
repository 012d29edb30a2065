import { describe, expect, it } from 'vitest';
import { SpeechError } from '../errors.js';
import type { SegmentEvent, SpeechEvent, UtteranceEndEvent } from '../events.js';
import type { ProviderCapabilities, TextRequest } from '../provider.js';
import { speak } from './index.js';
import { fakeProvider, type Fault } from '../testing/fake-provider.js';
import { collect, VirtualClock } from '../testing/virtual.js';
import { judgeHeard } from '../testing/heard.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const TEXT = 'Hello there. This is a test. Goodbye now.';
const NO_JITTER = { jitter: false, initialDelayMs: 100, maxDelayMs: 1000 } as const;

function segs(events: readonly SpeechEvent[]): SegmentEvent[] {
  return events.filter((e): e is SegmentEvent => e.type === 'segment');
}

function run(caps: Partial<ProviderCapabilities>, faults: (Fault | undefined)[], extra: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: caps, faults });
  const c = collect(
    speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG, retry: { ...NO_JITTER, maxRetries: 3 }, timeouts: { handshakeMs: 500, firstAudioMs: 400 }, ...extra }),
  );
  return { clock, provider, c };
}

/**
 * The listener heard the whole reply: every generation's audio from its first sample (no splice),
 * every word, and at most the one cut word twice at each resume.
 */
function expectHeard(events: readonly SpeechEvent[], sends: readonly TextRequest[], acks: boolean, caps: Partial<ProviderCapabilities>): void {
  const s = segs(events);
  expect(s.map((x) => x.text).join('')).toBe(TEXT);
  expect(judgeHeard(events, sends, 70, acks, true, repeatWords(caps)).problems).toEqual([]);
  expect(events[events.length - 1]?.type).toBe('utterance-end');
}

/** Words a resume may repeat: the cut word with word timings, one more where the point is estimated. */
const repeatWords = (caps: Partial<ProviderCapabilities>): number => (caps.wordTimestamps ? 1 : 2);

const MODES: Array<[string, Partial<ProviderCapabilities>]> = [
  ['request + acks', { textInput: 'request', segmentAcks: true, maxConcurrentRequests: 2 }],
  ['context + acks', { textInput: 'context', segmentAcks: true }],
  ['incremental, no acks', { textInput: 'incremental', segmentAcks: false }],
  ['context, no acks, words', { textInput: 'context', segmentAcks: false, wordTimestamps: true }],
  ['incremental, cancel by close', { textInput: 'incremental', segmentAcks: false, cancel: 'close' }],
];

describe.each(MODES)('recovery (%s)', (_name, caps) => {
  const acks = caps.segmentAcks === true;

  it('reconnects after a drop mid-reply and resumes at the first unheard word, never splicing', async () => {
    for (const at of [1, 3, 7, 12]) {
      const { clock, provider, c } = run(caps, [{ dropAfterChunks: at }]);
      await clock.until(c.done);
      expect(c.error).toBeUndefined();
      expectHeard(c.events, provider.log.sends, acks, caps);
      expect(provider.log.connects).toBe(2);
      expect((c.events.at(-1) as UtteranceEndEvent).metrics.retries).toBe(1);
    }
  });

  it('survives two drops in a row and a handshake that hangs', async () => {
    const { clock, provider, c } = run(caps, [{ dropAfterChunks: 4 }, { handshakeHang: true }, { dropAfterChunks: 2 }]);
    await clock.until(c.done);
    expect(c.error).toBeUndefined();
    expectHeard(c.events, provider.log.sends, acks, caps);
    expect(provider.log.connects).toBe(4);
  });

  it('recovers from an error frame and from a silent server (first-audio watchdog)', async () => {
    for (const fault of [{ errorAfterChunks: 3 }, { silent: true }] as Fault[]) {
      const { clock, provider, c } = run(caps, [fault]);
      await clock.until(c.done);
      expect(c.error).toBeUndefined();
      expectHeard(c.events, provider.log.sends, acks, caps);
    }
  });

  it('fails with a typed error naming the unspoken text when retries run out', async () => {
    const { clock, c } = run(caps, [{ dropAfterChunks: 8 }, { silent: true }, { silent: true }, { silent: true }]);
    await clock.until(c.done);
    expect(SpeechError.is(c.error)).toBe(true);
    const error = c.error as SpeechError;
    expect(error.code).toBe('timeout');
    const spokenEnd = c.events.filter((e) => e.type === 'segment-end').length;
    const s = segs(c.events);
    expect(error.unspokenText).toBe(TEXT.slice(s[spokenEnd]?.start ?? 0));
    expect(TEXT.endsWith(error.unspokenText as string)).toBe(true);
  });

  it('turns a never-ending generation into a typed error', async () => {
    const { clock, c } = run(caps, [{ endless: true }, { endless: true }, { endless: true }, { endless: true }]);
    await clock.until(c.done, 3_600_000, 1000);
    expect(SpeechError.is(c.error, 'protocol')).toBe(true);
  });
});

describe('connection faults', () => {
  it('times out a hanging handshake with exact virtual timing, then retries with backoff', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, faults: [{ handshakeHang: true }] });
    const c = collect(speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG, retry: NO_JITTER, timeouts: { handshakeMs: 500 } }));
    await clock.until(c.done);
    const end = c.events.at(-1) as UtteranceEndEvent;
    // 500 ms handshake timeout + 100 ms backoff + 50 ms latency
    expect(end.metrics.timeToFirstAudioMs).toBe(650);
    expect(end.metrics.timeToFirstAudioFromTextMs).toBe(50);
    expect(end.metrics.retries).toBe(1);
  });

  it('does not retry an auth failure', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, faults: [{ connectError: new SpeechError('auth', 'bad key') }] });
    const c = collect(speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expect(SpeechError.is(c.error, 'auth')).toBe(true);
    expect((c.error as SpeechError).unspokenText).toBe(TEXT);
    expect(provider.log.connects).toBe(1);
  });

  it('uses exponential backoff between retries', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({
      scheduler: clock.scheduler,
      faults: [{ connectError: new SpeechError('connection', 'refused') }, { connectError: new SpeechError('connection', 'refused') }, { connectError: new SpeechError('connection', 'refused') }],
    });
    const connectTimes: number[] = [];
    const connect = provider.connect.bind(provider);
    const c = collect(
      speak(TEXT, { provider: { ...provider, connect: (o) => (connectTimes.push(clock.now()), connect(o)) }, scheduler: clock.scheduler, segmenter: SEG, retry: { ...NO_JITTER, maxRetries: 5 } }),
    );
    await clock.until(c.done);
    expect(c.error).toBeUndefined();
    expect(connectTimes).toEqual([0, 100, 300, 700]);
  });
});

describe('property: any fault schedule ends in the exact reply or a typed error', () => {
  it.each(MODES)('%s', async (_name, caps) => {
    const fc = await import('fast-check');
    const acks = caps.segmentAcks === true;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ dropAfterChunks: fc.integer({ min: 1, max: 25 }) }),
            fc.record({ errorAfterChunks: fc.integer({ min: 1, max: 25 }) }),
            fc.constant<Fault>({ silent: true }),
            fc.constant<Fault>({ handshakeHang: true }),
            fc.constant<Fault>({}),
          ),
          { maxLength: 5 },
        ),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 120 }),
        async (faults, chunkSamples, latencyMs) => {
          const clock = new VirtualClock();
          const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: caps, faults, chunkSamples, latencyMs });
          const c = collect(
            speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG, retry: { ...NO_JITTER, maxRetries: 3 }, timeouts: { handshakeMs: 500, firstAudioMs: 400 } }),
          );
          await clock.until(c.done, 600_000, 50);
          expect(c.done()).toBe(true);
          if (c.error !== undefined) {
            expect(SpeechError.is(c.error)).toBe(true);
            const error = c.error as SpeechError;
            expect(TEXT.endsWith(error.unspokenText ?? '')).toBe(true);
            // everything before the unspoken text was emitted whole (acks) — no loss, no doubling
            const s = segs(c.events);
            const ended = c.events.filter((e) => e.type === 'segment-end').length;
            expect(error.unspokenText).toBe(TEXT.slice(s[ended]?.start ?? TEXT.length));
            // what was heard has no splice, no gap and no doubled phrase
            expect(judgeHeard(c.events, provider.log.sends, 70, acks, false, repeatWords(caps)).problems).toEqual([]);
          } else expectHeard(c.events, provider.log.sends, acks, caps);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('first-audio watchdog', () => {
  it('counts from the first text owed audio, not from later sends', async () => {
    const { Subject } = await import('rxjs');
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { maxConcurrentRequests: 2 }, faults: [{ silent: true }] });
    const input = new Subject<string>();
    const c = collect(speak(input, { provider, scheduler: clock.scheduler, segmenter: SEG, retry: { maxRetries: 0 }, timeouts: { firstAudioMs: 400 } }));
    input.next('Hello there. S');
    await clock.advance(300);
    input.next('econd sentence here. A');
    await clock.advance(99);
    expect(c.error).toBeUndefined();
    await clock.advance(1);
    expect(SpeechError.is(c.error, 'timeout')).toBe(true);
    expect((c.error as SpeechError).unspokenText).toBe('Hello there. Second sentence here. A');
    expect(provider.log.sends).toHaveLength(2);
  });
});
