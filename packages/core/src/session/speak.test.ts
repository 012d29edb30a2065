import { describe, expect, it } from 'vitest';
import { Observable, Subject } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { SegmentEvent, SpeechEvent, UtteranceEndEvent } from '../events.js';
import { createSpeechSession, speak } from './index.js';
import { fakeProvider, synth } from '../testing/fake-provider.js';
import { allAudio, audioBySegment, collect, VirtualClock } from '../testing/virtual.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const TEXT = 'Hello there. This is a test. Goodbye now.';

function segments(events: readonly SpeechEvent[]): SegmentEvent[] {
  return events.filter((e): e is SegmentEvent => e.type === 'segment');
}

/** Checks the per-segment event grammar and that each segment's audio is exactly its synthesis. */
function expectWholeOrdered(events: readonly SpeechEvent[], text: string): void {
  const segs = segments(events);
  expect(segs.map((s) => s.text).join('')).toBe(text);
  let current = -1;
  let open = false;
  for (const e of events) {
    if (e.type === 'segment') {
      expect(open).toBe(false);
      expect(e.segmentId).toBe(current + 1);
      current = e.segmentId;
      open = true;
    } else if (e.type === 'audio' || e.type === 'word') {
      expect(open).toBe(true);
      expect(e.segmentId).toBe(current);
    } else if (e.type === 'segment-end') {
      expect(e.segmentId).toBe(current);
      open = false;
    }
  }
  const bySeg = audioBySegment(events);
  for (const s of segs) {
    const expected = synth(s.speakable);
    expect(Array.from(bySeg.get(s.segmentId) ?? new Int16Array(0))).toEqual(Array.from(expected));
  }
  expect(events[events.length - 1]?.type).toBe('utterance-end');
}

