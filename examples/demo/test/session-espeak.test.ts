/**
 * End-to-end tests of the session engine on the embedded eSpeak NG engine (real synthesis, real word
 * timings, worker threads).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { createSpeechSession, speak, type InterruptedEvent, type SegmentEvent, type SpeechEvent, type UtteranceEndEvent } from '@utter/core';
import { espeak } from '@utter/espeak';

const provider = espeak();
afterAll(async () => {
  await provider.close();
});

const REPLY =
  'Streaming speech starts while the model is still writing. Every segment is synthesized as soon as its boundary is certain, ' +
  'and the audio comes back in order. When the listener starts talking, the reply stops at once, and we know exactly what was heard.';

function checkGrammar(events: readonly SpeechEvent[]): void {
  let open = -1;
  let next = 0;
  for (const e of events) {
    if (e.type === 'segment') {
      expect(open).toBe(-1);
      expect(e.segmentId).toBe(next);
      open = e.segmentId;
      next++;
    } else if (e.type === 'audio' || e.type === 'word') {
      expect(e.segmentId).toBe(open);
    } else if (e.type === 'segment-end') {
      expect(e.segmentId).toBe(open);
      open = -1;
    }
  }
}

describe('session engine on eSpeak', () => {
  it('speak() speaks a whole reply in order with word timings and metrics', async () => {
    const events = await lastValueFrom(speak(REPLY, { provider }).pipe(toArray()));
    checkGrammar(events);
    const segments = events.filter((e): e is SegmentEvent => e.type === 'segment');
    expect(segments.map((s) => s.text).join('')).toBe(REPLY);
    const end = events.at(-1) as UtteranceEndEvent;
    expect(end.type).toBe('utterance-end');
    expect(end.metrics.audioDurationMs).toBeGreaterThan(5000);
    expect(end.metrics.timeToFirstAudioMs).toBeGreaterThanOrEqual(0);
    expect(end.metrics.provider).toBe('espeak');
    // audio offsets are contiguous
    let expected = 0;
    for (const e of events) {
      if (e.type !== 'audio') continue;
      expect(e.sampleRate).toBe(22050);
      expect(Math.abs(e.offsetMs - expected)).toBeLessThan(0.001);
      expected += (e.pcm.length * 1000) / e.sampleRate;
    }
    const words = events.filter((e) => e.type === 'word');
    expect(words.length).toBeGreaterThan(20);
    for (const w of words) if (w.type === 'word' && w.start !== undefined && w.end !== undefined) expect(REPLY.slice(w.start, w.end).length).toBeGreaterThan(0);
  });

  for (const basis of ['playback', 'words'] as const) {
    it(`interrupt() reports a word-boundary prefix (${basis}) and no audio follows`, async () => {
      const session = createSpeechSession({ provider });
      const events: SpeechEvent[] = [];
      let audioMs = 0;
      await new Promise<void>((resolve, reject) => {
        let interrupted = false;
        session.say(REPLY).subscribe({
          next: (e) => {
            events.push(e);
            if (e.type === 'audio') {
              audioMs += (e.pcm.length * 1000) / e.sampleRate;
              if (!interrupted && audioMs > 3000) {
                interrupted = true;
                if (basis === 'playback') session.reportPlayback(e.utteranceId, 1800);
                session.interrupt();
              }
            }
          },
          error: reject,
          complete: resolve,
        });
      });
      const last = events.at(-1) as InterruptedEvent;
      expect(last.type).toBe('interrupted');
      expect(last.basis).toBe(basis);
      expect(last.spokenText.length).toBeGreaterThan(0);
      expect(last.spokenText.length).toBeLessThan(REPLY.length);
      expect(REPLY.startsWith(last.spokenText)).toBe(true);
      expect(last.spokenEnd).toBe(last.spokenText.length);
      // ends at a word boundary: a word character, then a non-word character in the reply
      expect(last.spokenText).not.toMatch(/\s$/);
      expect(REPLY[last.spokenEnd] ?? ' ').toMatch(/[^\p{L}\p{N}]/u);
      if (basis === 'playback') {
        expect(last.playedMs).toBe(1800);
        // about 1.8 s of speech is a handful of words, not the first sentence
        expect(last.spokenText.split(/\s+/).length).toBeLessThan(10);
      } else {
        // every word whose audio was delivered and ended before the cut is included
        expect(last.playedMs).toBeGreaterThan(3000);
      }
      // nothing after `interrupted`, and the session is ready for the next reply
      const next = await lastValueFrom(session.say('Yes?').pipe(toArray()));
      expect(next.at(-1)?.type).toBe('utterance-end');
      expect(events.at(-1)).toBe(last);
      expect(next.every((e) => e.utteranceId !== last.utteranceId)).toBe(true);
      await session.close();
    });
  }

  it('aborting mid-reply stops an async token stream and emits nothing more', async () => {
    let returned = false;
    async function* tokens(): AsyncGenerator<string> {
      try {
        for (;;) {
          // an endless model: only cancellation stops it
          for (const word of REPLY.split(/(?<= )/)) {
            yield word;
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      } finally {
        returned = true;
      }
    }
    const controller = new AbortController();
    const events: SpeechEvent[] = [];
    let eventsAtAbort = -1;
    await new Promise<void>((resolve, reject) => {
      speak(tokens(), { provider, signal: controller.signal }).subscribe({
        next: (e) => {
          events.push(e);
          if (e.type === 'audio' && eventsAtAbort < 0) {
            eventsAtAbort = events.length;
            controller.abort();
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    expect(events.length).toBe(eventsAtAbort);
    expect(events.some((e) => e.type === 'utterance-end')).toBe(false);
    // the generator is closed (its finally ran) once its pending step settles
    for (let i = 0; i < 5 && !returned; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(returned).toBe(true);
  });
});
