/** The adapter inside utter's session engine (`speak`, sessions, `fallback`) against the ElevenLabs test server. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSpeechSession, fallback, speak, SpeechError, type SpeechEvent, type SpeechSessionOptions } from '@utter/core';
import type { Observable } from 'rxjs';
import { checkHeard, createElevenLabsServer, type ElevenLabsServerOptions, type ElevenLabsTestServer } from '@utter/testing';
import { elevenlabs, type ElevenLabsOptions } from './index.js';

const servers: ElevenLabsTestServer[] = [];
async function server(options: ElevenLabsServerOptions = {}): Promise<ElevenLabsTestServer> {
  const s = await createElevenLabsServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const provider = (s: ElevenLabsTestServer, o: ElevenLabsOptions = {}) =>
  elevenlabs({ apiKey: s.apiKey, baseUrl: s.baseUrl, voiceId: s.voiceId, ...(s.mode === 'single' ? { mode: 'single' as const } : {}), ...o });
const fast: Omit<SpeechSessionOptions, 'provider'> = { timeouts: { handshakeMs: 300, firstAudioMs: 600 }, retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 10 } };
const TEXT = 'The weather today is sunny. Tomorrow brings rain, and the weekend looks cold.';

/** A subscribed speech stream: its events, its error, and promises for its end and its first audio (no polling). */
interface Recorded {
  readonly events: SpeechEvent[];
  readonly state: { error: unknown };
  readonly done: Promise<void>;
  readonly firstAudio: Promise<void>;
}
function record(source: Observable<SpeechEvent>): Recorded {
  const events: SpeechEvent[] = [];
  const state = { error: undefined as unknown };
  let end = (): void => undefined;
  let audio = (): void => undefined;
  const done = new Promise<void>((resolve) => (end = resolve));
  const firstAudio = new Promise<void>((resolve) => (audio = resolve));
  source.subscribe({
    next: (e) => {
      events.push(e);
      if (e.type === 'audio') audio();
    },
    error: (e: unknown) => {
      state.error = e;
      end();
      audio();
    },
    complete: () => {
      end();
      audio();
    },
  });
  return { events, state, done, firstAudio };
}
async function run(source: Observable<SpeechEvent>): Promise<{ events: SpeechEvent[]; error: unknown }> {
  const r = record(source);
  await r.done;
  return { events: r.events, error: r.state.error };
}
const audioOf = (events: readonly SpeechEvent[]) => events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : []));