describe('speak()', () => {
  it('speaks a string in order with request pipelining and interleaved audio', async () => {
    const clock = new VirtualClock();
    // later segments come back faster, so audio interleaves out of order
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { maxConcurrentRequests: 3 }, latencyFor: (r) => 80 - r.segmentId * 30 });
    const c = collect(speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expect(c.error).toBeUndefined();
    expectWholeOrdered(c.events, TEXT);
    expect(segments(c.events)).toHaveLength(3);
    const end = c.events[c.events.length - 1] as UtteranceEndEvent;
    expect(end.text).toBe(TEXT);
    expect(end.metrics.timeToFirstAudioMs).toBe(80);
    expect(end.metrics.timeToFirstAudioFromTextMs).toBe(80);
    expect(end.metrics.charactersSent).toBe(TEXT.replace(/ $/, '').length - 0 + (segments(c.events).map((s) => s.speakable).join('').length - TEXT.replace(/ $/, '').length));
    expect(end.metrics.retries).toBe(0);
    expect(end.metrics.segments.map((s) => s.timeToFirstByteMs)).toEqual([80, 50, 20]);
    expect(provider.log.sends.map((s) => s.segmentId)).toEqual([0, 1, 2]);
    // one connection, closed at the end
    expect(provider.log.connects).toBe(1);
    expect(provider.log.closes).toBe(1);
  });

  it('respects the in-flight window of request providers', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { maxConcurrentRequests: 1 } });
    const sendTimes: number[] = [];
    const origConnect = provider.connect.bind(provider);
    const c = collect(speak(TEXT, { provider: { ...provider, connect: async (o) => {
      const conn = await origConnect(o);
      const send = conn.send.bind(conn);
      conn.send = (r) => { sendTimes.push(clock.now()); send(r); };
      return conn;
    } }, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expectWholeOrdered(c.events, TEXT);
    // each request waits for the previous one's segment-done
    expect(sendTimes[0]).toBe(0);
    expect(sendTimes[1]).toBeGreaterThan(50);
    expect(sendTimes[2]).toBeGreaterThan(sendTimes[1] as number);
  });

  it('speaks in-order audio without segment acks (incremental), closing segments by estimate and utterance-done', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { textInput: 'incremental', segmentAcks: false } });
    const c = collect(speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expect(c.error).toBeUndefined();
    const segs = segments(c.events);
    expect(Array.from(allAudio(c.events))).toEqual(Array.from(synth(segs.map((s) => s.speakable).join(''))));
    expect(c.events.filter((e) => e.type === 'segment-end')).toHaveLength(segs.length);
    expect(provider.log.finishes).toHaveLength(1);
    expect(c.events[c.events.length - 1]?.type).toBe('utterance-end');
  });

  it('attributes audio exactly by word timings without acks (context mode)', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { textInput: 'context', segmentAcks: false, wordTimestamps: true } });
    const c = collect(speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expect(c.error).toBeUndefined();
    expectWholeOrdered(c.events, TEXT);
    const words = c.events.filter((e) => e.type === 'word');
    expect(words.map((w) => (w.type === 'word' ? TEXT.slice(w.start, w.end) : ''))).toEqual(TEXT.split(/\s+/).filter(Boolean));
  });

  it('takes async iterables, iterables and observables of deltas', async () => {
    const deltas = ['Hel', 'lo there.', ' This is', ' a test.'];
    async function* gen(): AsyncGenerator<string> {
      for (const d of deltas) yield d;
    }
    for (const input of [gen(), deltas, new Observable<string>((s) => { deltas.forEach((d) => s.next(d)); s.complete(); })]) {
      const clock = new VirtualClock();
      const provider = fakeProvider({ scheduler: clock.scheduler });
      const c = collect(speak(input, { provider, scheduler: clock.scheduler, segmenter: SEG }));
      await clock.until(c.done);
      expect(c.error).toBeUndefined();
      expectWholeOrdered(c.events, deltas.join(''));
    }
  });

  it('emits segments with nothing speakable without sending them, and an empty reply without connecting', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const text = 'Look:\n\n```js\nconst x = 1;\n```\n\nDone.';
    const c = collect(speak(text, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expect(c.error).toBeUndefined();
    const segs = segments(c.events);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    const empty = segs.filter((s) => s.speakable.trim() === '');
    expect(empty.length).toBeGreaterThan(0);
    for (const s of empty) {
      const end = c.events.find((e) => e.type === 'segment-end' && e.segmentId === s.segmentId);
      expect(end).toMatchObject({ audioMs: 0 });
    }
    expect(provider.log.sends.every((r) => r.text.trim().length > 0)).toBe(true);

    const p2 = fakeProvider({ scheduler: clock.scheduler });
    const c2 = collect(speak('', { provider: p2, scheduler: clock.scheduler }));
    await clock.until(c2.done);
    expect(c2.events.map((e) => e.type)).toEqual(['utterance-end']);
    expect(p2.log.connects).toBe(0);
  });

  it('splits segments longer than maxCharsPerRequest at word boundaries, keeping offsets', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { maxCharsPerRequest: 12 } });
    const text = 'The quick brown fox jumps over the lazy dog.';
    const c = collect(speak(text, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expectWholeOrdered(c.events, text);
    expect(provider.log.sends.every((r) => r.text.length <= 12)).toBe(true);
    for (const s of segments(c.events)) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('rejects invalid options and input with invalid-input', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const c = collect(speak(TEXT, { provider, scheduler: clock.scheduler, maxBufferedAudioMs: -1 }));
    expect(SpeechError.is(c.error, 'invalid-input')).toBe(true);
    const c2 = collect(speak(42 as unknown as string, { provider }));
    expect(SpeechError.is(c2.error, 'invalid-input')).toBe(true);
    expect(() => createSpeechSession({ provider: {} as never })).toThrow(SpeechError);
  });

  it('fails with the input error wrapped (invalid-input) and cancels the generation', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const input = new Subject<string>();
    const c = collect(speak(input, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    input.next('Hello there. And');
    await clock.advance(60);
    input.error(new Error('LLM stream broke'));
    await clock.advance(10);
    expect(SpeechError.is(c.error, 'invalid-input')).toBe(true);
    expect((c.error as SpeechError).message).toContain('LLM stream broke');
    expect(provider.log.cancels).toHaveLength(1);
  });
});
