import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createElevenLabsServer, MAX_CONTEXTS_MESSAGE, type ElevenLabsServerOptions, type ElevenLabsTestServer } from './elevenlabs.js';
import { expectedSamples } from '../base/pcm.js';
import { eventually } from '../adapter-helpers.js';

const servers: ElevenLabsTestServer[] = [];
async function start(options: ElevenLabsServerOptions = {}): Promise<ElevenLabsTestServer> {
  const s = await createElevenLabsServer({ msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Frame = Record<string, unknown>;
interface Client {
  readonly ws: WebSocket;
  readonly frames: Frame[];
  readonly closed: Promise<{ code: number; reason: string }>;
}
function open(s: ElevenLabsTestServer, query = 'output_format=pcm_16000', key: string | null = s.apiKey): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.url}?${query}`, key === null ? {} : { headers: { 'xi-api-key': key } });
    const frames: Frame[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
const send = (c: Client, v: unknown) => c.ws.send(JSON.stringify(v));
const until = (predicate: () => boolean): Promise<void> => eventually(predicate, 50_000);
const bytesOf = (frames: readonly Frame[], id?: string) =>
  frames.filter((f) => typeof f['audio'] === 'string' && (id === undefined || f['contextId'] === id)).reduce((n, f) => n + Buffer.from(String(f['audio']), 'base64').length, 0);

describe('ElevenLabs test server (multi-stream-input)', () => {
  it('streams audio with an alignment per chunk, cut at odd bytes, then isFinal per closed context', async () => {
    const s = await start();
    const c = await open(s);
    send(c, { text: ' ', context_id: 'a', voice_settings: { stability: 0.5 } });
    send(c, { text: ' ', context_id: 'b' });
    send(c, { text: 'First context text. ', context_id: 'a' });
    send(c, { text: 'Second one', context_id: 'b' });
    send(c, { text: '', context_id: 'a', flush: true });
    send(c, { context_id: 'a', close_context: true });
    send(c, { text: '', context_id: 'b', flush: true });
    send(c, { context_id: 'b', close_context: true });
    await until(() => c.frames.filter((f) => f['isFinal'] === true).length === 2);
    expect(bytesOf(c.frames, 'a')).toBe(2 * expectedSamples('First context text. ', { sampleRate: 16_000, msPerChar: 20 }));
    expect(bytesOf(c.frames, 'b')).toBe(2 * expectedSamples('Second one', { sampleRate: 16_000, msPerChar: 20 }));
    const audio = c.frames.filter((f) => typeof f['audio'] === 'string');
    expect(audio.every((f) => typeof f['alignment'] === 'object' && typeof f['normalizedAlignment'] === 'object')).toBe(true);
    expect(audio.some((f) => Buffer.from(String(f['audio']), 'base64').length % 2 === 1)).toBe(true);
    const chars = audio.filter((f) => f['contextId'] === 'a').flatMap((f) => (f['alignment'] as { chars: string[] }).chars);
    expect(chars.join('')).toBe('First context text. ');
    expect(s.violations).toEqual([]);
    c.ws.close();
  });

  it('closes with 1008 when a sixth context opens, after the max_active_conversations error', async () => {
    const s = await start();
    const c = await open(s);
    for (let i = 1; i <= 6; i++) send(c, { text: ' ', context_id: `c${i}` });
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(c.frames.at(-1)).toEqual({ message: MAX_CONTEXTS_MESSAGE, error: 'max_active_conversations', code: 1008 });
    expect(s.violations.map((v) => v.rule)).toContain('max-contexts');
  });

  it('counts a closed context until its isFinal (the release lag)', async () => {
    const s = await start({ contextReleaseDelayMs: 200 });
    const c = await open(s);
    for (let i = 1; i <= 5; i++) {
      send(c, { text: ' ', context_id: `c${i}` });
      send(c, { context_id: `c${i}`, close_context: true });
    }
    send(c, { text: ' ', context_id: 'c6' });
    expect((await c.closed).code).toBe(1008);
  });

  it('close_context without a flush drops the text not yet generated', async () => {
    const s = await start({ chunkIntervalMs: 1 });
    const c = await open(s, 'output_format=pcm_16000&auto_mode=true');
    send(c, { text: ' ', context_id: 'x' });
    send(c, { text: 'Spoken part. Unfinished', context_id: 'x' });
    send(c, { context_id: 'x', close_context: true });
    await until(() => c.frames.some((f) => f['isFinal'] === true));
    expect(s.generations.map((g) => g.text)).toEqual(['Spoken part. ']);
  });

  it('refuses settings after a context first message, and unknown fields', async () => {
    const s = await start();
    const c = await open(s);
    send(c, { text: ' ', context_id: 'x' });
    send(c, { text: 'Hi ', context_id: 'x', voice_settings: { speed: 1 } });
    expect((await c.closed).code).toBe(1008);
    expect(c.frames.at(-1)).toMatchObject({ error: 'invalid_input_message' });
    const d = await open(s);
    send(d, { text: 'Hi ', context_id: 'y', colour: 'red' });
    expect((await d.closed).code).toBe(1008);
  });

  it('checks the key: a wrong header is HTTP 401; without a header the key must be in a context first message', async () => {
    const s = await start();
    await expect(open(s, 'output_format=pcm_16000', 'wrong')).rejects.toThrow('HTTP 401');
    const c = await open(s, 'output_format=pcm_16000', null);
    send(c, { text: ' ', context_id: 'k', xi_api_key: s.apiKey });
    send(c, { text: ' ', context_id: 'j' });
    expect((await c.closed).code).toBe(1008);
    expect(c.frames.at(-1)).toMatchObject({ error: 'invalid_api_key' });
  });

  it('sends a provider error in the middle of a generation, then closes (error fault with afterChunks)', async () => {
    const s = await start({ faults: { error: { kind: 'server', afterChunks: 2 } } });
    const c = await open(s, 'output_format=pcm_16000&auto_mode=true');
    send(c, { text: ' ', context_id: 'e' });
    send(c, { text: 'A generation cut by an error. ', context_id: 'e' });
    expect((await c.closed).code).toBe(1011);
    expect(c.frames.filter((f) => typeof f['audio'] === 'string')).toHaveLength(2);
    expect(c.frames.at(-1)).toMatchObject({ error: 'internal_error', code: 1011 });
    expect(s.generations[0]?.status).toBe('error');
  });

  it('refuses bad query parameters and formats it cannot synthesize', async () => {
    const s = await start();
    await expect(open(s, 'output_format=pcm_12345')).rejects.toThrow('HTTP 400');
    await expect(open(s, 'output_format=mp3_44100_128')).rejects.toThrow('HTTP 400');
    await expect(open(s, 'output_format=pcm_16000&inactivity_timeout=500')).rejects.toThrow('HTTP 400');
  });

  it('closes with 1008 after inactivity_timeout without text', async () => {
    const s = await start();
    const c = await open(s, 'output_format=pcm_16000&inactivity_timeout=1');
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/Have not received a new text input within the timeout of 1 seconds/);
  });

  it('uses snake_case spellings when asked, and buffers by chunk_length_schedule without auto_mode', async () => {
    const s = await start({ contextIdField: 'context_id', finalField: 'is_final' });
    const c = await open(s);
    send(c, { text: ' ', context_id: 'z', generation_config: { chunk_length_schedule: [50] } });
    send(c, { text: 'Short. ', context_id: 'z' });
    await new Promise((r) => setTimeout(r, 20));
    expect(s.generations).toEqual([]); // under 50 characters: nothing generated yet
    send(c, { text: '', context_id: 'z', flush: true });
    send(c, { context_id: 'z', close_context: true });
    await until(() => c.frames.some((f) => f['is_final'] === true));
    expect(c.frames.every((f) => f['context_id'] === 'z' && !('contextId' in f))).toBe(true);
  });
});

describe('ElevenLabs test server (stream-input)', () => {
  it('speaks after the " " opener, ends with isFinal after "" and closes with 1000', async () => {
    const s = await start({ mode: 'single' });
    const c = await open(s, 'output_format=ulaw_8000&auto_mode=true');
    send(c, { text: ' ', voice_settings: { stability: 0.5 } });
    send(c, { text: 'Hello single stream. ' });
    send(c, { text: 'Last words' });
    send(c, { text: '' });
    const closed = await c.closed;
    expect(closed.code).toBe(1000);
    expect(c.frames.at(-1)).toEqual({ isFinal: true });
    expect(bytesOf(c.frames)).toBe(expectedSamples('Hello single stream. Last words', { sampleRate: 8000, msPerChar: 20 }));
    expect(c.frames.some((f) => 'contextId' in f)).toBe(false);
    expect(s.violations).toEqual([]);
  });

  it('records a missing opener and text after the end of stream', async () => {
    const s = await start({ mode: 'single' });
    const c = await open(s);
    send(c, { text: 'No opener. ' });
    send(c, { text: '' });
    send(c, { text: 'Too late. ' });
    await c.closed;
    expect(s.violations.map((v) => v.rule)).toEqual(expect.arrayContaining(['no-opener']));
  });
});
