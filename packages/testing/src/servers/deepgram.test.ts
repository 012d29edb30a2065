import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeAlaw, decodeMulaw } from '@utter/core';
import { createDeepgramServer, type DeepgramTestServer, type DeepgramServerOptions } from './deepgram.js';
import { encodeG711 } from './deepgram-g711.js';
import { expectedSamples } from '../base/pcm.js';
import { eventually } from '../adapter-helpers.js';

const servers: DeepgramTestServer[] = [];
async function start(options: DeepgramServerOptions = {}): Promise<DeepgramTestServer> {
  const s = await createDeepgramServer({ msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Frame = Record<string, unknown>;
interface Client {
  readonly ws: WebSocket;
  /** JSON frames, and binary frames as `{ binary: bytes }`, in order. */
  readonly frames: Frame[];
  readonly closed: Promise<{ code: number; reason: string }>;
}
function open(url: string, options: { key?: string; protocols?: string[] } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols, options.key === undefined ? {} : { headers: { authorization: `Token ${options.key}` } });
    const frames: Frame[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('message', (d, binary) => frames.push(binary ? { binary: Buffer.from(d as Buffer) } : (JSON.parse(d.toString()) as Frame)));
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode} ${String(res.headers['dg-error'] ?? '')}`)));
    ws.on('error', reject);
  });
}
const send = (ws: WebSocket, v: unknown) => ws.send(JSON.stringify(v));
const until = (predicate: () => boolean): Promise<void> => eventually(predicate, 50_000);
const types = (c: Client) => c.frames.map((f) => (f['binary'] ? 'audio' : String(f['type'])));
const audioBytes = (frames: readonly Frame[]) => frames.reduce((n, f) => n + ((f['binary'] as Buffer | undefined)?.length ?? 0), 0);

describe('Deepgram test server', () => {
  it('sends Metadata first, buffers Speak until Flush, answers each Flush with Flushed{n} after its audio', async () => {
    const s = await start();
    const c = await open(`${s.url}?model=aura-2-thalia-en&encoding=linear16&sample_rate=24000`, { key: s.apiKey });
    await until(() => c.frames.length === 1);
    expect(c.frames[0]).toMatchObject({ type: 'Metadata', request_id: expect.any(String), model_name: 'aura-2-thalia-en' });
    send(c.ws, { type: 'Speak', text: 'Hello ' });
    send(c.ws, { type: 'Speak', text: 'there.' });
    await s.waitFor(() => s.received.length === 2);
    expect(s.generations).toEqual([]); // nothing without Flush
    send(c.ws, { type: 'Flush' });
    send(c.ws, { type: 'Speak', text: 'Second.' });
    send(c.ws, { type: 'Flush' });
    send(c.ws, { type: 'Flush' }); // an empty flush is answered too
    await until(() => c.frames.filter((f) => f['type'] === 'Flushed').length === 3);
    const flushed = c.frames.filter((f) => f['type'] === 'Flushed').map((f) => f['sequence_id']);
    expect(flushed).toEqual([0, 1, 2]);
    const first = c.frames.findIndex((f) => f['type'] === 'Flushed');
    expect(audioBytes(c.frames.slice(0, first))).toBe(expectedSamples('Hello there.', { msPerChar: 20 }) * 2);
    // Binary frames are cut at odd byte counts.
    expect(c.frames.some((f) => f['binary'] !== undefined && (f['binary'] as Buffer).length % 2 === 1)).toBe(true);
    expect(s.generations.map((g) => g.text)).toEqual(['Hello there.', 'Second.']);
    send(c.ws, { type: 'Close' });
    expect((await c.closed).code).toBe(1000);
    expect(s.violations).toEqual([]);
  });

  it('authenticates by Token/Bearer header or the token subprotocol; 401 with dg-error otherwise; 400 for bad parameters', async () => {
    const s = await start();
    const viaProtocol = await open(s.url, { protocols: ['token', s.apiKey] });
    expect(viaProtocol.ws.protocol).toBe('token');
    viaProtocol.ws.close();
    await expect(open(s.url, { key: 'wrong-key' })).rejects.toThrow(/HTTP 401 Invalid credentials/);
    await expect(open(s.url)).rejects.toThrow(/HTTP 401/);
    await expect(open(`${s.url}?encoding=mp3`, { key: s.apiKey })).rejects.toThrow(/HTTP 400/);
    await expect(open(`${s.url}?encoding=mulaw&sample_rate=24000`, { key: s.apiKey })).rejects.toThrow(/HTTP 400/);
    expect(s.violations.map((v) => v.rule)).toEqual(['bad-query-parameter', 'bad-query-parameter']);
  });

  it('closes 1009 for a Speak over 2,000 characters, 1008 for an unknown message, 1003 for a binary frame', async () => {
    const s = await start();
    const cases: [unknown, number][] = [
      [{ type: 'Speak', text: 'x'.repeat(2001) }, 1009],
      [{ type: 'Synthesize', text: 'hi' }, 1008],
      [Buffer.from([1, 2, 3]), 1003],
    ];
    for (const [message, code] of cases) {
      const c = await open(s.url, { key: s.apiKey });
      if (Buffer.isBuffer(message)) c.ws.send(message);
      else send(c.ws, message);
      expect((await c.closed).code).toBe(code);
    }
    expect(s.violations.map((v) => v.rule)).toEqual(['speak-too-long', 'invalid-message', 'binary-frame']);
  });

  it('refuses a Flush beyond the rate limit with an EXCESSIVE_FLUSH Warning and no Flushed', async () => {
    const s = await start({ flushLimit: 3 });
    const c = await open(s.url, { key: s.apiKey });
    for (let i = 0; i < 4; i++) send(c.ws, { type: 'Flush' });
    await until(() => c.frames.some((f) => f['type'] === 'Warning'));
    await until(() => c.frames.filter((f) => f['type'] === 'Flushed').length === 3);
    expect(c.frames.find((f) => f['type'] === 'Warning')).toMatchObject({ warn_code: 'EXCESSIVE_FLUSH', warn_msg: expect.stringContaining('flushes') });
    send(c.ws, { type: 'Close' });
    await c.closed;
    expect(c.frames.filter((f) => f['type'] === 'Flushed').map((f) => f['sequence_id'])).toEqual([0, 1, 2]);
    expect(s.violations.map((v) => v.rule)).toEqual(['excessive-flush']);
  });

  it('Clear stops the audio at once, drops queued text, answers Cleared, then the abandoned Flushed', async () => {
    const s = await start({ chunkIntervalMs: 3 });
    const c = await open(s.url, { key: s.apiKey });
    send(c.ws, { type: 'Speak', text: 'A long sentence that will be cleared before it is over.' });
    send(c.ws, { type: 'Flush' });
    send(c.ws, { type: 'Speak', text: 'Queued and never spoken.' });
    send(c.ws, { type: 'Flush' });
    await until(() => c.frames.some((f) => f['binary'] !== undefined));
    send(c.ws, { type: 'Clear' });
    send(c.ws, { type: 'Speak', text: 'After.' });
    send(c.ws, { type: 'Flush' });
    await until(() => c.frames.some((f) => f['type'] === 'Flushed' && f['sequence_id'] === 2));
    const order = types(c);
    const cleared = order.indexOf('Cleared');
    expect(cleared).toBeGreaterThan(0);
    // After Cleared: the two abandoned flushes, then only the new text's audio and its Flushed.
    const after = c.frames.slice(cleared + 1);
    expect(after.filter((f) => f['type'] === 'Flushed').map((f) => f['sequence_id'])).toEqual([0, 1, 2]);
    expect(audioBytes(after)).toBe(expectedSamples('After.', { msPerChar: 20 }) * 2);
    expect(s.generations.map((g) => [g.text, g.status])).toEqual([
      ['A long sentence that will be cleared before it is over.', 'cancelled'],
      ['After.', 'complete'],
    ]);
    c.ws.close();
  });

  it('encodes mu-law and A-law the standard way (decoded by the core within one step)', () => {
    const pcm = Int16Array.from([0, 1, -1, 100, -100, 1000, -1000, 12_345, -12_345, 32_767, -32_768]);
    for (const [encoding, decode] of [['mulaw', decodeMulaw], ['alaw', decodeAlaw]] as const) {
      const back = decode(encodeG711(pcm, encoding));
      for (const [i, v] of pcm.entries()) expect(Math.abs((back[i] ?? 0) - v), `${encoding} ${v}`).toBeLessThanOrEqual(Math.max(16, Math.abs(v) / 16));
    }
  });

  it('answers the fault kinds the way Deepgram fails: Error + 1008, 1009, 1011', async () => {
    const expected = { auth: [1008, 'INVALID_AUTH'], 'rate-limit': [1008, 'TOO_MANY_REQUESTS'], 'text-too-long': [1009, undefined], server: [1011, undefined] } as const;
    for (const [kind, [code, errCode]] of Object.entries(expected)) {
      const s = await start({ faults: { error: kind as keyof typeof expected } });
      const c = await open(s.url, { key: s.apiKey });
      send(c.ws, { type: 'Speak', text: 'Hello.' });
      expect((await c.closed).code, kind).toBe(code);
      expect(c.frames.find((f) => f['type'] === 'Error')?.['err_code'], kind).toBe(errCode);
    }
  });
});
