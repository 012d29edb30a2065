import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualTimeScheduler, lastValueFrom, toArray } from 'rxjs';
import { SpeechError, fallback, speak, type ConnectionEvent } from '@utter/core';
import {
  checkHeard,
  collectConnectionEvents,
  connectError,
  connectTo,
  createCartesiaServer,
  expectedSamples,
  exposedText,
  type CartesiaServerOptions,
  type CartesiaTestServer,
} from '@utter/testing';
import { apiKeyEnv, cartesia, cartesiaClientMessageSchema, type CartesiaConnection, type CartesiaOptions } from './index.js';

const servers: CartesiaTestServer[] = [];
async function server(options: CartesiaServerOptions = {}): Promise<CartesiaTestServer> {
  const s = await createCartesiaServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const provider = (s: CartesiaTestServer, o: CartesiaOptions = {}) => cartesia({ apiKey: s.apiKey, baseUrl: s.baseUrl, ...o });
const connect = async (s: CartesiaTestServer, o: CartesiaOptions = {}) => (await connectTo(provider(s, o))) as CartesiaConnection;
const sent = (s: CartesiaTestServer) => s.received.map((m) => m.json as Record<string, unknown>);
const isDone = (id: string) => (e: ConnectionEvent) => e.type === 'utterance-done' && e.utteranceId === id;
/** Sends `texts` as the segments of reply `id` and finishes it. */
function say(conn: CartesiaConnection, id: string, texts: readonly string[]): void {
  texts.forEach((text, segmentId) => conn.send({ utteranceId: id, segmentId, text }));
  conn.finish(id);
}

describe('cartesia adapter against the Cartesia test server', () => {
  it('speaks a reply on one context: continue on every chunk, a flush per segment, continue:false to finish', async () => {
    const s = await server();
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    const texts = ['Hello there, ', 'this is Sonic speaking. ', 'Bye.'];
    say(conn, 'u1', texts);
    await log.until(isDone('u1'));
    const heard = checkHeard(log.audio('u1'), texts.join(''), s.generations, { sampleRate: 24_000 });
    expect(heard.heardText).toBe(texts.join(''));
    expect([heard.missingWords, heard.repeatedWords, heard.splices]).toEqual([[], [], []]);
    texts.forEach((text, i) => expect(log.samples('u1', i)).toBe(expectedSamples(text)));
    expect(log.events.filter((e) => e.type === 'segment-done').map((e) => (e as { segmentId: number }).segmentId)).toEqual([0, 1, 2]);
    const words = log.events.filter((e) => e.type === 'word').map((e) => (e.type === 'word' ? e.word.text : ''));
    expect(words).toEqual(['Hello', 'there,', 'this', 'is', 'Sonic', 'speaking.', 'Bye.']);
    const second = log.events.find((e) => e.type === 'word' && e.word.text === 'is');
    expect(second).toMatchObject({ segmentId: 1, word: { startMs: 300, endMs: 420 } }); // segment-relative
    const wire = sent(s);
    expect(wire.filter((m) => typeof m['transcript'] === 'string' && m['transcript'] !== '').every((m) => m['continue'] === true)).toBe(true);
    expect(wire.filter((m) => m['flush'] === true)).toHaveLength(3);
    expect(wire.at(-1)).toMatchObject({ context_id: 'u1', transcript: '', continue: false });
    for (const m of wire) expect(cartesiaClientMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
    expect(wire[0]).toMatchObject({ model_id: 'sonic-3', language: 'en', add_timestamps: true, max_buffer_delay_ms: 0, output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24_000 } });
    expect(s.upgrades[0]?.headers['x-api-key']).toBe(s.apiKey);
    expect(s.upgrades[0]?.headers['cartesia-version']).toBe('2026-03-01');
    expect(s.upgrades[0]?.query).toEqual({ cartesia_version: '2026-03-01' });
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('runs several replies at once on one connection, a context each, their chunks interleaved', async () => {
    const s = await server();
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    const replies = { a: ['First reply, ', 'with two parts.'], b: ['Second reply here.'], c: ['Third.'] };
    for (const [id, texts] of Object.entries(replies)) say(conn, id, texts);
    await Promise.all(Object.keys(replies).map((id) => log.until(isDone(id))));
    const order = log.events.filter((e) => e.type === 'audio').map((e) => (e as { utteranceId: string }).utteranceId);
    expect(order.indexOf('b')).toBeLessThan(order.lastIndexOf('a')); // interleaved on the wire
    for (const [id, texts] of Object.entries(replies)) {
      const gens = s.generations.filter((g) => g.key === id);
      expect(checkHeard(log.audio(id), texts.join(''), gens, { sampleRate: 24_000 }).heardText).toBe(texts.join(''));
    }
    expect(s.connectionCount).toBe(1);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('speaks a long text (many segments) with every word heard once', async () => {
    const s = await server({ msPerChar: 5 });
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    const texts = Array.from({ length: 40 }, (_, i) => `Sentence number ${i + 1} of a long reply, with some more words in it. `);
    say(conn, 'long', texts);
    await log.until(isDone('long'), 20_000);
    const heard = checkHeard(log.audio('long'), texts.join(''), s.generations, { sampleRate: 24_000, msPerChar: 5 });
    expect(heard.heardText).toBe(texts.join(''));
    expect(heard.missingWords).toEqual([]);
    conn.close();
  });

  it.each(['pcm_s16le', 'pcm_f32le'] as const)('decodes %s chunks split inside samples exactly', async (encoding) => {
    const s = await server({ chunkMs: 7 }); // odd splits: every chunk boundary falls inside a sample
    const conn = await connect(s, { encoding, sampleRate: 16_000 });
    const log = collectConnectionEvents(conn);
    say(conn, 'odd', ['Odd chunk boundaries. ', 'Still whole samples.']);
    await log.until(isDone('odd'));
    const heard = checkHeard(log.audio('odd'), 'Odd chunk boundaries. Still whole samples.', s.generations, { sampleRate: 16_000 });
    expect(heard.heardText).toBe('Odd chunk boundaries. Still whole samples.');
    expect(heard.foreignSamples).toBe(0);
    conn.close();
  });

  it.each(['pcm_mulaw', 'pcm_alaw'] as const)('decodes %s to PCM16 at 8 kHz', async (encoding) => {
    const s = await server();
    const conn = await connect(s, { encoding, sampleRate: 8000 });
    const log = collectConnectionEvents(conn);
    say(conn, 'g', ['Telephony audio.']);
    await log.until(isDone('g'));
    expect(log.samples('g')).toBe(expectedSamples('Telephony audio.', { sampleRate: 8000 }));
    expect(Math.max(...log.audio('g'))).toBeGreaterThan(200);
    conn.close();
  });

  it('waits for a slow upgrade, and a connect aborted meanwhile is cancelled', async () => {
    const s = await server({ faults: { upgradeDelayMs: 150 } });
    const conn = await connect(s);
    expect(s.connectionCount).toBe(1);
    conn.close();
    const ac = new AbortController();
    const pending = provider(s).connect({ signal: ac.signal }).catch((e: unknown) => e);
    ac.abort();
    expect(((await pending) as SpeechError).code).toBe('cancelled');
  });

  it('a bad key is HTTP 401 -> auth without the key; a missing key names CARTESIA_API_KEY', async () => {
    const s = await server();
    const key = 'sk_car_wrong-key-0123456789';
    const e = await connectError(cartesia({ apiKey: key, baseUrl: s.baseUrl }));
    expect([e.code, e.retryable]).toEqual(['auth', false]);
    expect(exposedText(e)).not.toContain(key);
    vi.stubEnv(apiKeyEnv, undefined);
    const m = await connectError(cartesia());
    expect(m.code).toBe('auth');
    expect(m.message).toContain('CARTESIA_API_KEY');
  });

  it.each([
    [401, 'auth', false],
    [429, 'rate-limit', true],
  ] as const)('HTTP %i at the upgrade is %s', async (status, code, retryable) => {
    const s = await server({ faults: { upgradeStatus: status } });
    const e = await connectError(provider(s));
    expect([e.code, e.retryable]).toEqual([code, retryable]);
    expect(exposedText(e)).not.toContain(s.apiKey);
  });

  it('a dropped connection is a retryable connection error; a new connection speaks again', async () => {
    const s = await server({ faults: { dropAfterChunks: 2, faultyConnections: 1 } });
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    say(conn, 'u', ['This reply is cut off in the middle.']);
    const closed = await log.until((e) => e.type === 'closed');
    expect(closed).toMatchObject({ error: { code: 'connection', retryable: true } });
    const again = await connect(s);
    const log2 = collectConnectionEvents(again);
    say(again, 'u2', ['Back again.']);
    await log2.until(isDone('u2'));
    expect(log2.samples('u2')).toBe(expectedSamples('Back again.'));
    again.close();
  });

  it('a malformed frame fails the connection with protocol', async () => {
    const s = await server({ faults: { malformedFrame: true } });
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    say(conn, 'u', ['Hi.']);
    expect(await log.until((e) => e.type === 'closed')).toMatchObject({ error: { code: 'protocol' } });
  });

  it.each([
    ['rate-limit', 'rate-limit', true],
    ['text-too-long', 'text-too-long', false],
  ] as const)('a %s error on a context fails that reply only; the connection goes on', async (kind, code, retryable) => {
    const s = await server({ faults: { error: kind } });
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    say(conn, 'bad', ['Hi.']);
    const err = await log.until((e) => e.type === 'error');
    expect(err).toMatchObject({ utteranceId: 'bad', segmentId: 0, error: { code, retryable, provider: 'cartesia' } });
    say(conn, 'good', ['Again.']);
    await log.until(isDone('good'));
    expect(log.samples('good')).toBe(expectedSamples('Again.'));
    expect(log.events.some((e) => e.type === 'closed')).toBe(false);
    conn.close();
  });

  it('a server error closes with 1011 (retryable provider); an auth error message fails the connection', async () => {
    for (const [kind, code] of [['server', 'provider'], ['auth', 'auth']] as const) {
      const s = await server({ faults: { error: kind } });
      const conn = await connect(s);
      const log = collectConnectionEvents(conn);
      say(conn, 'u', ['Hi.']);
      await log.until((e) => e.type === 'closed');
      expect(log.errors()[0]?.code).toBe(code);
      expect(exposedText(log.errors()[0])).not.toContain(s.apiKey);
    }
  });

  it('reads errors of older API versions (plain text)', async () => {
    const s = await server({ faults: { error: 'rate-limit' } });
    const conn = await connect(s, { cartesiaVersion: '2025-04-16' });
    const log = collectConnectionEvents(conn);
    say(conn, 'u', ['Hi.']);
    expect(await log.until((e) => e.type === 'error')).toMatchObject({ utteranceId: 'u', error: { code: 'rate-limit' } });
    expect(s.upgrades[0]?.query['cartesia_version']).toBe('2025-04-16');
    conn.close();
  });

  it('a generation that never ends gives audio but no utterance-done (the session times it out)', async () => {
    const s = await server({ faults: { neverEnd: true } });
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    say(conn, 'u', ['A reply that stalls halfway through.']);
    await s.waitFor(() => s.generations[0]?.status === 'stalled');
    await log.until((e) => e.type === 'audio');
    expect(log.events.some((e) => e.type === 'utterance-done' || e.type === 'segment-done')).toBe(false);
    conn.close();
  });

  it('a reply with no text ends at once, sending nothing', async () => {
    const s = await server();
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    conn.finish('empty');
    await log.until(isDone('empty'));
    expect(s.received).toEqual([]);
    conn.close();
  });

  it('an idle close is a retryable connection error', async () => {
    const s = await server({ idleTimeoutMs: 30 });
    const conn = await connect(s);
    const closed = await collectConnectionEvents(conn).until((e) => e.type === 'closed');
    expect(closed).toMatchObject({ error: { code: 'connection', retryable: true } });
  });

  it('barge-in: cancel sends {context_id, cancel}, the late chunks are dropped, the next reply is heard alone', async () => {
    const s = await server({ chunkIntervalMs: 1, lateChunksAfterCancel: 2 });
    const conn = await connect(s);
    const log = collectConnectionEvents(conn);
    say(conn, 'old', ['A long sentence that keeps streaming audio for quite a while after the barge-in.']);
    await log.until((e) => e.type === 'audio');
    conn.cancel('old');
    const cut = log.events.length;
    const chunksAtCancel = s.generations[0]?.samplesSent ?? 0;
    say(conn, 'new', ['Next.']);
    await log.until(isDone('new'));
    await s.waitFor(() => s.generations[0]?.status !== 'streaming');
    expect(sent(s)).toContainEqual({ context_id: 'old', cancel: true });
    expect(cartesiaClientMessageSchema.safeParse({ context_id: 'old', cancel: true }).success).toBe(true);
    expect(s.generations[0]?.samplesSent).toBeGreaterThan(chunksAtCancel); // the server sent late chunks
    expect(log.events.slice(cut).filter((e) => 'utteranceId' in e && e.utteranceId === 'old')).toEqual([]);
    const heard = checkHeard(log.audio('new'), 'Next.', s.generations, { sampleRate: 24_000 });
    expect(heard.heardText).toBe('Next.');
    expect(conn.contextIds).toEqual([]);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  describe('context expiry (Cartesia expires a context about 1 s after its last audio)', () => {
    it('a reply that went quiet continues on a fresh context, and is heard whole', async () => {
      const s = await server({ contextExpiryMs: 30 });
      const clock = new VirtualTimeScheduler();
      const conn = await connect(s, { scheduler: clock, contextRolloverMs: 600 });
      const log = collectConnectionEvents(conn);
      conn.send({ utteranceId: 'r', segmentId: 0, text: 'Before the pause. ' });
      await log.until((e) => e.type === 'segment-done');
      await s.waitFor(() => s.expiredContextIds.includes('r'));
      clock.frame += 700; // the LLM was quiet for 700 ms
      conn.send({ utteranceId: 'r', segmentId: 1, text: 'After it.' });
      conn.finish('r');
      await log.until(isDone('r'));
      expect(checkHeard(log.audio('r'), 'Before the pause. After it.', s.generations, { sampleRate: 24_000 }).heardText).toBe('Before the pause. After it.');
      expect(new Set(sent(s).map((m) => m['context_id']))).toEqual(new Set(['r', 'r~2']));
      expect(s.violations).toEqual([]);
      conn.close();
    });

    it('text sent on an expired context fails the reply with a retryable error (the session replays it)', async () => {
      const s = await server({ contextExpiryMs: 30 });
      const conn = await connect(s, { scheduler: new VirtualTimeScheduler() }); // a clock that never moves: no rollover
      const log = collectConnectionEvents(conn);
      conn.send({ utteranceId: 'r', segmentId: 0, text: 'Before the pause. ' });
      await log.until((e) => e.type === 'segment-done');
      await s.waitFor(() => s.expiredContextIds.includes('r'));
      conn.send({ utteranceId: 'r', segmentId: 1, text: 'After it.' });
      const err = await log.until((e) => e.type === 'error');
      expect(err).toMatchObject({ utteranceId: 'r', segmentId: 1, error: { code: 'provider', retryable: true, providerCode: 'context_expired' } });
      conn.close();
    });
  });

  it('works inside fallback(): a refused first provider hands the reply to the next one', async () => {
    const down = await server({ faults: { upgradeStatus: 503 } });
    const up = await server();
    const provider = fallback([cartesia({ apiKey: down.apiKey, baseUrl: down.baseUrl }), cartesia({ apiKey: up.apiKey, baseUrl: up.baseUrl, sampleRate: 16_000 })]);
    const events = await lastValueFrom(speak('Hello from the fallback.', { provider, retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 } }).pipe(toArray()));
    expect(events.at(-1)?.type).toBe('utterance-end');
    expect(events.some((e) => e.type === 'audio' && e.sampleRate === 24_000)).toBe(true); // resampled to the first provider's rate
    expect(up.generations.map((g) => g.text).join('')).toBe('Hello from the fallback.');
  });
});
