import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom, from, lastValueFrom, map, of, Subject, take, tap, throwError, toArray, concat, timer, filter } from 'rxjs';
import { createSpeechSession, parseWav } from '@utter/core';
import type { SpeechEvent } from '@utter/core';
import { espeak } from '@utter/espeak';
import type { EspeakProvider } from '@utter/espeak';
import { audio, interruptOn, speak, speakReplies, toWav } from '../src/index.js';
import { recordedTokens, startLoopback } from './loopback.js';
import type { Loopback } from './loopback.js';

const TEXT = 'Hello there. This is a test of the speak operator. It should come out in order.';
const tokens = (text: string): string[] => text.match(/.{1,5}/gs) ?? [];

function spokenText(events: readonly SpeechEvent[]): string {
  return events.flatMap((e) => (e.type === 'segment' ? [e.text] : [])).join('');
}

describe('speak() on a loopback provider', () => {
  let loop: Loopback;
  beforeAll(async () => {
    loop = await startLoopback({ chunks: 3, intervalMs: 2 });
  });
  afterAll(async () => loop.close());

  it('speaks one reply in order and completes after its last audio', async () => {
    const events = await lastValueFrom(from(tokens(TEXT)).pipe(speak(loop.provider), toArray()));
    expect(spokenText(events)).toBe(TEXT);
    const last = events[events.length - 1];
    expect(last?.type).toBe('utterance-end');
    expect(last?.type === 'utterance-end' && last.text).toBe(TEXT);
    const types = events.map((e) => e.type);
    expect(types.lastIndexOf('audio')).toBeLessThan(types.indexOf('utterance-end'));
    // audio of segment n never follows audio of segment n+1
    const segs = events.flatMap((e) => (e.type === 'audio' ? [e.segmentId] : []));
    expect([...segs].sort((a, b) => a - b)).toEqual(segs);
  });

  it('is cold: nothing reaches the wire before subscription', async () => {
    loop.received.length = 0;
    const speech = of('Not yet.').pipe(speak(loop.provider));
    await new Promise((r) => setTimeout(r, 20));
    expect(loop.received).toEqual([]);
    await lastValueFrom(speech);
    expect(loop.received.some((m) => m.type === 'text')).toBe(true);
  });

  it('unsubscribing cancels on the wire, finalizes the source and stops the events', async () => {
    const slow = await startLoopback({ chunks: 50, intervalMs: 20 });
    try {
      const log: string[] = [];
      const seen: SpeechEvent[] = [];
      const sub = recordedTokens(tokens(TEXT + ' ' + TEXT), 5, log)
        .pipe(speak(slow.provider))
        .subscribe((e) => seen.push(e));
      await slow.waitFor(() => slow.received.some((m) => m.type === 'text'));
      await new Promise((r) => setTimeout(r, 60));
      expect(seen.some((e) => e.type === 'audio')).toBe(true);
      sub.unsubscribe();
      const count = seen.length;
      expect(log).toEqual(['finalized']);
      await slow.waitFor(() => slow.received.some((m) => m.type === 'cancel') || slow.openConnections() === 0);
      await new Promise((r) => setTimeout(r, 60));
      expect(seen.length).toBe(count);
    } finally {
      await slow.close();
    }
  });

  it('forwards a source error as an error', async () => {
    const failing = concat(of('Hello. '), throwError(() => new Error('LLM failed')));
    await expect(lastValueFrom(failing.pipe(speak(loop.provider)))).rejects.toThrow(/LLM failed/);
  });

  it('interruptOn: interrupted event with the text heard, no audio after, cancel on the wire', async () => {
    const slow = await startLoopback({ chunks: 40, intervalMs: 10 });
    try {
      const trigger = new Subject<void>();
      const events: SpeechEvent[] = [];
      const done = lastValueFrom(
        from(tokens(TEXT)).pipe(
          speak(slow.provider),
          interruptOn(trigger),
          tap((e) => {
            events.push(e);
            if (e.type === 'audio' && events.filter((x) => x.type === 'audio').length === 3) trigger.next();
          }),
          toArray(),
        ),
      );
      await done;
      const kinds = events.map((e) => e.type);
      const at = kinds.indexOf('interrupted');
      expect(at).toBeGreaterThan(0);
      expect(kinds.slice(at + 1)).toEqual([]);
      const interrupted = events[at];
      expect(interrupted?.type === 'interrupted' && TEXT.startsWith(interrupted.spokenText)).toBe(true);
      await slow.waitFor(() => slow.received.some((m) => m.type === 'cancel') || slow.openConnections() === 0);
    } finally {
      await slow.close();
    }
  });

  it('speaks on a shared session: replies queue in subscription order', async () => {
    const session = createSpeechSession({ provider: loop.provider });
    try {
      const a = lastValueFrom(of('First reply.').pipe(speak(session), toArray()));
      const b = lastValueFrom(of('Second reply.').pipe(speak(session), toArray()));
      const [ea, eb] = await Promise.all([a, b]);
      expect(spokenText(ea)).toBe('First reply.');
      expect(spokenText(eb)).toBe('Second reply.');
    } finally {
      await session.close();
    }
  });

  it('speakReplies (queue): replies one after another, in order, then completes', async () => {
    const replies = of(from(tokens('One. Two.')), from(tokens('Three. Four.')));
    const events = await lastValueFrom(replies.pipe(speakReplies(loop.provider), toArray()));
    const ends = events.filter((e) => e.type === 'utterance-end');
    expect(ends.map((e) => e.type === 'utterance-end' && e.text)).toEqual(['One. Two.', 'Three. Four.']);
    const firstEnd = events.indexOf(ends[0] as SpeechEvent);
    const secondId = ends[1]?.utteranceId;
    expect(events.findIndex((e) => e.utteranceId === secondId && e.type === 'audio')).toBeGreaterThan(firstEnd);
  });

  it('speakReplies (interrupt): a new reply interrupts the one speaking', async () => {
    const slow = await startLoopback({ chunks: 30, intervalMs: 10 });
    try {
      const replies = new Subject<string>();
      const events: SpeechEvent[] = [];
      const done = lastValueFrom(replies.pipe(speakReplies(slow.provider, { policy: 'interrupt' }), tap((e) => events.push(e)), toArray()));
      replies.next(TEXT);
      await slow.waitFor(() => slow.received.some((m) => m.type === 'text'));
      await new Promise((r) => setTimeout(r, 50));
      replies.next('Sorry, new answer.');
      replies.complete();
      await done;
      const kinds = events.map((e) => e.type);
      expect(kinds).toContain('interrupted');
      const end = events.filter((e) => e.type === 'utterance-end');
      expect(end.map((e) => e.type === 'utterance-end' && e.text)).toEqual(['Sorry, new answer.']);
      expect(kinds.indexOf('interrupted')).toBeLessThan(kinds.indexOf('utterance-end'));
    } finally {
      await slow.close();
    }
  });

  it('rejects a target that is not a provider or session', () => {
    expect(() => speak({} as never)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => speakReplies(loop.provider, { policy: 'sometimes' as never })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});

describe('speak() on the embedded engine (espeak)', () => {
  let provider: EspeakProvider;
  beforeAll(async () => {
    provider = espeak();
    await provider.warmup?.();
  });
  afterAll(async () => provider.close?.());

  it('speaks tokens to PCM and collects a WAV', async () => {
    const wav = await lastValueFrom(from(tokens('Hello from utter. The embedded engine speaks offline.')).pipe(speak(provider), toWav()));
    const parsed = parseWav(wav);
    expect(parsed.format.sampleRate).toBe(22050);
    expect(parsed.data.byteLength).toBeGreaterThan(22050); // more than half a second of audio
  });

  it('unsubscribing stops the events and finalizes the source', async () => {
    const log: string[] = [];
    const seen: SpeechEvent[] = [];
    const long = Array.from({ length: 12 }, (_, i) => `This is sentence number ${i + 1} of a long reply.`).join(' ');
    const sub = recordedTokens(tokens(long), 2, log)
      .pipe(speak(provider), audio())
      .subscribe((e) => seen.push(e));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (seen.length > 0) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    sub.unsubscribe();
    const count = seen.length;
    expect(log).toEqual(['finalized']);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.length).toBe(count);
  });

  it('audio() after speak() gives only audio, at the engine rate', async () => {
    const chunks = await lastValueFrom(of('Just audio.').pipe(speak(provider), audio(), toArray()));
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.type === 'audio' && c.sampleRate === 22050)).toBe(true);
  });
});
