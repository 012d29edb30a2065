import { afterEach, describe, expect, it } from 'vitest';
import { createSpeechSession, type ConnectionEvent, type SpeechError, type SpeechEvent } from '@utter/core';
import { checkHeard, collectConnectionEvents, connectTo, createElevenLabsServer, expectedSamples, type ElevenLabsTestServer } from '@utter/testing';
import { elevenlabs, type ElevenLabsOptions } from './index.js';

const servers: ElevenLabsTestServer[] = [];
async function server(options: Parameters<typeof createElevenLabsServer>[0] = {}): Promise<ElevenLabsTestServer> {
  const s = await createElevenLabsServer({ mode: 'single', ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const provider = (s: ElevenLabsTestServer, o: ElevenLabsOptions = {}) => elevenlabs({ apiKey: s.apiKey, baseUrl: s.baseUrl, voiceId: s.voiceId, mode: 'single', ...o });
const sent = (s: ElevenLabsTestServer) => s.received.map((m) => m.json as Record<string, unknown>);
const done = (e: ConnectionEvent) => e.type === 'utterance-done';

describe('elevenlabs stream-input against the ElevenLabs test server', () => {
  it('speaks one reply: " " opener, text, "" end of stream, isFinal, then the socket closes', async () => {
    const s = await server();
    const conn = await connectTo(provider(s, { voiceSettings: { style: 0.2 }, languageCode: 'en' }));
    const log = collectConnectionEvents(conn);
    const segments = ['Hello from the single stream, ', 'which ends with an empty text.'];
    segments.forEach((text, i) => conn.send({ utteranceId: 'u', segmentId: i, text }));
    conn.finish('u');
    await log.until(done);
    const text = segments.join('');
    expect(log.samples('u')).toBe(expectedSamples(text));
    expect(checkHeard(log.audio('u'), text, s.generations, { sampleRate: 24_000 }).heardText).toBe(text);
    expect(log.events.filter((e) => e.type === 'word').length).toBe(text.split(' ').length);
    expect(sent(s)).toEqual([{ text: ' ', voice_settings: { style: 0.2 } }, { text: segments[0] }, { text: segments[1] }, { text: '' }]);
    expect(s.upgrades[0]?.path).toBe(`/v1/text-to-speech/${s.voiceId}/stream-input`);
    expect(s.upgrades[0]?.query['language_code']).toBe('en');
    // The service ends the socket after isFinal: the connection reports it (the session reconnects for the next reply).
    const closed = (await log.until((e) => e.type === 'closed')) as { error?: SpeechError };
    expect(closed.error?.retryable).toBe(true);
    expect(s.violations).toEqual([]);
  });

  it('a second reply on a spent socket is refused (retryable), and the declared capabilities make the session reconnect', async () => {
    const s = await server();
    const conn = await connectTo(provider(s));
    const log = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'a', segmentId: 0, text: 'First. ' });
    conn.send({ utteranceId: 'b', segmentId: 0, text: 'Second. ' });
    const err = (await log.until((e) => e.type === 'error')) as { error: SpeechError; utteranceId?: string };
    expect(err.utteranceId).toBe('b');
    expect(err.error.retryable).toBe(true);
    conn.close();
    expect(provider(s).capabilities).toMatchObject({ textInput: 'incremental', cancel: 'close', maxConcurrentUtterances: 1, maxConnectionAgeMs: 0 });
  });

  it('runs a session of several replies, one socket each', async () => {
    const s = await server();
    const session = createSpeechSession({ provider: provider(s), timeouts: { handshakeMs: 2_000, firstAudioMs: 2_000 } });
    try {
      for (const text of ['One reply. ', 'Another reply, longer than the first. ']) {
        const events: SpeechEvent[] = [];
        await new Promise<void>((resolve, reject) => session.say(text).subscribe({ next: (e) => events.push(e), complete: resolve, error: reject }));
        const pcm = events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : []));
        expect(checkHeard(pcm, text, s.generations, { sampleRate: 24_000 }).heardText).toBe(text);
      }
    } finally {
      await session.close();
    }
    expect(s.connectionCount).toBe(2);
    expect(s.violations).toEqual([]);
  });

  it('auth in the message puts xi-api-key in the opener only', async () => {
    const s = await server();
    const conn = await connectTo(provider(s, { auth: 'message' }));
    const log = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Keyed. ' });
    conn.finish('u');
    await log.until(done);
    expect(s.upgrades[0]?.headers['xi-api-key']).toBeUndefined();
    expect(sent(s)[0]).toEqual({ text: ' ', 'xi-api-key': s.apiKey });
    expect(sent(s).slice(1).some((m) => 'xi-api-key' in m)).toBe(false);
  });

  it('keepAlive sends a single space', async () => {
    const s = await server();
    const conn = await connectTo(provider(s));
    conn.keepAlive?.();
    await s.waitFor(() => s.received.length === 2);
    expect(sent(s)[1]).toEqual({ text: ' ' });
    conn.close();
  });
});
