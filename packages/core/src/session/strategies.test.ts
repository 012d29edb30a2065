import { describe, expect, it } from 'vitest';
import type { SpeechEvent, UtteranceEndEvent } from '../events.js';
import type { ProviderCapabilities } from '../provider.js';
import { createSpeechSession } from './index.js';
import { strategyFor } from './strategies.js';
import { fakeProvider } from '../testing/fake-provider.js';
import { collect, VirtualClock } from '../testing/virtual.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const CAPS = { sampleRate: 1000, sampleRates: [1000], encodings: ['pcm16'], cancel: 'native', wordTimestamps: false } as const;

describe('strategyFor()', () => {
  it('chooses the strategy and its limits from the capabilities', () => {
    expect(strategyFor({ ...CAPS, textInput: 'incremental', segmentAcks: false })).toMatchObject({ mode: 'incremental', repliesPerConnection: 1, window: Infinity });
    expect(strategyFor({ ...CAPS, textInput: 'request', segmentAcks: true, maxConcurrentRequests: 3 })).toMatchObject({ mode: 'request', repliesPerConnection: 1, window: 3 });
    expect(strategyFor({ ...CAPS, textInput: 'context', segmentAcks: false, maxConcurrentUtterances: 5 })).toMatchObject({ mode: 'context', repliesPerConnection: 5 });
    expect(strategyFor({ ...CAPS, textInput: 'context', segmentAcks: false, maxConcurrentUtterances: 0 }).repliesPerConnection).toBe(1);
  });
});

describe('context strategy', () => {
  const contexts = (cap: number): Partial<ProviderCapabilities> => ({ textInput: 'context', segmentAcks: false, maxConcurrentUtterances: cap });

  it('opens the next reply\'s context while the previous one\'s audio is still arriving, without interleaving events', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: contexts(2) });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const order: string[] = [];
    const a = collect(session.say('First reply. It has two sentences.'), (e) => order.push(`a:${e.type}`));
    const b = collect(session.say('Second reply.'), (e) => order.push(`b:${e.type}`));
    await clock.advance(60);
    // both contexts are open on the one connection before the first reply ended
    const ids = new Set(provider.log.sends.map((s) => s.utteranceId));
    expect(ids.size).toBe(2);
    expect(a.done()).toBe(false);
    await clock.until(() => a.done() && b.done());
    expect(provider.log.connects).toBe(1);
    const lastA = order.lastIndexOf('a:utterance-end');
    const firstB = order.findIndex((x) => x.startsWith('b:'));
    expect(lastA).toBeGreaterThanOrEqual(0);
    expect(firstB).toBeGreaterThan(lastA);
    expect(b.events.at(-1)?.type).toBe('utterance-end');
    // b's audio was ready early: it starts right after a ends
    expect((b.events.at(-1) as UtteranceEndEvent).metrics.timeToFirstAudioMs).toBe(50);
    await session.close();
  });

  it('keeps at most maxConcurrentUtterances contexts open; later replies wait for one to close', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: contexts(2) });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const replies = ['One reply here.', 'Two reply here.', 'Three reply here.', 'Four reply here.', 'Five reply here.'].map((t) => collect(session.say(t)));
    let maxOpen = 0;
    const open = new Set<string>();
    for (let t = 0; t < 200 && !replies.every((r) => r.done()); t++) {
      for (const s of provider.log.sends) open.add(s.utteranceId);
      for (const f of provider.log.finishes) if (provider.log.sends.some((s) => s.utteranceId === f)) open.delete(f);
      maxOpen = Math.max(maxOpen, open.size - replies.filter((r) => r.done()).length + 0);
      await clock.advance(20);
    }
    expect(replies.every((r) => r.events.at(-1)?.type === 'utterance-end')).toBe(true);
    expect(new Set(provider.log.sends.map((s) => s.utteranceId)).size).toBe(5);
    expect(maxOpen).toBeLessThanOrEqual(2);
    expect(provider.log.connects).toBe(1);
    await session.close();
  });

  it('barge-in cancels one context without reconnecting; the next reply goes on', async () => {
    const clock = new VirtualClock();
    // audio in real time: 140 samples at 1 kHz every 140 ms
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: contexts(2), chunkIntervalMs: 140 });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const a = collect(session.say('One two three four five. Six seven eight nine ten.'));
    const b = collect(session.say('After the interruption.'));
    await clock.advance(300);
    session.interrupt();
    expect(a.events.at(-1)?.type).toBe('interrupted');
    expect(provider.log.cancels).toEqual([a.events[0]?.utteranceId]);
    const count = a.events.length;
    await clock.until(b.done);
    expect(a.events.length).toBe(count); // no late audio from the cancelled context
    expect(b.events.at(-1)?.type).toBe('utterance-end');
    expect(provider.log.connects).toBe(1);
    await session.close();
  });
});

describe('bad input never breaks a session', () => {
  it('say() rejects what is not speech input with invalid-input, and the session stays usable', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    for (const bad of [null, 42, {}, true, undefined]) {
      const c = collect(session.say(bad as unknown as string));
      expect(c.error).toMatchObject({ name: 'SpeechError', code: 'invalid-input' });
    }
    const bad = collect(session.say('Hello there.', { signal: {} as AbortSignal }));
    expect(bad.error).toMatchObject({ code: 'invalid-input' });
    expect(String((bad.error as Error).message)).toContain('signal');
    const ok = collect(session.say('Hello there.'));
    await clock.until(ok.done);
    expect(ok.events.at(-1)?.type).toBe('utterance-end');
    await session.close();
  });

  it('names unknown and invalid options', () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ timeout: { handshakeMs: 5 } }, 'timeout'],
      [{ sampleRate: 0 }, 'sampleRate'],
      [{ timeouts: { handshakeMS: 5 } }, 'handshakeMS'],
      [{ segmenter: { maxLenght: 80 } }, 'maxLenght'],
      [{ maxInputChars: 0 }, 'maxInputChars'],
    ];
    for (const [extra, name] of cases) {
      expect(() => createSpeechSession({ provider, scheduler: clock.scheduler, ...extra } as never)).toThrow(name);
    }
  });

  it('segments a large string across scheduler turns and ends an oversized one with a typed error', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { maxConcurrentRequests: 1 } });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG, maxInputChars: 200_000 });
    const sentence = 'This sentence is one of very many. ';
    const big = sentence.repeat(Math.floor(150_000 / sentence.length));
    const events: SpeechEvent[] = [];
    const sub = session.say(big).subscribe((e) => events.push(e));
    // subscribing segments only the first slice synchronously
    expect(events.filter((e) => e.type === 'segment').length).toBeLessThan(big.length / sentence.length / 4);
    sub.unsubscribe();
    const tooBig = collect(session.say('x'.repeat(200_001)));
    await clock.advance(1);
    expect(tooBig.error).toMatchObject({ code: 'invalid-input' });
    expect(String((tooBig.error as Error).message)).toContain('maxInputChars');
    await session.close();
  });
});
