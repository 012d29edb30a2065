import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpeechError } from '@utter/core';
import { expectedSamples, generatePcm, createUpliftServer, type UpliftTestServer, type UpliftServerOptions, collectConnectionEvents, exposedText } from '@utter/testing';
import { upliftai, apiKeyEnv, splitText, type UpliftAiOptions } from '../src/index.js';

const SECRET = 'sk_api_uplift_super_secret_99';
const servers: UpliftTestServer[] = [];
async function server(options: UpliftServerOptions = {}): Promise<UpliftTestServer> {
  const s = await createUpliftServer({ chunkMs: 40, msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
beforeEach(() => vi.stubEnv(apiKeyEnv, undefined));
afterEach(() => vi.unstubAllEnvs());

function provider(s: UpliftTestServer, options: UpliftAiOptions = {}) {
  return upliftai({ apiKey: s.apiKey, baseUrl: s.baseUrl, ...options });
}
const signal = () => new AbortController().signal;
const samples = (text: string, rate = 22_050) => expectedSamples(text, { sampleRate: rate, msPerChar: 20 });
type Sent = { type: string; requestId: string; text?: string; voiceId?: string; outputFormat?: string };
const sent = (s: UpliftTestServer) => s.received.map((m) => m.json as Sent);
/** The id of the server's generation of `text` (its audio is tagged with it). */
const generationOf = (s: UpliftTestServer, text: string): number => {
  const gen = s.generations.find((g) => g.text === text);
  if (gen === undefined) throw new Error(`no generation of ${JSON.stringify(text.slice(0, 40))}`);
  return gen.id;
};

describe('upliftai adapter', () => {
  it('waits for ready, sends one synthesize per segment with unique ids, reports interleaved audio by segment', async () => {
    const s = await server();
    const p = provider(s);
    expect(p.capabilities).toMatchObject({ textInput: 'request', segmentAcks: true, cancel: 'native', sampleRate: 22_050, maxCharsPerRequest: 10_000, maxConcurrentRequests: 3, limits: { requestsPerMinute: 60 } });
    const conn = await p.connect({ signal: signal() });
    expect(conn.sessionId).toMatch(/[0-9a-f-]{36}/);
    const c = collectConnectionEvents(conn);
    const texts = ['السلام علیکم۔ ', 'آپ کیسے ہیں؟ ', 'شکریہ۔'];
    texts.forEach((text, i) => conn.send({ utteranceId: 'u', segmentId: i, text }));
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    texts.forEach((text, i) => {
      expect(c.samples('u', i)).toBe(samples(text));
      expect(c.audio('u', i)).toEqual(generatePcm(text, { sampleRate: 22_050, msPerChar: 20, generation: generationOf(s, text) }));
    });
    // The chunks really interleaved on the wire: audio of segment 1 came before segment 0 ended.
    const firstAudioOf1 = c.events.findIndex((e) => e.type === 'audio' && e.segmentId === 1);
    const doneOf0 = c.events.findIndex((e) => e.type === 'segment-done' && e.segmentId === 0);
    expect(firstAudioOf1).toBeLessThan(doneOf0);
    expect(c.events.filter((e) => e.type === 'segment-done')).toHaveLength(3);
    expect(c.events.at(-1)).toEqual({ type: 'utterance-done', utteranceId: 'u' });
    const requests = sent(s);
    expect(requests.map((r) => r.type)).toEqual(['synthesize', 'synthesize', 'synthesize']);
    expect(new Set(requests.map((r) => r.requestId)).size).toBe(3);
    expect(requests[0]).toMatchObject({ text: texts[0], voiceId: 'v_meklc281', outputFormat: 'PCM_22050_16' });
    expect(s.upgrades[0]?.path).toBe('/v1/text-to-speech/multi-stream');
    expect(s.upgrades[0]?.headers['authorization']).toBe(`Bearer ${s.apiKey}`);
    expect(s.violations).toEqual([]);
    conn.close();
    expect(c.completed).toBe(true);
  });

  it('speaks several replies on one connection, with unique request ids across them', async () => {
    const s = await server();
    const conn = await provider(s, { voiceId: 'v_8eelc901' }).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    for (const u of ['a', 'b', 'c']) {
      conn.send({ utteranceId: u, segmentId: 0, text: `Reply ${u}.` });
      conn.finish(u);
    }
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'c');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'a');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'b');
    for (const u of ['a', 'b', 'c']) expect(c.samples(u)).toBe(samples(`Reply ${u}.`));
    expect(new Set(sent(s).map((r) => r.requestId)).size).toBe(3);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('splits a segment over 10,000 characters into several requests and keeps their audio in order', async () => {
    const s = await server({ msPerChar: 1, chunkMs: 1000 });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    const text = 'کلمہ '.repeat(3000); // 15,000 characters
    conn.send({ utteranceId: 'u', segmentId: 0, text });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done', 15_000);
    const parts = sent(s).map((r) => r.text ?? '');
    expect(parts.length).toBe(2);
    expect(parts.join('')).toBe(text);
    expect(parts.every((p) => p.length <= 10_000)).toBe(true);
    const expected = parts.map((p) => generatePcm(p, { sampleRate: 22_050, msPerChar: 1, generation: generationOf(s, p) }));
    const joined = new Int16Array(expected.reduce((n, a) => n + a.length, 0));
    joined.set(expected[0] ?? new Int16Array(0), 0);
    joined.set(expected[1] ?? new Int16Array(0), expected[0]?.length ?? 0);
    expect(Buffer.compare(Buffer.from(c.audio('u', 0).buffer), Buffer.from(joined.buffer))).toBe(0);
    expect(c.events.filter((e) => e.type === 'segment-done')).toHaveLength(1);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('does not send a blank segment but reports it done', async () => {
    const s = await server();
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'One.' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: ' \n ' });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    expect(c.events.filter((e) => e.type === 'segment-done')).toHaveLength(2);
    expect(sent(s)).toHaveLength(1);
    conn.close();
  });

  it('splitText is lossless and respects the limit', () => {
    expect(splitText('abc def ghi', 5)).toEqual(['abc ', 'def ', 'ghi']);
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('😀😀😀', 3).join('')).toBe('😀😀😀');
    expect(splitText('😀😀😀', 3).every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });

  it('cancel sends cancel for each active request of the reply; nothing of it is reported afterwards', async () => {
    const s = await server({ chunkIntervalMs: 2 });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'A first long sentence to be cancelled midway.' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: 'A second long sentence to be cancelled as well.' });
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'Another reply that goes on.' });
    conn.finish('v');
    await c.until((e) => e.type === 'audio' && e.utteranceId === 'u');
    conn.cancel('u');
    const count = c.events.length;
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'v');
    await s.waitFor(() => s.generations.filter((g) => g.status === 'cancelled').length === 2);
    expect(c.events.slice(count).filter((e) => 'utteranceId' in e && e.utteranceId === 'u')).toEqual([]);
    const cancels = sent(s).filter((m) => m.type === 'cancel').map((m) => m.requestId);
    const uRequests = sent(s).filter((m) => m.type === 'synthesize' && m.text?.includes('cancel')).map((m) => m.requestId);
    expect(cancels.sort()).toEqual(uRequests.sort());
    expect(c.samples('v')).toBe(samples('Another reply that goes on.'));
    conn.send({ utteranceId: 'u', segmentId: 2, text: 'late' });
    expect(sent(s).filter((m) => m.text === 'late')).toEqual([]);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('validates options with clear errors; MP3/OGG are rejected', () => {
    expect(() => upliftai({ outputFormat: 'MP3_22050_128' as never })).toThrow(/outputFormat.*MP3 and OGG are not supported/);
    expect(() => upliftai({ outputFormat: 'FLAC' as never })).toThrow(/outputFormat/);
    expect(() => upliftai({ voiceId: '' })).toThrow(/voiceId/);
    expect(() => upliftai({ maxConcurrentRequests: 0 })).toThrow(/maxConcurrentRequests/);
    expect(() => upliftai({ baseUrl: 'not a url' })).toThrow(/baseUrl/);
    try {
      upliftai({ outputFormat: 'OGG_22050_16' as never });
    } catch (error) {
      expect(SpeechError.is(error, 'invalid-input')).toBe(true);
    }
  });

  it.each([
    ['ULAW_8000_8', 8000],
    ['WAV_22050_16', 22_050],
    ['WAV_22050_32', 22_050],
  ] as const)('decodes %s to PCM16 at %i Hz', async (outputFormat, rate) => {
    const s = await server();
    const p = provider(s, { outputFormat });
    expect(p.capabilities.sampleRate).toBe(rate);
    const conn = await p.connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Format test.' });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    expect(c.samples('u')).toBe(samples('Format test.', rate));
    const reference = generatePcm('Format test.', { sampleRate: rate, msPerChar: 20, generation: generationOf(s, 'Format test.') });
    const got = c.audio('u');
    // mu-law keeps about 1/32 of a sample's magnitude; the other formats are exact.
    const maxError = got.reduce((m, v, i) => Math.max(m, Math.abs(v - (reference[i] ?? 0)) - (outputFormat === 'ULAW_8000_8' ? Math.abs(reference[i] ?? 0) / 16 + 64 : 0)), 0);
    expect(maxError).toBeLessThanOrEqual(0);
    expect(c.events.filter((e) => e.type === 'audio').every((e) => e.type === 'audio' && e.sampleRate === rate)).toBe(true);
    expect(sent(s)[0]?.outputFormat).toBe(outputFormat);
    conn.close();
  });

  it('without a key, still returns a provider whose connect() rejects with auth naming UPLIFTAI_API_KEY', async () => {
    const p = upliftai();
    await expect(p.connect({ signal: signal() })).rejects.toSatisfy((e: unknown) => SpeechError.is(e, 'auth') && /UPLIFTAI_API_KEY/.test((e as Error).message));
    vi.stubEnv(apiKeyEnv, 'from-env-key-123');
    const s = await server({ apiKey: 'from-env-key-123' });
    const conn = await upliftai({ baseUrl: s.baseUrl }).connect({ signal: signal() });
    conn.close();
  });

  it.each(['error-message', 'http-401'] as const)('maps a bad key (%s) to auth without showing the key', async (authFailure) => {
    const s = await server({ authFailure });
    const error = await provider(s, { apiKey: SECRET }).connect({ signal: signal() }).catch((e: unknown) => e);
    expect(SpeechError.is(error, 'auth')).toBe(true);
    expect(exposedText(error)).not.toContain(SECRET);
  });

  it('maps HTTP 429 at the upgrade to rate-limit', async () => {
    const s = await server({ faults: { upgradeStatus: 429 } });
    const error = await provider(s).connect({ signal: signal() }).catch((e: unknown) => e);
    expect(SpeechError.is(error, 'rate-limit')).toBe(true);
  });

  it.each([
    ['rate-limit', 'rate-limit', 'rate_limit_exceeded'],
    ['text-too-long', 'text-too-long', 'text_too_long'],
    ['server', 'provider', 'synthesis_failed'],
  ] as const)('maps the %s error of a request to a %s error of that reply; the connection stays usable', async (kind, code, providerCode) => {
    const s = await server({ faults: { error: kind } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: 'More.' });
    const error = await c.until((e) => e.type === 'error');
    expect(error).toMatchObject({ type: 'error', utteranceId: 'u', segmentId: 0, error: { code, providerCode } });
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'Next.' });
    conn.finish('v');
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'v');
    expect(c.events.some((e) => e.type === 'closed')).toBe(false);
    expect(c.events.some((e) => e.type === 'utterance-done' && e.utteranceId === 'u')).toBe(false);
    conn.close();
  });

  it('an auth error mid-connection fails the connection', async () => {
    const s = await server({ faults: { error: 'auth' } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const closed = await c.until((e) => e.type === 'closed');
    expect(closed.type === 'closed' && closed.error?.code).toBe('auth');
  });

  it('turns malformed frames and unknown messages into protocol errors', async () => {
    for (const frame of [undefined, JSON.stringify({ type: 'mystery' }), JSON.stringify({ type: 'audio', requestId: 'nobody', audio: 'AAAA' })]) {
      const s = await server({ faults: { malformedFrame: frame === undefined ? true : { frame } } });
      const conn = await provider(s).connect({ signal: signal() });
      const c = collectConnectionEvents(conn);
      conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
      const error = await c.until((e) => e.type === 'error');
      expect(error.type === 'error' && error.error.code).toBe('protocol');
      await c.until((e) => e.type === 'closed');
    }
  });

  it('reports a drop mid-reply as a connection error', async () => {
    const s = await server({ faults: { dropAfterChunks: 2 } });
    const conn = await provider(s).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'A sentence long enough to be dropped.' });
    const closed = await c.until((e) => e.type === 'closed');
    expect(closed.type === 'closed' && closed.error?.code).toBe('connection');
  });

  it('an unknown voice gives neither audio nor error (the core first-audio watchdog handles it)', async () => {
    const s = await server();
    const conn = await provider(s, { voiceId: 'v_unknown' }).connect({ signal: signal() });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    conn.finish('u');
    await s.waitFor(() => s.generations[0]?.status === 'stalled');
    expect(c.events).toEqual([]);
    conn.close();
    expect(c.events).toEqual([{ type: 'closed' }]);
  });

  it('never sends before ready; a withheld ready is cancelled by the signal', async () => {
    const s = await server({ faults: { handshakeDelayMs: 30 } });
    const conn = await provider(s).connect({ signal: signal() });
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hi.' });
    await s.waitFor(() => s.received.length === 1);
    expect(s.violations).toEqual([]);
    conn.close();
    s.faults = { withholdHandshake: true };
    const abort = new AbortController();
    const pending = provider(s).connect({ signal: abort.signal });
    await s.waitFor(() => s.connectionCount === 2 && s.openConnections === 1);
    abort.abort();
    await expect(pending).rejects.toSatisfy((e: unknown) => SpeechError.is(e, 'cancelled'));
  });
});
