import { afterEach, describe, expect, it, vi } from 'vitest';
import { SpeechError, type ConnectionEvent, type SpeechProvider } from '@utter/core';
import { connectError, connectTo, createMurfServer, eventsUntil, expectedSamples, type MurfServerOptions, type MurfTestServer } from '@utter/testing';
import { apiKeyEnv, murf, murfEndpoint, type MurfOptions } from './index.js';

const servers: MurfTestServer[] = [];
async function server(options: MurfServerOptions = {}): Promise<MurfTestServer> {
  const s = await createMurfServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const provider = (s: MurfTestServer, o: MurfOptions = {}): SpeechProvider => murf({ apiKey: s.apiKey, baseUrl: s.baseUrl, ...o });
const samples = (events: ConnectionEvent[], id: string): number =>
  events.reduce((n, e) => n + (e.type === 'audio' && e.utteranceId === id ? e.pcm.length : 0), 0);

describe('murf adapter against the Murf test server', () => {
  for (const format of ['PCM', 'WAV'] as const) {
    it(`speaks a reply on one context with end -> final (format ${format})`, async () => {
      const s = await server();
      const conn = await connectTo(provider(s, { format }));
      const done = eventsUntil(conn, (e) => e.type === 'utterance-done');
      const texts = ['Hello there, ', 'this is Murf speaking from a test server. ', 'Bye.'];
      texts.forEach((text, i) => conn.send({ utteranceId: 'u1', segmentId: i, text }));
      conn.finish('u1');
      const events = await done;
      expect(samples(events, 'u1')).toBe(expectedSamples(texts.join('')));
      expect(events.every((e) => e.type !== 'audio' || e.segmentId === undefined)).toBe(true);
      expect(s.violations).toEqual([]);
      const sent = s.received.map((m) => m.json as Record<string, unknown>);
      expect(sent.filter((m) => m['context_id'] === 'u1' && typeof m['text'] === 'string')).toHaveLength(3);
      expect(sent.some((m) => m['end'] === true && m['context_id'] === 'u1')).toBe(true);
      expect((sent[0]?.['voice_config'] as Record<string, unknown>)['voice_id']).toBe('Matthew');
      expect(s.upgrades[0]?.query).toMatchObject({ format, model: 'FALCON', sample_rate: '24000', channel_type: 'MONO' });
      expect(s.upgrades[0]?.headers['api-key']).toBe(s.apiKey);
      conn.close();
    });
  }

  it('runs replies on separate contexts on one connection', async () => {
    const s = await server({ faults: {} });
    const conn = await connectTo(provider(s, { format: 'WAV' }));
    for (const id of ['a', 'b', 'c']) {
      const done = eventsUntil(conn, (e) => e.type === 'utterance-done');
      conn.send({ utteranceId: id, segmentId: 0, text: `Reply ${id}.` });
      conn.finish(id);
      expect(samples(await done, id)).toBe(expectedSamples(`Reply ${id}.`));
    }
    expect(s.connectionCount).toBe(1);
    expect(new Set(s.generations.map((g) => g.key))).toEqual(new Set(['a', 'b', 'c']));
    conn.close();
  });

  it('cancel sends clear and drops late audio of the cleared context', async () => {
    const s = await server({ chunkIntervalMs: 2 });
    const conn = await connectTo(provider(s));
    const events: ConnectionEvent[] = [];
    conn.events.subscribe((e) => events.push(e));
    conn.send({ utteranceId: 'old', segmentId: 0, text: 'A long sentence that keeps streaming audio for a while after the clear.' });
    await s.waitFor(() => (s.generations[0]?.samplesSent ?? 0) > 0);
    conn.cancel('old');
    const cut = events.length;
    await s.waitFor(() => s.received.some((m) => (m.json as { clear?: boolean }).clear === true));
    const next = eventsUntil(conn, (e) => e.type === 'utterance-done');
    conn.send({ utteranceId: 'new', segmentId: 0, text: 'Next.' });
    conn.finish('new');
    await next;
    await s.waitFor(() => s.generations[0]?.status !== 'streaming');
    expect(events.slice(cut).filter((e) => e.type === 'audio' && e.utteranceId === 'old')).toEqual([]);
    expect(s.generations[0]?.samplesSent).toBe(s.generations[0]?.samples); // the server played on
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('query auth puts the key in the query only, and no key appears in errors', async () => {
    const s = await server({ faults: { error: 'server' } });
    const conn = await connectTo(provider(s, { auth: 'query' }));
    expect(s.upgrades[0]?.query['api-key']).toBe(s.apiKey);
    expect(s.upgrades[0]?.headers['api-key']).toBeUndefined();
    const closed = eventsUntil(conn, (e) => e.type === 'closed');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hi.' });
    const events = await closed;
    expect(JSON.stringify(events.map((e) => ('error' in e && e.error ? e.error.message : '')))).not.toContain(s.apiKey);
  });

  it('a bad key is HTTP 401 -> auth; a missing key names MURF_API_KEY', async () => {
    const s = await server();
    const key = 'murf-wrong-key-123456';
    const e = await connectError(murf({ apiKey: key, baseUrl: s.baseUrl, auth: 'query' }));
    expect(e.code).toBe('auth');
    expect(e.message).not.toContain(key);
    vi.stubEnv(apiKeyEnv, undefined);
    const m = await connectError(murf());
    expect(m.code).toBe('auth');
    expect(m.message).toContain('MURF_API_KEY');
  });

  it.each([
    ['rate-limit', 'rate-limit'],
    ['text-too-long', 'text-too-long'],
  ] as const)('a %s error on a context fails that reply only', async (kind, code) => {
    const s = await server({ faults: { error: kind } });
    const conn = await connectTo(provider(s));
    const ev = eventsUntil(conn, (e) => e.type === 'error');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hi.' });
    const err = (await ev).at(-1) as { error: SpeechError; utteranceId?: string };
    expect(err.error.code).toBe(code);
    expect(err.utteranceId).toBe('u');
    const ok = eventsUntil(conn, (e) => e.type === 'utterance-done');
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'Again.' });
    conn.finish('v');
    expect(samples(await ok, 'v')).toBe(expectedSamples('Again.'));
    conn.close();
  });

  it('an auth error message closes the connection with auth', async () => {
    const s = await server({ faults: { error: 'auth' } });
    const conn = await connectTo(provider(s));
    const ev = eventsUntil(conn, (e) => e.type === 'closed');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hi.' });
    expect(((await ev).at(-1) as { error?: SpeechError }).error?.code).toBe('auth');
  });

  it('accepts is_final / isFinalAudio and a WAV header only once per connection', async () => {
    for (const finalField of ['is_final', 'isFinalAudio'] as const) {
      const s = await server({ finalField, wavHeaderPer: 'connection' });
      const conn = await connectTo(provider(s, { format: 'WAV' }));
      for (const id of ['x', 'y']) {
        const done = eventsUntil(conn, (e) => e.type === 'utterance-done');
        conn.send({ utteranceId: id, segmentId: 0, text: 'Some words.' });
        conn.finish(id);
        expect(samples(await done, id)).toBe(expectedSamples('Some words.'));
      }
      conn.close();
    }
  });

  it('a malformed frame is a protocol error; idle close is a retryable connection error', async () => {
    const s = await server({ faults: { malformedFrame: true } });
    const conn = await connectTo(provider(s));
    const ev = eventsUntil(conn, (e) => e.type === 'closed');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hi.' });
    expect(((await ev).at(-1) as { error?: SpeechError }).error?.code).toBe('protocol');

    const idle = await server({ idleTimeoutMs: 30 });
    const c2 = await connectTo(provider(idle));
    const closed = (await eventsUntil(c2, (e) => e.type === 'closed')).at(-1) as { error?: SpeechError };
    expect(closed.error?.code).toBe('connection');
    expect(closed.error?.retryable).toBe(true);
  });

  it('keepAlive resends the voice settings, which counts as activity', async () => {
    const s = await server({ idleTimeoutMs: 200 });
    const conn = await connectTo(provider(s));
    conn.keepAlive?.();
    await s.waitFor(() => s.received.length === 2);
    expect(s.received[1]?.json).toEqual(s.received[0]?.json);
    conn.close();
  });

  it('maps region to host and validates options', () => {
    expect(() => murf({ region: 'mars' as 'uk' })).toThrow(/region must be one of/);
    expect(() => murf({ rate: 51 })).toThrow(/rate must be between -50 and 50/);
    expect(() => murf({ sampleRate: 22050 as 24000 })).toThrow(/sampleRate must be one of/);
    expect(() => murf({ format: 'MP3' as 'PCM' })).toThrow(/format/);
    expect(() => murf({ locale: 'english' })).toThrow(/locale/);
    expect(() => murf({ keepAliveIntervalMs: 200_000 })).toThrow(/keepAliveIntervalMs/);
    expect(murf({ apiKey: 'k-12345' }).capabilities.keepAliveIntervalMs).toBeLessThan(180_000);
  });

  it('builds the regional endpoint with the query parameters', () => {
    expect(murfEndpoint()).toBe('wss://global.api.murf.ai/v1/speech/stream-input?model=FALCON&sample_rate=24000&channel_type=MONO&format=PCM');
    expect(murfEndpoint({ region: 'eu-central', model: 'GEN2', sampleRate: 44100, format: 'WAV' })).toBe(
      'wss://eu-central.api.murf.ai/v1/speech/stream-input?model=GEN2&sample_rate=44100&channel_type=MONO&format=WAV',
    );
    expect(murfEndpoint({ baseUrl: 'ws://127.0.0.1:9/' })).toMatch(/^ws:\/\/127\.0\.0\.1:9\/v1\/speech\/stream-input\?/);
  });

  it('connects to <region>.api.murf.ai (cancelled before any network use)', async () => {
    const ac = new AbortController();
    ac.abort();
    const e: unknown = await murf({ apiKey: 'k-12345', region: 'eu-central' }).connect({ signal: ac.signal }).catch((x: unknown) => x);
    expect((e as SpeechError).code).toBe('cancelled');
  });
});
