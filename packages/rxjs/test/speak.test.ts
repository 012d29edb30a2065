/**
 * speak(), speakReplies() and interruptOn() with real parts: @utter/testing's protocol-faithful
 * Murf and Uplift AI servers (real WebSocket servers on 127.0.0.1) through the real adapters, and
 * the embedded eSpeak engine. No sleeps: every wait is on a concrete event (a message the server
 * recorded, a generation it finished, a reply that completed). Timing-exact behaviour is covered in
 * virtual time in speak.virtual.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { from, lastValueFrom, Observable, of, Subject, tap, throwError, toArray, concat } from 'rxjs';
import { createSpeechSession, parseWav } from '@utter/core';
import type { SpeechEvent, SpeechProvider, SpeechSession } from '@utter/core';
import { espeak } from '@utter/espeak';
import type { EspeakProvider } from '@utter/espeak';
import { murf } from '@utter/murf';
import { upliftai } from '@utter/upliftai';
import { createMurfServer, createUpliftServer } from '@utter/testing';
import type { MurfTestServer, TestServer, UpliftTestServer } from '@utter/testing';
import { audio, interruptOn, speak, speakReplies, toWav } from '../src/index.js';
import { drain } from './virtual.js';

const TEXT = 'Hello there, this is the first sentence of the reply. This is a test of the speak operator, said in order. It should come out in the order it was written.';
const tokens = (text: string): string[] => text.match(/.{1,5}/gs) ?? [];

function spokenText(events: readonly SpeechEvent[]): string {
  return events.flatMap((e) => (e.type === 'segment' ? [e.text] : [])).join('');
}

/** Tokens emitted at once; the source stays open (an LLM still writing) and logs its finalization. */
function openTokens(text: string, log: string[]): Observable<string> {
  return new Observable<string>((subscriber) => {
    for (const t of tokens(text)) subscriber.next(t);
    return () => log.push('finalized');
  });
}

/** What a subscription saw up to the moment it unsubscribed itself, and after. */
interface Cut {
  readonly seen: SpeechEvent[];
  /** Events seen when it unsubscribed. */
  readonly atUnsubscribe: number;
}

