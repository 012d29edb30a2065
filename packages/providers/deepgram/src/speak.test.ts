/** The adapter driven by the session engine (`speak`, `createSpeechSession`, `fallback`) against the test server. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSpeechSession, fallback, speak, type SpeechEvent, type SpeechSessionOptions, type SpeechProvider } from '@utter/core';
import {
  checkHeard,
  createDeepgramServer,
  eventually,
  runSpeech,
  type DeepgramServerOptions,
  type TestServer,
} from '@utter/testing';
import { deepgram } from './index.js';

const servers: TestServer[] = [];
async function server(options: DeepgramServerOptions = {}) {
  const s = await createDeepgramServer({ msPerChar: 10, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const session = (provider: SpeechProvider): SpeechSessionOptions => ({
  provider,
  timeouts: { handshakeMs: 1_000, firstAudioMs: 1_500 },
  retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 20 },
});
const audioOf = (events: readonly SpeechEvent[]) => events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : []));
/** Resolves when the speech stream completed or failed (event-driven, no polling). */
function finished(run: ReturnType<typeof runSpeech>): Promise<void> {
  if (run.state.done) return Promise.resolve();
  return new Promise((resolve) => run.state.sub.add(() => resolve()));
}

const SENTENCE = 'The quick brown fox jumps over the lazy dog, and then it rests for a while. ';

describe('deepgram through the session engine', () => {
  it('speaks a long reply (more than 2,000 characters) exactly once, no Speak over the limit', async () => {
    const s = await server({ msPerChar: 1 });
    const text = SENTENCE.repeat(40).trim();
    const run = runSpeech(speak(text, session(deepgram({ apiKey: s.apiKey, baseUrl: s.baseUrl }))));
    await finished(run);
    expect(run.state.error).toBeUndefined();
    const speaks = s.received.map((m) => m.json as { type: string; text?: string }).filter((m) => m.type === 'Speak');
    expect(speaks.map((m) => m.text).join('')).toBe(text);
    expect(Math.max(...speaks.map((m) => m.text?.length ?? 0))).toBeLessThanOrEqual(2000);
    const heard = checkHeard(audioOf(run.events), text, s.generations, { sampleRate: 24_000, msPerChar: 1 });
    expect(heard.missingWords).toEqual([]);
    expect(heard.repeatedWords).toEqual([]);
    expect(heard.splices).toEqual([]);
    expect(s.violations).toEqual([]);
  });

  it('recovers from a drop mid-reply on a new connection: nothing missing, no mid-generation splice', async () => {
    // A realistic speaking rate (60 ms per character): without word timings the engine estimates what was heard from it.
    const s = await server({ msPerChar: 60, faults: { dropAfterChunks: 4, faultyConnections: 1 } });
    const text = SENTENCE.repeat(3).trim();
    const run = runSpeech(speak(text, session(deepgram({ apiKey: s.apiKey, baseUrl: s.baseUrl }))));
    await finished(run);
    expect(run.state.error).toBeUndefined();
    expect(s.connectionCount).toBe(2);
    const heard = checkHeard(audioOf(run.events), text, s.generations, { sampleRate: 24_000, msPerChar: 60 });
    expect(heard.splices, heard.summary).toEqual([]);
    expect(heard.missingWords, heard.summary).toEqual([]);
    expect(heard.repeatedWords.length, heard.summary).toBeLessThanOrEqual(1); // at most the cut word
  });

  it('barge-in: interrupt() sends Clear, reports an estimated spoken prefix, and the next reply has no late audio', async () => {
    const s = await server({ chunkIntervalMs: 2 });
    const sess = createSpeechSession(session(deepgram({ apiKey: s.apiKey, baseUrl: s.baseUrl })));
    try {
      const long = SENTENCE.repeat(4).trim();
      const first = runSpeech(sess.say(long));
      await eventually(() => first.events.some((e) => e.type === 'audio'));
      sess.interrupt();
      await finished(first);
      const last = first.events.at(-1);
      expect(last?.type).toBe('interrupted');
      if (last?.type === 'interrupted') {
        expect(long.startsWith(last.spokenText)).toBe(true);
        expect(last.basis).toBe('estimate'); // no word timings from Deepgram
      }
      const reply = 'Of course, what would you like instead?';
      const second = runSpeech(sess.say(reply));
      await finished(second);
      expect(second.state.error).toBeUndefined();
      // Everything heard in the second reply is the second reply's own generation, from its start.
      const heard = checkHeard(audioOf(second.events), reply, s.generations, { sampleRate: 24_000, msPerChar: 10 });
      expect(heard.heardText, heard.summary).toBe(reply);
      expect(heard.splices).toEqual([]);
      expect(s.received.some((m) => (m.json as { type?: string }).type === 'Clear')).toBe(true);
      expect(s.connectionCount).toBe(1); // native cancel: the connection is kept
    } finally {
      await sess.close();
    }
  });

  it('a reply whose generation never ends times out and is retried on a fresh connection', async () => {
    const s = await server({ faults: { neverEnd: true, faultyConnections: 1 } });
    const run = runSpeech(speak('Hello there, this will stall.', session(deepgram({ apiKey: s.apiKey, baseUrl: s.baseUrl }))));
    await finished(run);
    expect(run.state.error).toBeUndefined();
    expect(s.connectionCount).toBe(2);
    expect(run.events.at(-1)?.type).toBe('utterance-end');
  });

  it('works inside fallback(): a refused Deepgram account falls back to the next provider from the unspoken text', async () => {
    const down = await server({ faults: { upgradeStatus: 401 } });
    const up = await server();
    const text = 'Fall back, please. The second provider speaks this.';
    const provider = fallback([deepgram({ apiKey: down.apiKey, baseUrl: down.baseUrl }), deepgram({ apiKey: up.apiKey, baseUrl: up.baseUrl, sampleRate: 16_000 })]);
    const run = runSpeech(speak(text, session(provider)));
    await finished(run);
    expect(run.state.error).toBeUndefined();
    expect(down.generations).toEqual([]);
    expect(up.generations.map((g) => g.text).join('')).toBe(text);
    // Audio of the second provider is resampled to the first one's rate.
    expect(run.events.every((e) => e.type !== 'audio' || e.sampleRate === 24_000)).toBe(true);
  });
});
