import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCartesiaServer, type CartesiaServerOptions, type CartesiaTestServer } from './cartesia.js';
import { expectedSamples } from '../base/pcm.js';
import { eventually } from '../adapter-helpers.js';

const servers: CartesiaTestServer[] = [];
async function start(options: CartesiaServerOptions = {}): Promise<CartesiaTestServer> {
  const s = await createCartesiaServer({ msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Frame = Record<string, unknown>;
function open(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; frames: Frame[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: Frame[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
    ws.on('open', () => resolve({ ws, frames }));
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
const until = (predicate: () => boolean): Promise<void> => eventually(predicate, 50_000);
const base = { model_id: 'sonic-3', voice: { mode: 'id', id: 'v1' }, language: 'en', output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 16000 } };
const input = (ws: WebSocket, context_id: string, transcript: string, more: boolean, extra: object = {}) =>
  ws.send(JSON.stringify({ ...base, context_id, transcript, continue: more, ...extra }));
const bytes = (frames: Frame[], ctx: string) => frames.filter((f) => f['type'] === 'chunk' && f['context_id'] === ctx).reduce((n, f) => n + Buffer.from(String(f['data']), 'base64').length, 0);

describe('Cartesia test server', () => {
  it('requires a version and a key at the upgrade (400 / 401), in the header or the query', async () => {
    const s = await start();
    await expect(open(`${s.url}`, { 'X-API-Key': s.apiKey })).rejects.toThrow('HTTP 400');
    await expect(open(`${s.url}?cartesia_version=2026-03-01`, { 'X-API-Key': 'wrong' })).rejects.toThrow('HTTP 401');
    (await open(`${s.url}?cartesia_version=2026-03-01`, { authorization: `Bearer ${s.apiKey}` })).ws.close();
    (await open(s.url, { 'X-API-Key': s.apiKey, 'Cartesia-Version': '2025-04-16' })).ws.close();
    expect(s.violations.map((v) => v.rule)).toEqual(['bad-version']);
  });

  it('streams a context: chunks with flush_id, flush_done, timestamps as audio goes, done after continue:false', async () => {
    const s = await start();
    const c = await open(`${s.url}?cartesia_version=2026-03-01`, { 'X-API-Key': s.apiKey });
    input(c.ws, 'ctx', 'Hello there, ', true, { add_timestamps: true, max_buffer_delay_ms: 0 });
    input(c.ws, 'ctx', '', true, { add_timestamps: true, max_buffer_delay_ms: 0, flush: true });
    input(c.ws, 'ctx', 'world.', true, { add_timestamps: true, max_buffer_delay_ms: 0 });
    input(c.ws, 'ctx', '', false, { add_timestamps: true, max_buffer_delay_ms: 0 });
    await until(() => c.frames.some((f) => f['type'] === 'done'));
    const types = c.frames.map((f) => f['type']);
    expect(types.indexOf('flush_done')).toBeGreaterThan(types.indexOf('chunk'));
    expect(c.frames.find((f) => f['type'] === 'flush_done')).toMatchObject({ flush_id: 1, flush_done: true, context_id: 'ctx' });
    expect(new Set(c.frames.filter((f) => f['type'] === 'chunk').map((f) => f['flush_id']))).toEqual(new Set([1, 2]));
    expect(bytes(c.frames, 'ctx')).toBe(expectedSamples('Hello there, world.', { sampleRate: 16000, msPerChar: 20 }) * 2);
    const words = c.frames.filter((f) => f['type'] === 'timestamps').flatMap((f) => (f['word_timestamps'] as { words: string[] }).words);
    expect(words).toEqual(['Hello', 'there,', 'world.']);
    const last = c.frames.filter((f) => f['type'] === 'timestamps').at(-1)?.['word_timestamps'] as { start: number[] };
    expect(last.start[0]).toBeCloseTo(13 * 0.02, 5); // seconds from the start of the context's audio
    expect(types.at(-1)).toBe('done');
    expect(s.violations).toEqual([]);
    c.ws.close();
  });

  it('rejects changed fields on a context, and input after expiry (1 s after the last audio, here shortened)', async () => {
    const s = await start({ contextExpiryMs: 20 });
    const c = await open(`${s.url}?cartesia_version=2026-03-01`, { 'X-API-Key': s.apiKey });
    input(c.ws, 'a', 'One.', true, { max_buffer_delay_ms: 0 });
    input(c.ws, 'a', 'Two.', true, { max_buffer_delay_ms: 0, language: 'fr' });
    await until(() => c.frames.some((f) => f['type'] === 'error'));
    expect(c.frames.find((f) => f['type'] === 'error')).toMatchObject({ context_id: 'a', status_code: 400, error_code: 'invalid_request', done: true });
    await s.waitFor(() => s.violations.length === 1 && s.generations[0]?.status === 'complete');
    await until(() => c.frames.filter((f) => f['type'] === 'chunk').length > 0);
    await s.waitFor(() => s.expiredContextIds.includes('a'));
    input(c.ws, 'a', 'Three.', true, { max_buffer_delay_ms: 0 });
    await until(() => c.frames.filter((f) => f['type'] === 'error').length === 2);
    expect(c.frames.filter((f) => f['type'] === 'error').at(-1)).toMatchObject({ context_id: 'a', error_code: 'context_expired' });
    expect(s.violations.map((v) => v.rule)).toEqual(['fields-changed', 'context-expired']);
    c.ws.close();
  });

  it('cancel is best effort: a few late chunks, then nothing (no done); older versions send plain-text errors', async () => {
    const s = await start({ chunkIntervalMs: 1, lateChunksAfterCancel: 2, maxActiveContexts: 1 });
    const c = await open(`${s.url}?cartesia_version=2024-11-13`, { 'X-API-Key': s.apiKey });
    input(c.ws, 'x', 'A long sentence that streams for a while before it is cancelled.', false, { max_buffer_delay_ms: 0 });
    await until(() => c.frames.some((f) => f['type'] === 'chunk'));
    c.ws.send(JSON.stringify({ context_id: 'x', cancel: true }));
    const seen = c.frames.length;
    await s.waitFor(() => s.generations[0]?.status === 'cancelled');
    const late = c.frames.slice(seen).filter((f) => f['type'] === 'chunk').length;
    expect(late).toBeGreaterThanOrEqual(1);
    expect(late).toBeLessThanOrEqual(3);
    expect(c.frames.some((f) => f['type'] === 'done')).toBe(false);
    input(c.ws, 'y', 'Over the limit?', false, { max_buffer_delay_ms: 0 });
    await until(() => c.frames.some((f) => f['type'] === 'done'));
    input(c.ws, 'z', 'Now?', true, { max_buffer_delay_ms: 0 });
    input(c.ws, 'w', 'Two at once.', true, { max_buffer_delay_ms: 0 });
    await until(() => c.frames.some((f) => f['type'] === 'error'));
    expect(c.frames.find((f) => f['type'] === 'error')).toMatchObject({ context_id: 'w', status_code: 429, error: expect.stringContaining('concurrency') });
    c.ws.close();
  });

  it('buffers text for max_buffer_delay_ms until a sentence ends, a flush, or the delay', async () => {
    const s = await start();
    const c = await open(`${s.url}?cartesia_version=2026-03-01`, { 'X-API-Key': s.apiKey });
    input(c.ws, 'b', 'Hello', true, { max_buffer_delay_ms: 40 });
    await s.waitFor(() => s.received.length === 1);
    expect(s.generations).toHaveLength(0); // held: no sentence end yet
    await s.waitFor(() => s.generations.length === 1); // the delay passed
    expect(s.generations[0]?.text).toBe('Hello');
    input(c.ws, 'b', ' there.', true, { max_buffer_delay_ms: 40 });
    await s.waitFor(() => s.generations.length === 2); // a sentence end releases at once
    expect(s.generations[1]?.text).toBe(' there.');
    c.ws.close();
  });
});