/** Subscribes and unsubscribes from inside the `n`-th audio event (so the reply is surely mid-generation). */
function unsubscribeAtAudio(speech: Observable<SpeechEvent>, n = 1): Promise<Cut> {
  return new Promise<Cut>((resolve, reject) => {
    const seen: SpeechEvent[] = [];
    let audioCount = 0;
    const sub = speech.subscribe({
      next: (event) => {
        seen.push(event);
        if (event.type === 'audio' && ++audioCount === n) {
          sub.unsubscribe();
          resolve({ seen, atUnsubscribe: seen.length });
        }
      },
      error: (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      complete: () => reject(new Error('the reply completed before it could be cancelled')),
    });
  });
}

const json = (server: TestServer): Record<string, unknown>[] => server.received.map((m) => (m.json ?? {}) as Record<string, unknown>);

// ------------------------------------------------------------------------------------------- Murf

describe('speak() on the Murf test server (context protocol, cancel = clear)', () => {
  let server: MurfTestServer;
  let provider: SpeechProvider;
  beforeEach(async () => {
    server = await createMurfServer({ msPerChar: 20 });
    // maxBufferDelayMs 0: the server synthesizes short texts at once instead of buffering 300 ms
    provider = murf({ apiKey: server.apiKey, baseUrl: server.baseUrl, maxBufferDelayMs: 0 });
  });
  afterEach(async () => {
    await server.waitFor(() => server.openConnections === 0);
    expect(server.violations).toEqual([]);
    await server.close();
  });

  it('speaks one reply in order, all of its audio, and completes after its last audio', async () => {
    const events = await lastValueFrom(from(tokens(TEXT)).pipe(speak(provider), toArray()));
    expect(spokenText(events)).toBe(TEXT);
    const last = events.at(-1);
    expect(last?.type === 'utterance-end' && last.text).toBe(TEXT);
    const types = events.map((e) => e.type);
    expect(types.lastIndexOf('audio')).toBeLessThan(types.indexOf('utterance-end'));
    const segs = events.flatMap((e) => (e.type === 'audio' ? [e.segmentId] : []));
    expect([...segs].sort((a, b) => a - b)).toEqual(segs);
    const samples = events.reduce((n, e) => n + (e.type === 'audio' ? e.pcm.length : 0), 0);
    expect(samples).toBe(server.generations.reduce((n, g) => n + g.samples, 0));
    // one context, ended with end: true
    const contexts = new Set(json(server).flatMap((m) => (typeof m['context_id'] === 'string' ? [m['context_id']] : [])));
    expect(contexts.size).toBe(1);
    expect(json(server).some((m) => m['end'] === true)).toBe(true);
  });

  it('is cold: nothing connects before subscription', async () => {
    let connects = 0;
    const counting: SpeechProvider = { ...provider, connect: (options) => (connects++, provider.connect(options)) };
    const speech = of('Not yet, this is spoken only once it is subscribed.').pipe(speak(counting));
    await drain();
    expect(connects).toBe(0);
    expect(server.connectionCount).toBe(0);
    await lastValueFrom(speech);
    expect(connects).toBe(1);
    expect(json(server).some((m) => typeof m['text'] === 'string')).toBe(true);
  });

  it('unsubscribing sends clear for the reply context, finalizes the source and closes the connection', async () => {
    const log: string[] = [];
    const cut = await unsubscribeAtAudio(openTokens(TEXT, log).pipe(speak(provider)));
    expect(log).toEqual(['finalized']); // synchronously, at unsubscribe
    await server.waitFor(() => server.openConnections === 0);
    const sent = json(server);
    const context = sent.find((m) => typeof m['text'] === 'string')?.['context_id'];
    const clears = sent.filter((m) => m['clear'] === true);
    expect(clears).toEqual([{ clear: true, context_id: context }]);
    expect(sent.indexOf(clears[0] as Record<string, unknown>)).toBe(sent.length - 1); // clear, then the close
    expect(sent.some((m) => m['end'] === true)).toBe(false);
    expect(cut.seen).toHaveLength(cut.atUnsubscribe);
  });

  it('no event after unsubscribe: audio Murf keeps sending for the cleared context (late audio) reaches no one', async () => {
    const session = createSpeechSession({ provider });
    try {
      const long = 'This first sentence is long enough to keep the server streaming audio for a good while after the clear arrives. Then more.';
      const cut = await unsubscribeAtAudio(of(long).pipe(speak(session)));
      // The generation that had started when the clear arrived, and how much of it had been sent.
      let sentAtClear = -1;
      await server.waitFor(() => {
        if (!json(server).some((m) => m['clear'] === true)) return false;
        sentAtClear = server.generations[0]?.samplesSent ?? -1;
        return true;
      });
      const cleared = server.generations[0];
      expect(cleared).toBeDefined();
      // Murf plays audio already being synthesized to completion: wait until all of it was sent.
      await server.waitFor(() => cleared?.status !== 'streaming');
      expect(cleared?.status).toBe('cancelled');
      expect(cleared?.samplesSent).toBe(cleared?.samples);
      expect(sentAtClear).toBeLessThan(cleared?.samples ?? 0); // so there was late audio on the wire
      // A round trip on the same socket: once the next reply has completed, every late frame sent
      // before it has been received and handled by the client.
      const next = await lastValueFrom(of('The next reply, spoken on the same warm connection.').pipe(speak(session), toArray()));
      expect(next.at(-1)?.type).toBe('utterance-end');
      expect(server.connectionCount).toBe(1);
      // nothing reached the unsubscribed subscriber, and no late audio leaked into the next reply
      expect(cut.seen).toHaveLength(cut.atUnsubscribe);
      const nextId = next[0]?.utteranceId;
      const nextSamples = next.reduce((n, e) => n + (e.type === 'audio' ? e.pcm.length : 0), 0);
      const nextGenerated = server.generations.filter((g) => g.key === nextId).reduce((n, g) => n + g.samples, 0);
      expect(nextSamples).toBe(nextGenerated);
    } finally {
      await session.close();
    }
  });

  it('forwards a source error as an error and clears the context', async () => {
    const failing = concat(of('Hello there, this reply is cut short by its model. '), throwError(() => new Error('LLM failed')));
    await expect(lastValueFrom(failing.pipe(speak(provider)))).rejects.toThrow(/LLM failed/);
  });

  it('interruptOn: interrupted event with the text heard, no event after it, clear on the wire', async () => {
    const trigger = new Subject<void>();
    const events: SpeechEvent[] = [];
    await lastValueFrom(
      from(tokens(TEXT)).pipe(
        speak(provider),
        interruptOn(trigger),
        tap((e) => {
          events.push(e);
          if (e.type === 'audio' && events.filter((x) => x.type === 'audio').length === 3) trigger.next();
        }),
        toArray(),
      ),
    );
    const kinds = events.map((e) => e.type);
    const at = kinds.indexOf('interrupted');
    expect(at).toBeGreaterThan(0);
    expect(at).toBe(kinds.length - 1);
    const interrupted = events[at];
    expect(interrupted?.type === 'interrupted' && TEXT.startsWith(interrupted.spokenText)).toBe(true);
    await server.waitFor(() => json(server).some((m) => m['clear'] === true));
  });

  it('speaks on a shared session: replies queue in subscription order', async () => {
    const session = createSpeechSession({ provider });
    try {
      const a = lastValueFrom(of('The first reply, on a shared session.').pipe(speak(session), toArray()));
      const b = lastValueFrom(of('The second reply, on the same session.').pipe(speak(session), toArray()));
      const [ea, eb] = await Promise.all([a, b]);
      expect(spokenText(ea)).toBe('The first reply, on a shared session.');
      expect(spokenText(eb)).toBe('The second reply, on the same session.');
      expect(server.connectionCount).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('speakReplies (queue): replies one after another, in order, never interleaved, then completes', async () => {
    const replies = of(from(tokens('One, the first of two replies. Two.')), from(tokens('Three, the second of two replies. Four.')));
    const events = await lastValueFrom(replies.pipe(speakReplies(provider), toArray()));
    const ends = events.filter((e) => e.type === 'utterance-end');
    expect(ends.map((e) => e.type === 'utterance-end' && e.text)).toEqual(['One, the first of two replies. Two.', 'Three, the second of two replies. Four.']);
    const [first, second] = ends.map((e) => e.utteranceId);
    const cut = events.indexOf(ends[0] as SpeechEvent) + 1;
    expect(events.slice(0, cut).every((e) => e.utteranceId === first)).toBe(true);
    expect(events.slice(cut).every((e) => e.utteranceId === second)).toBe(true);
    expect(server.connectionCount).toBe(1);
  });

  it('speakReplies (interrupt): a new reply interrupts the one speaking, whose context is cleared', async () => {
    const replies = new Subject<string>();
    const events: SpeechEvent[] = [];
    const done = lastValueFrom(
      replies.pipe(
        speakReplies(provider, { policy: 'interrupt' }),
        tap((e) => {
          events.push(e);
          if (e.type === 'audio' && events.filter((x) => x.type === 'audio').length === 1) {
            replies.next('Sorry, here is a new answer instead.');
            replies.complete();
          }
        }),
        toArray(),
      ),
    );
    replies.next(TEXT);
    await done;
    const kinds = events.map((e) => e.type);
    expect(kinds).toContain('interrupted');
    const ends = events.filter((e) => e.type === 'utterance-end');
    expect(ends.map((e) => e.type === 'utterance-end' && e.text)).toEqual(['Sorry, here is a new answer instead.']);
    expect(kinds.indexOf('interrupted')).toBeLessThan(kinds.indexOf('utterance-end'));
    const interruptedId = events.find((e) => e.type === 'interrupted')?.utteranceId;
    expect(json(server)).toContainEqual({ clear: true, context_id: interruptedId });
  });

  it('rejects a target that is not a provider or session, and a bad policy', () => {
    expect(() => speak({} as never)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => speakReplies(provider, { policy: 'sometimes' as never })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});

// ------------------------------------------------------------------------------------- Uplift AI

describe('speak() on the Uplift AI test server (request protocol, cancel per request)', () => {
  let server: UpliftTestServer;
  let provider: SpeechProvider;
  beforeEach(async () => {
    server = await createUpliftServer({ msPerChar: 20 });
    provider = upliftai({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  });
  afterEach(async () => {
    await server.waitFor(() => server.openConnections === 0);
    expect(server.violations).toEqual([]);
    await server.close();
  });

  it('speaks a reply of several requests in order (their audio interleaves on the wire)', async () => {
    const events = await lastValueFrom(from(tokens(TEXT)).pipe(speak(provider), toArray()));
    expect(spokenText(events)).toBe(TEXT);
    expect(events.at(-1)?.type).toBe('utterance-end');
    const segs = events.flatMap((e) => (e.type === 'audio' ? [e.segmentId] : []));
    expect([...segs].sort((a, b) => a - b)).toEqual(segs);
    expect(json(server).filter((m) => m['type'] === 'synthesize').length).toBeGreaterThan(1);
  });

  it('unsubscribing sends cancel for every request still running, finalizes the source, closes the connection', async () => {
    const log: string[] = [];
    const cut = await unsubscribeAtAudio(openTokens(TEXT, log).pipe(speak(provider)));
    expect(log).toEqual(['finalized']);
    await server.waitFor(() => server.openConnections === 0);
    const sent = json(server);
    const requests = sent.filter((m) => m['type'] === 'synthesize').map((m) => m['requestId'] as string);
    const cancelled = sent.filter((m) => m['type'] === 'cancel').map((m) => m['requestId'] as string);
    expect(requests.length).toBeGreaterThan(0);
    // the request whose audio was playing was still running: it was cancelled on the wire
    expect(cancelled).toContain(requests[0]);
    // every request was either cancelled or had fully ended at the server before the cancel
    for (const id of requests) {
      const finished = server.generations.find((g) => g.key === id)?.status === 'complete';
      expect(cancelled.includes(id) || finished, `request ${id}`).toBe(true);
    }
    expect(new Set(cancelled).size).toBe(cancelled.length);
    expect(cancelled.every((id) => requests.includes(id))).toBe(true);
    expect(cut.seen).toHaveLength(cut.atUnsubscribe);
  });
});

// ----------------------------------------------------------------------------------------- eSpeak

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
    const session: SpeechSession = createSpeechSession({ provider });
    try {
      const log: string[] = [];
      const long = Array.from({ length: 6 }, (_, i) => `This is sentence number ${i + 1} of a long reply.`).join(' ');
      const cut = await unsubscribeAtAudio(openTokens(long, log).pipe(speak(session), audio()) as Observable<SpeechEvent>);
      expect(log).toEqual(['finalized']);
      // the next reply on the same engine completes: whatever the first one had in flight is over
      const next = await lastValueFrom(of('Next.').pipe(speak(session), toArray()));
      expect(next.at(-1)?.type).toBe('utterance-end');
      expect(cut.seen).toHaveLength(cut.atUnsubscribe);
    } finally {
      await session.close();
    }
  });

  it('audio() after speak() gives only audio, at the engine rate', async () => {
    const chunks = await lastValueFrom(of('Just audio.').pipe(speak(provider), audio(), toArray()));
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.type === 'audio' && c.sampleRate === 22050)).toBe(true);
  });
});