describe('elevenlabs in the session engine', () => {
  it('speaks a reply with word events mapped to the original text', async () => {
    const s = await server();
    const { events, error } = await run(speak(TEXT, { provider: provider(s), ...fast }));
    expect(error).toBeUndefined();
    expect(checkHeard(audioOf(events), TEXT, s.generations, { sampleRate: 24_000 }).heardText).toBe(TEXT);
    const words = events.flatMap((e) => (e.type === 'word' ? [e] : []));
    expect(words.map((w) => w.text)).toEqual(TEXT.split(' '));
    for (const w of words) if (w.start !== undefined && w.end !== undefined) expect(TEXT.slice(w.start, w.end)).toBe(w.text);
    expect(words.every((w, i) => i === 0 || w.startMs > (words[i - 1]?.startMs ?? 0))).toBe(true);
    expect(s.violations).toEqual([]);
  });

  it('recovers from a slow handshake on a fresh connection', async () => {
    const s = await server({ faults: { handshakeDelayMs: 1_000, faultyConnections: 1 } });
    const { events, error } = await run(speak(TEXT, { provider: provider(s), ...fast }));
    expect(error).toBeUndefined();
    expect(checkHeard(audioOf(events), TEXT, s.generations, { sampleRate: 24_000 }).heardText).toBe(TEXT);
    expect(s.connectionCount).toBe(2);
  });

  for (const [name, faults] of [
    ['a drop in the middle of a word', { dropAfterChunks: 7, faultyConnections: 1 }],
    ['a generation that never ends', { neverEnd: true, faultyConnections: 1 }],
  ] as const) {
    for (const mode of ['multi', 'single'] as const) {
      it(`recovers from ${name} (${mode}): every word heard, no splice, at most the cut word twice`, async () => {
        const s = await server({ faults, mode });
        const { events, error } = await run(speak(TEXT, { provider: provider(s), ...fast }));
        expect(error).toBeUndefined();
        expect(events.at(-1)?.type).toBe('utterance-end');
        const heard = checkHeard(audioOf(events), TEXT, s.generations, { sampleRate: 24_000 });
        expect(heard.splices).toEqual([]);
        expect(heard.missingWords).toEqual([]);
        expect(heard.unexpectedWords).toEqual([]);
        expect(heard.repeatedWords.length).toBeLessThanOrEqual(1);
        expect(s.connectionCount).toBe(2);
      });
    }
  }

  it('a silent service ends in a typed timeout, not a hang', async () => {
    const s = await server({ silent: true });
    const { error } = await run(speak(TEXT, { provider: provider(s), ...fast, retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 } }));
    expect(error).toBeInstanceOf(SpeechError);
    expect((error as SpeechError).code).toBe('timeout');
  });

  it('barge-in on many replies in a row: each next reply hears only its own audio', async () => {
    const s = await server({ contextReleaseDelayMs: 20, chunkIntervalMs: 1 });
    const session = createSpeechSession({ provider: provider(s), ...fast });
    try {
      for (let i = 0; i < 8; i++) {
        const r = record(session.say(`Reply number ${i} is a long one that the user keeps cutting off.`));
        await r.firstAudio;
        session.interrupt();
        await r.done;
        expect(r.events.at(-1)?.type).toBe('interrupted');
      }
      const last = 'Finally, an answer nobody interrupts.';
      const r = record(session.say(last));
      await r.done;
      expect(r.state.error).toBeUndefined();
      expect(checkHeard(audioOf(r.events), last, s.generations, { sampleRate: 24_000 }).heardText).toBe(last);
    } finally {
      await session.close();
    }
    expect(s.maxOpenContexts).toBeLessThanOrEqual(5);
    expect(s.violations).toEqual([]);
  });

  it('queues more replies than contexts: seven at once on one socket, never a sixth context', async () => {
    const s = await server({ contextReleaseDelayMs: 15 });
    const session = createSpeechSession({ provider: provider(s), ...fast });
    try {
      const texts = Array.from({ length: 7 }, (_, i) => `Reply ${'abcdefg'[i]} speaks its own words.`);
      const runs = texts.map((t) => record(session.say(t)));
      await Promise.all(runs.map((r) => r.done));
      runs.forEach((r, i) => {
        expect(r.state.error).toBeUndefined();
        expect(checkHeard(audioOf(r.events), texts[i] ?? '', s.generations, { sampleRate: 24_000 }).heardText).toBe(texts[i]);
      });
    } finally {
      await session.close();
    }
    expect(s.connectionCount).toBe(1);
    expect(s.maxOpenContexts).toBeGreaterThan(1); // replies ran at once, each on its context
    expect(s.maxOpenContexts).toBeLessThanOrEqual(5);
    expect(s.violations).toEqual([]);
  });

  it('works inside fallback(): a refused multi-context ElevenLabs, then stream-input at another rate', async () => {
    const refused = await server({ faults: { upgradeStatus: 401 } });
    const single = await server({ mode: 'single' });
    const chain = fallback([provider(refused), provider(single, { outputFormat: 'pcm_16000' })]);
    const { events, error } = await run(speak(TEXT, { provider: chain, ...fast }));
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.type === 'audio').every((e) => e.type === 'audio' && e.sampleRate === 24_000)).toBe(true); // resampled to the first provider's rate
    expect(single.generations.map((g) => g.text).join('')).toBe(TEXT);
  });

  it('carries on in a session after an idle close', async () => {
    const s = await server({ faults: { idleCloseMs: 50 } });
    const session = createSpeechSession({ provider: provider(s), ...fast });
    try {
      const first = record(session.say('Before the idle close.'));
      await first.done;
      await s.waitFor(() => s.openConnections === 0);
      const again = record(session.say('After it.'));
      await again.done;
      expect(again.state.error).toBeUndefined();
      expect(checkHeard(audioOf(again.events), 'After it.', s.generations, { sampleRate: 24_000 }).heardText).toBe('After it.');
    } finally {
      await session.close();
    }
  });
});
