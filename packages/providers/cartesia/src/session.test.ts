/**
 * The adapter inside utter's session engine, against the Cartesia test server, judged by what the
 * listener heard (the test audio is tagged with its generation: decoding it tells which text was heard).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { createSpeechSession, speak, type SpeechEvent } from '@utter/core';
import { checkHeard, createCartesiaServer, type CartesiaServerOptions, type CartesiaTestServer } from '@utter/testing';
import { cartesia } from './index.js';

const servers: CartesiaTestServer[] = [];
async function server(options: CartesiaServerOptions = {}): Promise<CartesiaTestServer> {
  const s = await createCartesiaServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const TEXT = 'Streaming speech is tricky. The first clause should come fast, and the rest should follow in order, every word once.';
/** LLM-like tokens: a few characters at a time. */
async function* tokens(text: string): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += 7) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    yield text.slice(i, i + 7);
  }
}
const audio = (events: readonly SpeechEvent[]) => events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : []));
const session = { timeouts: { handshakeMs: 1_000, firstAudioMs: 1_500 }, retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 20 } };

describe('cartesia in the session engine', () => {
  it('speaks an LLM token stream: every word heard once, in order, no splice', async () => {
    const s = await server();
    const events = await lastValueFrom(speak(tokens(TEXT), { provider: cartesia({ apiKey: s.apiKey, baseUrl: s.baseUrl }), ...session }).pipe(toArray()));
    const heard = checkHeard(audio(events), TEXT, s.generations, { sampleRate: 24_000 });
    expect([heard.missingWords, heard.repeatedWords, heard.splices]).toEqual([[], [], []]);
    expect(events.some((e) => e.type === 'word')).toBe(true);
    expect(s.violations).toEqual([]);
  });

  it('after a drop mid-reply, resumes at a word on a new connection: nothing missing, no splice', async () => {
    const s = await server({ faults: { dropAfterChunks: 6, faultyConnections: 1 } });
    const events = await lastValueFrom(speak(TEXT, { provider: cartesia({ apiKey: s.apiKey, baseUrl: s.baseUrl }), ...session }).pipe(toArray()));
    const heard = checkHeard(audio(events), TEXT, s.generations, { sampleRate: 24_000 });
    expect(heard.missingWords, heard.summary).toEqual([]);
    expect(heard.splices, heard.summary).toEqual([]);
    expect(heard.repeatedWords.length, heard.summary).toBeLessThanOrEqual(1);
    expect(s.connectionCount).toBe(2);
  });

  it('barge-in: the interrupted reply stops, the next one is heard alone (no late audio of the first)', async () => {
    const s = await server({ chunkIntervalMs: 1 });
    const speech = createSpeechSession({ provider: cartesia({ apiKey: s.apiKey, baseUrl: s.baseUrl }), ...session });
    try {
      const first: SpeechEvent[] = [];
      await new Promise<void>((resolve, reject) => {
        speech.say(TEXT).subscribe({
          next: (e) => {
            first.push(e);
            if (e.type === 'audio' && first.filter((x) => x.type === 'audio').length === 3) speech.interrupt();
          },
          complete: resolve,
          error: reject,
        });
      });
      expect(first.at(-1)?.type).toBe('interrupted');
      const second = await lastValueFrom(speech.say('A new answer.').pipe(toArray()));
      const heard = checkHeard(audio(second), 'A new answer.', s.generations, { sampleRate: 24_000 });
      expect(heard.heardText).toBe('A new answer.');
      expect(s.received.some((m) => (m.json as { cancel?: boolean }).cancel === true)).toBe(true);
    } finally {
      await speech.close();
    }
  });

  it('runs replies at once on one socket, never more contexts than maxConcurrentUtterances', async () => {
    const s = await server();
    const speech = createSpeechSession({ provider: cartesia({ apiKey: s.apiKey, baseUrl: s.baseUrl, maxConcurrentUtterances: 2 }), ...session });
    try {
      const texts = Array.from({ length: 5 }, (_, i) => `Reply ${'abcde'[i]} says its own words.`);
      const results = await Promise.all(texts.map((t) => lastValueFrom(speech.say(t).pipe(toArray()))));
      results.forEach((events, i) => {
        expect(checkHeard(audio(events), texts[i] ?? '', s.generations, { sampleRate: 24_000 }).heardText).toBe(texts[i]);
      });
    } finally {
      await speech.close();
    }
    expect(s.connectionCount).toBe(1);
    expect(s.peakActiveContexts).toBe(2); // replies ran at once, each on its context, never a third
    expect(s.violations).toEqual([]);
  });
});
