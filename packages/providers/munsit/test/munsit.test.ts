import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VirtualTimeScheduler } from 'rxjs';
import { SpeechError } from '@utter/core';
import { TEST_API_KEY, expectedSamples, generatePcm, createMunsitServer, type MunsitTestServer, type MunsitServerOptions, collectConnectionEvents, exposedText } from '@utter/testing';
import { munsit, apiKeyEnv, type MunsitOptions } from '../src/index.js';

const SECRET = 'sk-munsit-very-secret-key-42';
const servers: MunsitTestServer[] = [];
async function server(options: MunsitServerOptions = {}): Promise<MunsitTestServer> {
  const s = await createMunsitServer({ chunkMs: 40, msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

beforeEach(() => vi.stubEnv(apiKeyEnv, undefined));
afterEach(() => vi.unstubAllEnvs());

function provider(s: MunsitTestServer, options: MunsitOptions = {}) {
  return munsit({ apiKey: s.apiKey, baseUrl: s.baseUrl, httpBaseUrl: s.httpBaseUrl, transport: 'websocket', ...options });
}
const signal = () => new AbortController().signal;
const samples = (text: string, rate = 24_000) => expectedSamples(text, { sampleRate: rate, msPerChar: 20 });

describe('munsit adapter over the WebSocket', () => {
  it('speaks a reply: initConnection, text+flush per segment, isFinal per segment, on the real path', async () => {
    const s = await server();
    const p = provider(s, { voiceId: 'ar-najdi-female-1', modelId: 'faseeh-v1-preview', voiceSettings: { speed: 1.1, stability: 0.4 } });
    expect(p.capabilities).toMatchObject({ textInput: 'incremental', segmentAcks: true, cancel: 'close', sampleRate: 24_000 });
    const conn = await p.connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u1', segmentId: 0, text: 'مرحبا بكم. ' });
    conn.send({ utteranceId: 'u1', segmentId: 1, text: 'كيف حالكم اليوم؟' });
    conn.finish('u1');
    await c.until((e) => e.type === 'utterance-done');
    expect(c.samples('u1', 0)).toBe(samples('مرحبا بكم. '));
    expect(c.samples('u1', 1)).toBe(samples('كيف حالكم اليوم؟'));
    expect(c.audio('u1', 0)).toEqual(generatePcm('مرحبا بكم. ', { sampleRate: 24_000, msPerChar: 20, generation: s.generations.find((g) => g.text === 'مرحبا بكم. ')?.id ?? 0 }));
    const order = c.events.filter((e) => e.type !== 'audio').map((e) => `${e.type}:${'segmentId' in e ? e.segmentId : ''}`);
    expect(order).toEqual(['segment-done:0', 'segment-done:1', 'utterance-done:']);
    expect(s.upgrades[0]?.path).toBe('/api/v1/websocket/text-to-speech');
    expect(s.upgrades[0]?.query['x-api-key']).toBe(s.apiKey);
    expect(s.received[0]?.json).toEqual({
      type: 'initConnection',
      model_id: 'faseeh-v1-preview',
      voice_id: 'ar-najdi-female-1',
      output_format: 'pcm_24000',
      voice_settings: { stability: 0.4, speed: 1.1 },
    });
    expect(s.received[1]?.json).toEqual({ type: 'text', text: 'مرحبا بكم. ', flush: true });
    expect(s.violations).toEqual([]);
    conn.close();
    await s.waitFor(() => s.received.some((m) => (m.json as { type?: string })?.type === 'closeConnection'));
    expect(c.events.at(-1)).toEqual({ type: 'closed' });
    expect(c.completed).toBe(true);
  });

  it('speaks several replies one after another on one connection, at the chosen sample rate', async () => {
    const s = await server();
    const p = provider(s, { outputFormat: 'pcm_16000', authIn: 'message' });
    expect(p.capabilities.sampleRate).toBe(16_000);
    const conn = await p.connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    for (const [i, text] of ['First reply.', 'Second reply here.', 'Third.'].entries()) {
      conn.send({ utteranceId: `u${i}`, segmentId: 0, text });
      conn.finish(`u${i}`);
    }
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'u2');
    expect(c.samples('u0')).toBe(samples('First reply.', 16_000));
    expect(c.samples('u1')).toBe(samples('Second reply here.', 16_000));
    expect(c.samples('u2')).toBe(samples('Third.', 16_000));
    expect(c.events.filter((e) => e.type === 'audio').every((e) => e.type === 'audio' && e.sampleRate === 16_000)).toBe(true);
    expect(s.upgrades[0]?.query['x-api-key']).toBeUndefined();
    expect((s.received[0]?.json as { x_api_key?: string }).x_api_key).toBe(s.apiKey);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('does not send a blank segment but still ends it in order', async () => {
    const s = await server();
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'One.' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: '  \n' });
    conn.send({ utteranceId: 'u', segmentId: 2, text: 'Two.' });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    expect(c.events.filter((e) => e.type === 'segment-done').map((e) => (e.type === 'segment-done' ? e.segmentId : -1))).toEqual([0, 1, 2]);
    expect(s.received.filter((m) => (m.json as { type?: string }).type === 'text')).toHaveLength(2);
    conn.close();
  });

  it('validates options with clear errors', () => {
    expect(() => munsit({ voiceSettings: { speed: 2 } })).toThrow(/voiceSettings\.speed/);
    expect(() => munsit({ outputFormat: 'pcm_44100' as never })).toThrow(/outputFormat/);
    expect(() => munsit({ baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
    expect(() => munsit({ transport: 'carrier-pigeon' as never })).toThrow(/transport/);
    expect(() => munsit({ voiceId: '' })).toThrow(/voiceId/);
    expect(() => munsit({ bogus: 1 } as never)).toThrow(/bogus|Unrecognized/);
    try {
      munsit({ voiceSettings: { stability: 3 } });
    } catch (error) {
      expect(SpeechError.is(error, 'invalid-input')).toBe(true);
    }
  });

  it('without a key, still returns a provider whose connect() rejects with auth naming MUNSIT_API_KEY', async () => {
    const p = munsit();
    expect(p.name).toBe('munsit');
    await expect(p.connect({ signal: signal() })).rejects.toSatisfy((e: unknown) => SpeechError.is(e, 'auth') && /MUNSIT_API_KEY/.test((e as Error).message));
  });

  it('reads the key from MUNSIT_API_KEY', async () => {
    const s = await server();
    vi.stubEnv(apiKeyEnv, s.apiKey);
    const conn = await munsit({ baseUrl: s.baseUrl, transport: 'websocket' }).connect({ signal: signal() });
    conn.close();
    expect(s.upgrades[0]?.query['x-api-key']).toBe(s.apiKey);
  });

  it('maps a bad key (error 40101) to auth, and never shows the key', async () => {
    const s = await server();
    for (const authIn of ['query', 'message'] as const) {
      const error = await provider(s, { apiKey: SECRET, authIn })
        .connect({ signal: signal() })
        .catch((e: unknown) => e);
      expect(SpeechError.is(error, 'auth')).toBe(true);
      expect((error as SpeechError).providerCode).toBe(40101);
      expect(exposedText(error)).not.toContain(SECRET);
    }
  });

  it('maps HTTP 401 and 429 at the upgrade to auth and rate-limit, without printing the URL or key', async () => {
    const s = await server({ faults: { upgradeStatus: 401 } });
    const e401 = await provider(s, { apiKey: SECRET }).connect({ signal: signal() }).catch((e: unknown) => e);
    expect(SpeechError.is(e401, 'auth')).toBe(true);
    s.faults = { upgradeStatus: 429 };
    const e429 = await provider(s, { apiKey: SECRET }).connect({ signal: signal() }).catch((e: unknown) => e);
    expect(SpeechError.is(e429, 'rate-limit')).toBe(true);
    for (const e of [e401, e429]) {
      expect(exposedText(e)).not.toContain(SECRET);
      expect(exposedText(e)).not.toMatch(/x-api-key=(?!\[redacted\])/);
    }
  });

  it('reports a connection dropped mid-reply as a connection error, then closes', async () => {
    const s = await server({ faults: { dropAfterChunks: 3 } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'A sentence long enough for several chunks of audio.' });
    const closed = await c.until((e) => e.type === 'closed');
    expect(closed.type === 'closed' && closed.error?.code).toBe('connection');
    expect(c.events.filter((e) => e.type === 'audio')).toHaveLength(3);
    expect(c.completed).toBe(true);
  });

  it.each([
    ['rate-limit', 'rate-limit', 42901],
    ['text-too-long', 'text-too-long', 40002],
    ['server', 'provider', 50001],
    ['auth', 'auth', 40101],
  ] as const)('maps the %s error frame to %s with the numeric code', async (kind, code, providerCode) => {
    const s = await server({ faults: { error: kind } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const event = await c.until((e) => e.type === 'error');
    expect(event.type === 'error' && event.error.code).toBe(code);
    expect(event.type === 'error' && event.error.providerCode).toBe(providerCode);
    await c.until((e) => e.type === 'closed');
  });

  it('turns a malformed frame and an unknown message into protocol errors, never a crash', async () => {
    const s = await server({ faults: { malformedFrame: true } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const event = await c.until((e) => e.type === 'error');
    expect(event.type === 'error' && event.error.code).toBe('protocol');
    s.faults = { malformedFrame: { frame: JSON.stringify({ type: 'surprise' }) } };
    const conn2 = await provider(s).connect({ signal: signal() });
    const c2 = collectConnectionEvents(conn2);
    conn2.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const event2 = await c2.until((e) => e.type === 'error');
    expect(event2.type === 'error' && event2.error.code).toBe('protocol');
    expect(event2.type === 'error' && event2.error.message).toMatch(/unknown message type/);
  });

  it('a never-ending generation gives partial audio and no segment end; close() still ends cleanly', async () => {
    const s = await server({ faults: { neverEnd: true } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'This generation will never finish.' });
    conn.finish('u');
    await s.waitFor(() => s.generations[0]?.status === 'stalled');
    await c.until((e) => e.type === 'audio');
    expect(c.events.some((e) => e.type === 'segment-done' || e.type === 'utterance-done')).toBe(false);
    conn.close();
    expect(c.events.at(-1)).toEqual({ type: 'closed' });
  });

  it('reports the service closing an idle connection', async () => {
    const s = await server({ faults: { idleCloseMs: 20 } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    const closed = await c.until((e) => e.type === 'closed');
    expect(closed.type === 'closed' && closed.error?.code).toBe('connection');
  });

  it('waits for a delayed connectionInitialized, and is cancelled by the signal when it is withheld', async () => {
    const s = await server({ faults: { handshakeDelayMs: 30 } });
    const conn = await provider(s).connect({ signal: signal() });
    conn.close();
    s.faults = { withholdHandshake: true };
    const abort = new AbortController();
    const pending = provider(s).connect({ signal: abort.signal });
    await s.waitFor(() => s.received.filter((m) => (m.json as { type?: string })?.type === 'initConnection').length === 2);
    abort.abort();
    await expect(pending).rejects.toSatisfy((e: unknown) => SpeechError.is(e, 'cancelled'));
    expect(s.violations).toEqual([]);
  });

  it('cancel drops the rest of the reply: no audio or ends after cancel', async () => {
    const s = await server({ chunkIntervalMs: 1 });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'A long sentence that takes a while to synthesize completely.' });
    conn.finish('u');
    await c.until((e) => e.type === 'audio');
    conn.cancel('u');
    const count = c.events.length;
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'Next.' });
    conn.finish('v');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'v');
    expect(c.events.slice(count).filter((e) => 'utteranceId' in e && e.utteranceId === 'u')).toEqual([]);
    expect(c.samples('v')).toBe(samples('Next.'));
    conn.close();
  });
});

describe('munsit adapter over HTTP', () => {
  it("transport 'http' streams each segment from POST /api/v1/text-to-speech/{model_id} with x-api-key", async () => {
    const s = await server();
    const p = provider(s, { transport: 'http', outputFormat: 'pcm_22050', voiceSettings: { speed: 0.9 } });
    const conn = await p.connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'مرحبا. ' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: 'أهلا وسهلا.' });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    expect(c.samples('u', 0)).toBe(samples('مرحبا. ', 22_050));
    expect(c.samples('u', 1)).toBe(samples('أهلا وسهلا.', 22_050));
    expect(s.upgrades).toEqual([]);
    expect(s.http.requests.map((r) => r.path)).toEqual(['/api/v1/text-to-speech/faseeh-mini-v1-preview', '/api/v1/text-to-speech/faseeh-mini-v1-preview']);
    expect(s.http.requests[0]?.headers['x-api-key']).toBe(s.apiKey);
    expect(s.http.requests[0]?.body).toEqual({ voice_id: 'ar-najdi-male-2', text: 'مرحبا. ', streaming: true, speed: 0.9, sample_rate: 22_050 });
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it.each([
    [400, 'invalid-input'],
    [404, 'invalid-input'],
    [429, 'rate-limit'],
    [500, 'provider'],
  ] as const)('maps HTTP %i to a %s error for the reply; the connection stays usable', async (status, code) => {
    const s = await server({ httpFaults: { status, faultyRequests: 1 } });
    const conn = await provider(s, { transport: 'http' }).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    conn.finish('u');
    const error = await c.until((e) => e.type === 'error');
    expect(error).toMatchObject({ type: 'error', utteranceId: 'u', segmentId: 0, error: { code } });
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'Again.' });
    conn.finish('v');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'v');
    expect(c.samples('v')).toBe(samples('Again.'));
    conn.close();
  });

  it.each([
    [401, 'auth'],
    [402, 'quota'],
  ] as const)('maps HTTP %i to %s for the whole connection, without the key', async (status, code) => {
    const s = await server({ httpFaults: { status } });
    const conn = await provider(s, { transport: 'http', apiKey: status === 401 ? SECRET : s.apiKey }).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const closed = await c.until((e) => e.type === 'closed');
    expect(closed.type === 'closed' && closed.error?.code).toBe(code);
    for (const e of c.errors()) expect(exposedText(e)).not.toContain(SECRET);
  });

  it('reports a body that breaks off as a connection error for the reply', async () => {
    const s = await server({ httpFaults: { dropAfterChunks: 2 } });
    const conn = await provider(s, { transport: 'http' }).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'A sentence long enough to be cut off.' });
    const error = await c.until((e) => e.type === 'error');
    expect(error).toMatchObject({ utteranceId: 'u', error: { code: 'connection' } });
    conn.close();
  });

  it('cancel aborts the request in flight and drops the queued ones', async () => {
    const s = await server({ chunkIntervalMs: 1 });
    const conn = await provider(s, { transport: 'http' }).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'A long first segment that streams for a while.' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: 'A second segment that must never be requested.' });
    await c.until((e) => e.type === 'audio');
    conn.cancel('u');
    const count = c.events.length;
    await s.waitFor(() => s.generations[0]?.status === 'cancelled');
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'Next.' });
    conn.finish('v');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'v');
    expect(c.events.slice(count).filter((e) => 'utteranceId' in e && e.utteranceId === 'u')).toEqual([]);
    expect(s.http.requests).toHaveLength(2);
    conn.close();
  });
});

