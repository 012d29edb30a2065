import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createUpliftServer, type UpliftTestServer, type UpliftServerOptions } from './upliftai.js';
import { expectedSamples } from '../base/pcm.js';
import { eventually } from '../adapter-helpers.js';

const servers: UpliftTestServer[] = [];
async function start(options: UpliftServerOptions = {}): Promise<UpliftTestServer> {
  const s = await createUpliftServer({ msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Frame = Record<string, unknown>;
function open(url: string, key?: string): Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
    const frames: Frame[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
const send = (ws: WebSocket, v: unknown) => ws.send(JSON.stringify(v));
/** Waits for a condition on client-side state (the server's waitFor only wakes on server events). */
const until = (predicate: () => boolean): Promise<void> => eventually(predicate, 50_000);

describe('Uplift AI test server', () => {
  it('sends ready, then per-request audio_start/audio/audio_end, interleaved across requests', async () => {
    const s = await start();
    const c = await open(s.url, s.apiKey);
    await until(() => c.frames.length === 1);
    expect(c.frames[0]).toMatchObject({ type: 'ready', sessionId: expect.any(String) });
    send(c.ws, { type: 'synthesize', requestId: 'a', text: 'First request text.', voiceId: 'v_meklc281' });
    send(c.ws, { type: 'synthesize', requestId: 'b', text: 'Second request.', voiceId: 'v_meklc281' });
    await until(() => c.frames.filter((f) => f['type'] === 'audio_end').length === 2);
    const ids = c.frames.filter((f) => f['type'] === 'audio').map((f) => f['requestId']);
    expect(ids.indexOf('b')).toBeLessThan(ids.lastIndexOf('a')); // interleaved
    for (const [id, text] of [['a', 'First request text.'], ['b', 'Second request.']] as const) {
      const mine = c.frames.filter((f) => f['requestId'] === id);
      expect(mine[0]?.['type']).toBe('audio_start');
      expect(mine.at(-1)?.['type']).toBe('audio_end');
      const chunks = mine.filter((f) => f['type'] === 'audio');
      expect(chunks.map((f) => f['sequence'])).toEqual(chunks.map((_, i) => i + 1));
      expect(chunks.reduce((n, f) => n + Buffer.from(String(f['audio']), 'base64').length / 2, 0)).toBe(expectedSamples(text, { sampleRate: 22050, msPerChar: 20 }));
    }
    expect(s.violations).toEqual([]);
    c.ws.close();
  });

  it('rejects a bad key with auth_failed (or HTTP 401 when configured)', async () => {
    const s = await start();
    const c = await open(s.url, 'wrong');
    expect(await c.closed).toBe(1008);
    expect(c.frames[0]).toMatchObject({ type: 'error', code: 'auth_failed' });
    const t = await start({ authFailure: 'http-401' });
    await expect(open(t.url)).rejects.toThrow('HTTP 401');
  });

  it('cancel stops a request; duplicate ids, long texts, early sends and unknown messages are flagged', async () => {
    const s = await start({ chunkIntervalMs: 2, faults: { handshakeDelayMs: 20 } });
    const c = await open(s.url, s.apiKey);
    send(c.ws, { type: 'synthesize', requestId: 'early', text: 'x', voiceId: 'v_meklc281' });
    await until(() => c.frames.some((f) => f['type'] === 'ready'));
    send(c.ws, { type: 'synthesize', requestId: 'long', text: 'A long sentence to be cancelled soon enough.', voiceId: 'v_meklc281' });
    await until(() => c.frames.some((f) => f['requestId'] === 'long' && f['type'] === 'audio'));
    send(c.ws, { type: 'cancel', requestId: 'long' });
    await s.waitFor(() => s.generations.find((g) => g.key === 'long')?.status === 'cancelled');
    send(c.ws, { type: 'synthesize', requestId: 'long', text: 'again', voiceId: 'v_meklc281' });
    send(c.ws, { type: 'synthesize', requestId: 'big', text: 'x'.repeat(10_001), voiceId: 'v_meklc281' });
    send(c.ws, { type: 'hello' });
    await until(() => s.violations.length === 4 && c.frames.filter((f) => f['type'] === 'error').length === 3);
    expect(s.violations.map((v) => v.rule)).toEqual(['sent-before-ready', 'duplicate-request', 'text-too-long', 'unknown-message']);
    expect(c.frames.filter((f) => f['type'] === 'error').map((f) => f['code'])).toEqual(['duplicate_request', 'text_too_long', 'invalid_request']);
    expect(c.frames.some((f) => f['requestId'] === 'long' && f['type'] === 'audio_end')).toBe(false);
    c.ws.close();
  });

  it('an unknown voice gives neither audio nor an error', async () => {
    const s = await start();
    const c = await open(s.url, s.apiKey);
    send(c.ws, { type: 'synthesize', requestId: 'r', text: 'Hello.', voiceId: 'v_unknown' });
    await s.waitFor(() => s.generations[0]?.status === 'stalled');
    expect(c.frames.map((f) => f['type'])).toEqual(['ready']);
    c.ws.close();
  });

  it('limits synthesis requests per minute per connection', async () => {
    const s = await start({ requestsPerMinute: 2, voices: [] });
    const c = await open(s.url, s.apiKey);
    for (const id of ['1', '2', '3']) send(c.ws, { type: 'synthesize', requestId: id, text: 'x', voiceId: 'v' });
    await until(() => c.frames.some((f) => f['type'] === 'error'));
    expect(c.frames.find((f) => f['type'] === 'error')).toMatchObject({ requestId: '3', code: 'rate_limit_exceeded' });
    c.ws.close();
  });
});
