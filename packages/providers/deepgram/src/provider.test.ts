import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpeechError } from '@utter/core';
import { decodeMulaw } from '@utter/core/provider';
import {
  collectConnectionEvents,
  connectError,
  connectTo,
  createDeepgramServer,
  expectedSamples,
  exposedText,
  generatePcm,
  type DeepgramServerOptions,
  type DeepgramTestServer,
} from '@utter/testing';
import { apiKeyEnv, deepgram, type DeepgramOptions } from './index.js';

const SECRET = 'dg-very-secret-key-0123456789';
const servers: DeepgramTestServer[] = [];
async function server(options: DeepgramServerOptions = {}): Promise<DeepgramTestServer> {
  const s = await createDeepgramServer({ msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
beforeEach(() => vi.stubEnv(apiKeyEnv, undefined));
afterEach(() => vi.unstubAllEnvs());

const provider = (s: DeepgramTestServer, options: DeepgramOptions = {}) => deepgram({ apiKey: s.apiKey, baseUrl: s.baseUrl, ...options });
const sent = (s: DeepgramTestServer) => s.received.map((m) => m.json as { type: string; text?: string });
const samples = (text: string, rate = 24_000) => expectedSamples(text, { sampleRate: rate, msPerChar: 20 });

describe('deepgram adapter', () => {
  it('speaks a reply: query parameters, Token header, Metadata handshake, Speak + Flush per segment, Flushed ends each segment', async () => {
    const s = await server();
    const p = provider(s, { model: 'aura-2-andromeda-en', mipOptOut: true });
    expect(p.capabilities).toMatchObject({ textInput: 'incremental', cancel: 'native', wordTimestamps: false, segmentAcks: true, maxCharsPerRequest: 2000, sampleRate: 24_000 });
    const conn = await connectTo(p);
    const c = collectConnectionEvents(conn);
    const parts = ['Hello there. ', 'How are you today? ', 'Fine.'];
    for (const [i, text] of parts.entries()) conn.send({ utteranceId: 'u1', segmentId: i, text });
    conn.finish('u1');
    await c.until((e) => e.type === 'utterance-done');
    // The listener hears each segment's own generation, whole and in order (tagged audio, decoded exactly).
    expect(s.generations.map((g) => g.text)).toEqual(parts);
    for (const [i, text] of parts.entries()) {
      expect(c.audio('u1', i)).toEqual(generatePcm(text, { sampleRate: 24_000, msPerChar: 20, generation: s.generations[i]?.id ?? 0 }));
    }
    const order = c.events.filter((e) => e.type !== 'audio').map((e) => `${e.type}:${'segmentId' in e ? e.segmentId : ''}`);
    expect(order).toEqual(['segment-done:0', 'segment-done:1', 'segment-done:2', 'utterance-done:']);
    expect(sent(s).map((m) => m.type)).toEqual(['Speak', 'Flush', 'Speak', 'Flush', 'Speak', 'Flush']);
    const upgrade = s.upgrades[0];
    expect(upgrade?.path).toBe('/v1/speak');
    expect(upgrade?.query).toEqual({ model: 'aura-2-andromeda-en', encoding: 'linear16', sample_rate: '24000', mip_opt_out: 'true' });
    expect(upgrade?.headers.authorization).toBe(`Token ${s.apiKey}`);
    expect(s.violations).toEqual([]);
    conn.close();
    await s.waitFor(() => sent(s).some((m) => m.type === 'Close'));
    expect(c.events.at(-1)).toEqual({ type: 'closed' });
  });

  it('speaks several replies one after another on one connection', async () => {
    const s = await server();
    const conn = await connectTo(provider(s));
    const c = collectConnectionEvents(conn);
    for (const [i, text] of ['First reply.', 'Second reply here.', 'Third.'].entries()) {
      conn.send({ utteranceId: `u${i}`, segmentId: 0, text });
      conn.finish(`u${i}`);
    }
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'u2');
    expect([c.samples('u0'), c.samples('u1'), c.samples('u2')]).toEqual([samples('First reply.'), samples('Second reply here.'), samples('Third.')]);
    expect(c.events.filter((e) => e.type === 'utterance-done').map((e) => (e.type === 'utterance-done' ? e.utteranceId : ''))).toEqual(['u0', 'u1', 'u2']);
    expect(s.connectionCount).toBe(1);
    conn.close();
  });

  it('decodes binary frames cut at odd byte counts, and mu-law / A-law to PCM16', async () => {
    const s = await server();
    expect(s.generations).toEqual([]);
    for (const encoding of ['linear16', 'mulaw', 'alaw'] as const) {
      const rate = encoding === 'linear16' ? 16_000 : 8_000;
      const p = provider(s, { encoding, sampleRate: rate });
      expect(p.capabilities.sampleRate).toBe(rate);
      const conn = await connectTo(p);
      const c = collectConnectionEvents(conn);
      conn.send({ utteranceId: encoding, segmentId: 0, text: 'Odd bytes everywhere.' });
      conn.finish(encoding);
      await c.until((e) => e.type === 'utterance-done');
      expect(c.samples(encoding)).toBe(samples('Odd bytes everywhere.', rate));
      expect(c.events.every((e) => e.type !== 'audio' || e.sampleRate === rate)).toBe(true);
      if (encoding === 'linear16') {
        const gen = s.generations.at(-1);
        expect(c.audio(encoding)).toEqual(generatePcm('Odd bytes everywhere.', { sampleRate: rate, msPerChar: 20, generation: gen?.id ?? 0 }));
      } else {
        // Companded audio is lossy: each decoded sample is within one quantisation step of the original.
        const original = generatePcm('Odd bytes everywhere.', { sampleRate: rate, msPerChar: 20, generation: s.generations.at(-1)?.id ?? 0 });
        const heard = c.audio(encoding);
        const worst = original.reduce((m, v, i) => Math.max(m, Math.abs(v - (heard[i] ?? 0)) / Math.max(64, Math.abs(v))), 0);
        expect(worst).toBeLessThan(0.1);
      }
      expect(s.upgrades.at(-1)?.query).toMatchObject({ encoding, sample_rate: String(rate) });
      conn.close();
    }
    expect(decodeMulaw(new Uint8Array([0xff]))[0]).toBe(0);
  });

  it('authenticates through Sec-WebSocket-Protocol (token, key) without an Authorization header', async () => {
    const s = await server();
    const conn = await connectTo(provider(s, { auth: 'subprotocol' }));
    expect(s.upgrades[0]?.headers.authorization).toBeUndefined();
    expect(String(s.upgrades[0]?.headers['sec-websocket-protocol']).split(/,\s*/)).toEqual(['token', s.apiKey]);
    conn.close();
  });

  it('reads the key from DEEPGRAM_API_KEY; without one connect() fails with auth naming it', async () => {
    const s = await server();
    vi.stubEnv(apiKeyEnv, s.apiKey);
    (await connectTo(deepgram({ baseUrl: s.baseUrl }))).close();
    expect(s.upgrades[0]?.headers.authorization).toBe(`Token ${s.apiKey}`);
    vi.stubEnv(apiKeyEnv, undefined);
    const error = await connectError(deepgram({ baseUrl: s.baseUrl }));
    expect(error.code).toBe('auth');
    expect(error.message).toContain('DEEPGRAM_API_KEY');
  });

  it('maps a bad key and 401/429 at the upgrade to auth / rate-limit, never showing the key', async () => {
    const s = await server();
    for (const auth of ['header', 'subprotocol'] as const) {
      const error = await connectError(provider(s, { apiKey: SECRET, auth }));
      expect(error.code).toBe('auth');
      expect(error.retryable).toBe(false);
      expect(exposedText(error)).not.toContain(SECRET);
    }
    s.faults = { upgradeStatus: 429 };
    const limited = await connectError(provider(s, { apiKey: SECRET }));
    expect(limited.code).toBe('rate-limit');
    expect(limited.retryable).toBe(true);
    expect(exposedText(limited)).not.toContain(SECRET);
  });

  it('waits for a slow Metadata, and reports a withheld one through the connect signal', async () => {
    const s = await server({ faults: { handshakeDelayMs: 80 } });
    const conn = await connectTo(provider(s));
    conn.close();
    s.faults = { withholdHandshake: true };
    const ac = new AbortController();
    const pending = provider(s).connect({ signal: ac.signal });
    await s.waitFor(() => s.openConnections === 1);
    ac.abort();
    await expect(pending).rejects.toSatisfy((e: unknown) => SpeechError.is(e, 'cancelled'));
  });

  it('reports a drop mid-reply as a retryable connection error', async () => {
    const s = await server({ faults: { dropAfterChunks: 2 } });
    const conn = await connectTo(provider(s));
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'This reply will be cut off in the middle of its audio.' });
    conn.finish('u');
    await c.until((e) => e.type === 'closed');
    const [error] = c.errors();
    expect(error?.code).toBe('connection');
    expect(error?.retryable).toBe(true);
    expect(c.completed).toBe(true);
  });

  it('fails with protocol on a malformed frame', async () => {
    const s = await server({ faults: { malformedFrame: true } });
    const conn = await connectTo(provider(s));
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    await c.until((e) => e.type === 'closed');
    expect(c.errors()[0]?.code).toBe('protocol');
  });

  it('maps provider errors: Error messages, 1009 (text too long) and 1011 (server)', async () => {
    const cases = [
      ['auth', 'auth', false],
      ['rate-limit', 'rate-limit', true],
      ['text-too-long', 'text-too-long', false],
      ['server', 'connection', true],
    ] as const;
    for (const [kind, code, retryable] of cases) {
      const s = await server({ faults: { error: kind } });
      const conn = await connectTo(provider(s, { apiKey: s.apiKey }));
      const c = collectConnectionEvents(conn);
      conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
      await c.until((e) => e.type === 'closed');
      const error = c.errors()[0];
      expect(error?.code, kind).toBe(code);
      expect(error?.retryable, kind).toBe(retryable);
      expect(exposedText(error)).not.toContain(s.apiKey);
    }
  });

  it('ends a reply with nothing to say (silence) without audio and without a hang', async () => {
    const s = await server();
    const conn = await connectTo(provider(s));
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'quiet', segmentId: 0, text: ' \n ' });
    conn.finish('quiet');
    conn.finish('empty'); // a reply that sent no text at all
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'quiet');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'empty');
    expect(c.samples('quiet')).toBe(0);
    conn.close();
  });

  it('cancels with Clear: no audio of the cancelled reply after it, the next reply heard whole', async () => {
    const s = await server({ chunkIntervalMs: 2 });
    const conn = await connectTo(provider(s));
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'old', segmentId: 0, text: 'This is a long answer that the user will interrupt before it ends.' });
    conn.finish('old');
    await c.until((e) => e.type === 'audio');
    conn.cancel('old');
    const heardOld = c.samples('old');
    conn.send({ utteranceId: 'new', segmentId: 0, text: 'Sure, go ahead.' });
    conn.finish('new');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'new');
    expect(c.samples('old')).toBe(heardOld); // nothing late
    expect(c.events.some((e) => e.type === 'utterance-done' && e.utteranceId === 'old')).toBe(false);
    const gen = s.generations.find((g) => g.text === 'Sure, go ahead.');
    expect(c.audio('new')).toEqual(generatePcm('Sure, go ahead.', { sampleRate: 24_000, msPerChar: 20, generation: gen?.id ?? 0 }));
    expect(sent(s).map((m) => m.type)).toEqual(['Speak', 'Flush', 'Clear', 'Speak', 'Flush']);
    expect(s.generations[0]?.status).toBe('cancelled');
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('takes audio the server generates on its own (before any Flushed) for the reply being spoken', async () => {
    const s = await server({ autoGenerateChars: 30 });
    const conn = await connectTo(provider(s, { flushMinChars: 2000 }));
    const c = collectConnectionEvents(conn);
    const parts = ['One. ', 'This second sentence is long enough. ', 'And a third sentence to end with. ', 'Done.'];
    for (const [i, text] of parts.entries()) conn.send({ utteranceId: 'u', segmentId: i, text });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    expect(s.generations.map((g) => g.text).join('')).toBe(parts.join(''));
    expect(s.generations.length).toBeGreaterThan(2); // some of it generated without a Flush
    expect(c.samples('u')).toBe(s.generations.reduce((n, g) => n + samples(g.text), 0));
    conn.close();
  });

  it('reports the idle close (1011 NET-0001) as a retryable connection error', async () => {
    const s = await server({ faults: { idleCloseMs: 30 } });
    const conn = await connectTo(provider(s));
    const c = collectConnectionEvents(conn);
    await c.until((e) => e.type === 'closed');
    const [error] = c.errors();
    expect([error?.code, error?.retryable, error?.providerCode]).toEqual(['connection', true, 1011]);
    expect(error?.message).toContain('NET-0001');
  });

  it('validates options and names the option and why', () => {
    expect(() => deepgram({ sampleRate: 22_050 as never })).toThrow(/sampleRate: must be one of 8000, 16000, 24000, 44100, 48000/);
    expect(() => deepgram({ encoding: 'mulaw', sampleRate: 24_000 })).toThrow(/sampleRate: must be 8000 or 16000 with encoding "mulaw"/);
    expect(() => deepgram({ encoding: 'mp3' as never })).toThrow(/encoding: must be one of linear16, mulaw, alaw/);
    expect(() => deepgram({ model: 'nova-3' })).toThrow(/model: must be an Aura voice model/);
    expect(() => deepgram({ auth: 'query' as never })).toThrow(/auth: must be "header" or "subprotocol"/);
    expect(() => deepgram({ baseUrl: 'wss://api.eu.deepgram.com/v1' })).toThrow(/baseUrl/);
    expect(() => deepgram({ maxFlushesPerMinute: 50 })).toThrow(/maxFlushesPerMinute: must be at most 20/);
    expect(() => deepgram({ bogus: 1 } as never)).toThrow(/bogus|Unrecognized/);
    try {
      deepgram({ apiKey: SECRET, sampleRate: 1 as never });
      expect.unreachable();
    } catch (error) {
      expect(SpeechError.is(error, 'invalid-input')).toBe(true);
      expect(exposedText(error)).not.toContain(SECRET);
    }
  });
});