describe("munsit transport 'auto'", () => {
  it('falls back to HTTP when the socket answers connectionInitialized but never sends audio, losing no text', async () => {
    const s = await server({ silent: true });
    const scheduler = new VirtualTimeScheduler();
    const p = munsit({ apiKey: s.apiKey, baseUrl: s.baseUrl, httpBaseUrl: s.httpBaseUrl, firstAudioTimeoutMs: 2000, scheduler });
    expect(p.activeTransport).toBe('websocket');
    const conn = await p.connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    const texts = ['السلام عليكم. ', 'هذا اختبار. ', 'مع السلامة.'];
    texts.forEach((text, i) => conn.send({ utteranceId: 'u', segmentId: i, text }));
    conn.finish('u');
    await s.waitFor(() => s.generations.filter((g) => g.status === 'stalled').length === 3);
    expect(conn.transport).toBe('websocket');
    scheduler.flush(); // the first-audio watchdog fires (virtual time)
    await c.until((e) => e.type === 'utterance-done');
    expect(conn.transport).toBe('http');
    expect(p.activeTransport).toBe('http');
    texts.forEach((text, i) => expect(c.samples('u', i)).toBe(samples(text)));
    expect(s.http.requests.map((r) => (r.body as { text: string }).text)).toEqual(texts);
    // Later connections go straight to HTTP.
    const conn2 = await p.connect({ signal: signal() });
    expect(conn2.transport).toBe('http');
    expect(s.connectionCount).toBe(1);
    conn.close();
    conn2.close();
  });

  it('does not fall back while the socket produces audio', async () => {
    const s = await server();
    const scheduler = new VirtualTimeScheduler();
    const p = munsit({ apiKey: s.apiKey, baseUrl: s.baseUrl, httpBaseUrl: s.httpBaseUrl, scheduler });
    const conn = await p.connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello there.' });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    scheduler.flush();
    expect(conn.transport).toBe('websocket');
    expect(s.http.requests).toEqual([]);
    conn.close();
  });

  it('uses HTTP when the socket cannot be reached at all', async () => {
    const s = await server({ faults: { upgradeStatus: 503 } });
    const p = munsit({ apiKey: s.apiKey, baseUrl: s.baseUrl, httpBaseUrl: s.httpBaseUrl });
    const conn = await p.connect({ signal: signal() });
    expect(conn.transport).toBe('http');
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hi.' });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    expect(c.samples('u')).toBe(samples('Hi.'));
    conn.close();
  });
});
