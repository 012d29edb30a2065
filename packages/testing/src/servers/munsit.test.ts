import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMunsitServer, type MunsitTestServer, type MunsitServerOptions } from './munsit.js';
import { expectedSamples } from '../base/pcm.js';
import { eventually } from '../adapter-helpers.js';

const servers: MunsitTestServer[] = [];
async function start(options: MunsitServerOptions = {}): Promise<MunsitTestServer> {
  const s = await createMunsitServer({ msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Frame = Record<string, unknown>;
function open(url: string): Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Frame[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => {
      try {
        frames.push(JSON.parse(d.toString()) as Frame);
      } catch {
        frames.push({ raw: d.toString() });
      }
    });
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
const send = (ws: WebSocket, v: unknown) => ws.send(JSON.stringify(v));
/** Waits for a condition on client-side state (the server's waitFor only wakes on server events). */
const until = (predicate: () => boolean): Promise<void> => eventually(predicate, 50_000);

describe('Munsit test server', () => {
  it('speaks the documented flow: init -> connectionInitialized, untyped audio, isFinal per flush', async () => {
    const s = await start();
    const c = await open(`${s.url}?x-api-key=${s.apiKey}`);
    send(c.ws, { type: 'initConnection', voice_id: 'ar-najdi-male-2', output_format: 'pcm_16000' });
    await until(() => c.frames.length === 1);
    expect(c.frames[0]).toEqual({ type: 'connectionInitialized' });
    send(c.ws, { type: 'text', text: 'Hello ' });
    send(c.ws, { type: 'text', text: 'world.', flush: true });
    await until(() => c.frames.some((f) => f['isFinal'] === true));
    const audio = c.frames.slice(1, -1);
    expect(audio.every((f) => !('type' in f) && f['isFinal'] === false && f['sampleRate'] === 16000)).toBe(true);
    const samples = audio.reduce((n, f) => n + Buffer.from(String(f['audio']), 'base64').length / 2, 0);
    expect(samples).toBe(expectedSamples('Hello world.', { sampleRate: 16000, msPerChar: 20 }));
    expect(c.frames.at(-1)).toEqual({ audio: '', sampleRate: 16000, isFinal: true });
    expect(s.generations[0]).toMatchObject({ text: 'Hello world.', status: 'complete' });
    send(c.ws, { type: 'closeConnection' });
    expect(await c.closed).toBe(1000);
    expect(s.violations).toEqual([]);
  });

  it('authenticates by query or x_api_key; a header key or a wrong key gets 40101', async () => {
    const s = await start();
    const a = await open(s.url);
    send(a.ws, { type: 'initConnection', voice_id: 'v', x_api_key: s.apiKey });
    await until(() => a.frames.length === 1);
    expect(a.frames[0]).toEqual({ type: 'connectionInitialized' });
    a.ws.close();
    const b = await new Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }>((resolve) => {
      const ws = new WebSocket(s.url, { headers: { 'x-api-key': s.apiKey } });
      const frames: Frame[] = [];
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
      ws.on('open', () => resolve({ ws, frames, closed }));
    });
    send(b.ws, { type: 'initConnection', voice_id: 'v' });
    expect(await b.closed).toBe(1008);
    expect(b.frames[0]).toMatchObject({ type: 'error', errorCode: 40101 });
  });

  it('flags violations: text before init, unknown messages, bad voice settings, duplicate init', async () => {
    const s = await start();
    const c = await open(`${s.url}?x-api-key=${s.apiKey}`);
    send(c.ws, { type: 'text', text: 'too early', flush: true });
    send(c.ws, { type: 'initConnection', voice_id: 'v', voice_settings: { speed: 3 } });
    send(c.ws, { type: 'initConnection', voice_id: 'v' });
    send(c.ws, { type: 'initConnection', voice_id: 'v' });
    send(c.ws, { type: 'speak', text: 'x' });
    c.ws.send('not json');
    await until(() => s.violations.length === 5 && c.frames.filter((f) => f['type'] === 'error').length === 5);
    expect(s.violations.map((v) => v.rule)).toEqual(['init-not-first', 'invalid-message', 'duplicate-init', 'unknown-message', 'invalid-message']);
    expect(c.frames.filter((f) => f['type'] === 'error').every((f) => f['errorCode'] === 40001)).toBe(true);
    c.ws.close();
  });

  it('silent mode answers connectionInitialized but never sends audio', async () => {
    const s = await start({ silent: true });
    const c = await open(`${s.url}?x-api-key=${s.apiKey}`);
    send(c.ws, { type: 'initConnection', voice_id: 'v' });
    send(c.ws, { type: 'text', text: 'Hello.', flush: true });
    await s.waitFor(() => s.generations.length === 1);
    await until(() => c.frames.length === 1);
    expect(c.frames).toEqual([{ type: 'connectionInitialized' }]);
    expect(s.generations[0]?.status).toBe('stalled');
    c.ws.close();
  });

  it('serves the HTTP streaming endpoint with raw PCM16 and documented errors', async () => {
    const s = await start();
    const url = `${s.httpBaseUrl}/api/v1/text-to-speech/faseeh-mini-v1-preview`;
    const body = JSON.stringify({ voice_id: 'ar-najdi-male-2', text: 'مرحبا', streaming: true });
    const ok = await fetch(url, { method: 'POST', headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' }, body });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('audio/raw;codec=pcm16;rate=24000;channels=1');
    expect((await ok.arrayBuffer()).byteLength).toBe(expectedSamples('مرحبا', { sampleRate: 24000, msPerChar: 20 }) * 2);
    const unauthorized = await fetch(url, { method: 'POST', headers: { 'x-api-key': 'nope' }, body });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ errorCode: 40101 });
    const missingModel = await fetch(`${s.httpBaseUrl}/api/v1/text-to-speech/nope`, { method: 'POST', headers: { 'x-api-key': s.apiKey }, body });
    expect(missingModel.status).toBe(404);
    const bad = await fetch(`${url}?api_key=${s.apiKey}`, { method: 'POST', headers: { 'x-api-key': s.apiKey }, body: JSON.stringify({ text: 'no voice' }) });
    expect(bad.status).toBe(400);
    expect(s.violations.map((v) => v.rule)).toEqual(['key-in-query', 'invalid-body']);
    s.http.faults = { status: 402 };
    const wallet = await fetch(url, { method: 'POST', headers: { 'x-api-key': s.apiKey }, body });
    expect(wallet.status).toBe(402);
    expect(s.http.requests.map((r) => r.status)).toEqual([200, 401, 404, 400, 402]);
  });
});
