/**
 * The OpenAI speech test server on its own, driven by plain `fetch` (no adapter): the wire it speaks,
 * the validation it applies, and each fault.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiServer, type OpenAiServerOptions, type OpenAiTestServer } from './openai.js';
import { bytesToPcm, generatePcm } from '../base/pcm.js';

const servers: OpenAiTestServer[] = [];
async function start(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  const s = await createOpenAiServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const body = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini-tts', input: 'Hello there.', voice: 'alloy', response_format: 'pcm', ...extra });
function post(s: OpenAiTestServer, json: unknown, key: string | null = s.apiKey, signal?: AbortSignal): Promise<Response> {
  return fetch(s.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify(json),
    ...(signal ? { signal } : {}),
  });
}
/** The body's chunks as they arrived. */
async function chunksOf(response: Response): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}
const join = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c)));

describe('OpenAI speech test server', () => {
  it('streams the tagged PCM of the input as a raw body, in chunks cut in the middle of a sample', async () => {
    const s = await start();
    const response = await post(s, body());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const bytes = join(await chunksOf(response));
    expect(Array.from(bytesToPcm(bytes))).toEqual(Array.from(generatePcm('Hello there.', { sampleRate: 24_000, generation: 1 })));
    expect(s.generations).toMatchObject([{ id: 1, text: 'Hello there.', status: 'complete' }]);
    expect(s.received[0]?.json).toEqual(body());
    expect(s.upgrades[0]).toMatchObject({ path: '/v1/audio/speech', status: 200 });
    expect(s.violations).toEqual([]);
  });

  it('the first raw chunk ends one byte into a sample', async () => {
    const s = await start({ chunkIntervalMs: 2 });
    const chunks = await chunksOf(await post(s, body()));
    expect((chunks[0]?.byteLength ?? 0) % 2).toBe(1);
  });

  it('streams SSE: speech.audio.delta with base64 audio, then speech.audio.done with usage', async () => {
    const s = await start();
    const response = await post(s, body({ stream_format: 'sse' }));
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = join(await chunksOf(response)).toString('utf8');
    const events = text.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.replace(/^data: /, '')) as { type: string; audio?: string; usage?: unknown });
    expect(events.at(-1)).toMatchObject({ type: 'speech.audio.done', usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    const audio = Buffer.concat(events.filter((e) => e.type === 'speech.audio.delta').map((e) => Buffer.from(e.audio ?? '', 'base64')));
    expect(Array.from(bytesToPcm(audio))).toEqual(Array.from(generatePcm('Hello there.', { sampleRate: 24_000, generation: 1 })));
    expect(Buffer.from(events[0]?.audio ?? '', 'base64').byteLength % 2).toBe(1);
  });

  it('keeps a keep-alive TCP connection across requests and counts connections', async () => {
    const s = await start();
    await chunksOf(await post(s, body()));
    await new Promise((r) => setTimeout(r, 0));
    await chunksOf(await post(s, body({ input: 'Again.' })));
    expect(s.requestTotal).toBe(2);
    expect(s.connectionCount).toBe(1);
  });

  it.each([
    ['input over 4096', { ...body(), input: 'x'.repeat(4097) }, 400, 'string_too_long'],
    ['unknown model', { ...body(), model: 'tts-2' }, 404, 'model_not_found'],
    ['unknown voice', { ...body(), voice: 'nobody' }, 400, 'Invalid voice'],
    ['instructions for tts-1', { ...body(), model: 'tts-1', instructions: 'Calm.' }, 400, 'instructions'],
    ['sse for tts-1-hd', { ...body(), model: 'tts-1-hd', stream_format: 'sse' }, 400, 'stream_format'],
    ['speed out of range', { ...body(), speed: 9 }, 400, 'speed'],
    ['unknown field', { ...body(), extra: true }, 400, 'extra'],
    ['another response_format', { ...body(), response_format: 'mp3' }, 400, 'response_format'],
  ])('rejects an invalid body like the API: %s', async (_name, json, status, message) => {
    const s = await start();
    const response = await post(s, json);
    expect(response.status).toBe(status);
    const error = ((await response.json()) as { error: { message: string; code: string | null } }).error;
    expect(`${error.message} ${error.code ?? ''}`).toContain(message);
    expect(s.violations.map((v) => v.rule)).toEqual(['invalid-body']);
  });

  it('answers a wrong key with 401 and a masked echo of it, a missing one with 401', async () => {
    const s = await start();
    const wrong = await post(s, body(), 'sk-wrong-key-0123456789');
    expect(wrong.status).toBe(401);
    const message = ((await wrong.json()) as { error: { message: string } }).error.message;
    expect(message).toContain('sk-');
    expect(message).not.toContain('sk-wrong-key-0123456789');
    expect((await post(s, body(), null)).status).toBe(401);
  });

  it('records a key in the query as a violation and a wrong path as 404', async () => {
    const s = await start();
    await fetch(`${s.baseUrl}/v1/audio/speech?api_key=x`, { method: 'POST', headers: { authorization: `Bearer ${s.apiKey}` }, body: JSON.stringify(body()) }).then((r) => r.arrayBuffer());
    const wrong = await fetch(`${s.baseUrl}/audio/speech`, { method: 'POST', body: '{}' });
    expect(wrong.status).toBe(404);
    expect(s.violations.map((v) => v.rule)).toEqual(['key-in-query', 'wrong-path']);
  });

  it.each([
    [{ upgradeStatus: 429 }, 429, 'rate_limit_exceeded'],
    [{ upgradeStatus: 503 }, 503, null],
    [{ error: 'auth' as const }, 401, 'invalid_api_key'],
    [{ error: 'rate-limit' as const }, 429, 'rate_limit_exceeded'],
    [{ error: 'text-too-long' as const }, 400, null],
    [{ error: 'server' as const }, 500, null],
  ])('fault %o answers %i', async (faults, status, code) => {
    const s = await start({ faults });
    const response = await post(s, body());
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string | null } }).error.code).toBe(code);
    if (status === 429) expect(response.headers.get('retry-after-ms')).toBe('20');
  });

  it('dropAfterChunks destroys the TCP connection mid-body', async () => {
    const s = await start({ faults: { dropAfterChunks: 2 } });
    const response = await post(s, body());
    await expect(chunksOf(response)).rejects.toThrow();
    expect(s.generations[0]?.status).toBe('dropped');
  });

  it('neverEnd sends about half the audio and stalls; the client can abort, which the server records', async () => {
    const s = await start({ faults: { neverEnd: true } });
    const ac = new AbortController();
    const response = await post(s, body(), s.apiKey, ac.signal);
    await s.waitFor(() => s.generations[0]?.status === 'stalled');
    const sent = s.generations[0]?.samplesSent ?? 0;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(s.generations[0]?.samples ?? 0);
    ac.abort();
    await expect(chunksOf(response)).rejects.toThrow();
  });

  it('withholdHandshake never answers the request', async () => {
    const s = await start({ faults: { withholdHandshake: true, faultyConnections: 1 } });
    const ac = new AbortController();
    const pending = post(s, body(), s.apiKey, ac.signal);
    await s.waitFor(() => s.upgrades.length === 1);
    ac.abort();
    await expect(pending).rejects.toThrow();
    expect(s.upgrades[0]?.status).toBeUndefined();
  });

  it('malformedFrame: a broken SSE event, or a 200 that is not audio for a raw body', async () => {
    const s = await start({ faults: { malformedFrame: true } });
    const sse = join(await chunksOf(await post(s, body({ stream_format: 'sse' })))).toString('utf8');
    expect(sse.split('\n\n')[0]).toBe('data: {"audio": "AAAA", "trunc');
    const s2 = await start({ faults: { malformedFrame: true } });
    const raw = await post(s2, body());
    expect(raw.headers.get('content-type')).toContain('text/html');
  });

  it('idleCloseMs closes an idle keep-alive connection', async () => {
    const s = await start({ faults: { idleCloseMs: 30 } });
    await chunksOf(await post(s, body()));
    await s.waitFor(() => s.openConnections === 0);
    expect(s.connectionCount).toBe(1);
  });
});
