import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SpeechError, redact } from '../errors.js';
import type { ConnectionEvent, SpeechConnection } from '../provider.js';
import {
  SegmentQueue,
  apiKeyOption,
  closeError,
  decodeJsonFrame,
  defineWebSocketProvider,
  limiterKeyFor,
  messageTypesOf,
  missingApiKeyError,
  originSchema,
  parseProviderOptions,
  resolveApiKey,
  withOrigin,
  type ReplyEvent,
} from './index.js';

// ---- a toy protocol ("Toy TTS"), spoken by a real ws server the test drives frame by frame ----

const ToyMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), session: z.string() }),
  z.object({ type: z.literal('audio'), id: z.string(), pcm: z.string() }),
  z.object({ type: z.literal('done'), id: z.string() }),
  z.object({ type: z.literal('error'), message: z.string(), id: z.string().optional() }),
]);
type ToyMessage = z.infer<typeof ToyMessage>;

const TOY_ENV = 'TOY_TTS_API_KEY';
const toyOptions = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
    voice: z.string().min(1, 'voice must not be empty').optional(),
    keepAlive: z.boolean().optional(),
    auth: z.enum(['header', 'query', 'message']).optional(),
  })
  .strict();

interface Seg {
  readonly utteranceId: string;
  readonly segmentId: number;
  readonly requestId: string;
}

const toy = defineWebSocketProvider({
  name: 'toy',
  label: 'Toy TTS',
  apiKeyEnv: TOY_ENV,
  optionsSchema: toyOptions,
  resolve: (o) => ({ url: withOrigin('wss://api.toy.example/v1/tts', o.baseUrl), voice: o.voice ?? 'v1', keepAlive: o.keepAlive ?? false, auth: o.auth ?? 'header' }),
  capabilities: () => ({ textInput: 'request', segmentAcks: true, cancel: 'native', wordTimestamps: false, sampleRate: 16000, sampleRates: [16000], encodings: ['pcm16'] }),
  endpoint: (o) => o.url,
  auth: (o, key) => (o.auth === 'header' ? { headers: { authorization: `Bearer ${key}` } } : o.auth === 'query' ? { query: { key } } : {}),
  messages: ToyMessage,
  closeCodes: { 4001: ['auth', 'Toy TTS rejected the key'] },
  connection(ctx) {
    const queue = new SegmentQueue<Seg>(ctx);
    let session = '';
    const byId = (id: string): Seg | undefined => queue.items.find((s) => s.requestId === id);
    return {
      open: () => ctx.send({ type: 'start', voice: ctx.options.voice, ...(ctx.options.auth === 'message' ? { key: ctx.apiKey } : {}) }),
      message(msg: ToyMessage) {
        if (msg.type === 'hello') {
          session = msg.session;
          return ctx.ready();
        }
        if (msg.type === 'error') {
          const error = new SpeechError('provider', `Toy TTS error: ${msg.message}`, { provider: 'toy' });
          const seg = msg.id === undefined ? undefined : byId(msg.id);
          return seg ? ctx.replyError(seg.utteranceId, error, seg.segmentId) : ctx.fail(error);
        }
        const seg = byId(msg.id);
        if (!seg) return;
        if (msg.type === 'audio') {
          const bytes = Buffer.from(msg.pcm, 'base64');
          if (bytes.length % 2 !== 0) throw new Error('odd byte count');
          ctx.emit({ type: 'audio', utteranceId: seg.utteranceId, segmentId: seg.segmentId, pcm: new Int16Array(new Uint8Array(bytes).buffer), sampleRate: 16000 });
        } else queue.done(seg);
      },
      send({ utteranceId, segmentId, text }) {
        const requestId = `${utteranceId}:${segmentId}`;
        queue.add({ utteranceId, segmentId, requestId });
        ctx.send({ type: 'say', id: requestId, text });
      },
      finish: (utteranceId) => queue.finish(utteranceId),
      cancel(utteranceId) {
        for (const seg of queue.drop(utteranceId)) ctx.send({ type: 'cancel', id: seg.requestId });
      },
      ...(ctx.options.keepAlive ? { keepAlive: () => ctx.send({ type: 'ping' }) } : {}),
      beforeClose: () => ctx.send({ type: 'bye' }),
      extras: {
        get session(): string {
          return session;
        },
      },
    };
  },
});

interface ToyServer {
  readonly baseUrl: string;
  readonly received: Record<string, unknown>[];
  readonly upgrades: { url: string; authorization: string | undefined }[];
  client(): WebSocket;
  push(message: unknown): void;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A Toy TTS server. `hello: false` withholds the handshake answer. */
async function toyServer(hello = true): Promise<ToyServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const received: Record<string, unknown>[] = [];
  const upgrades: ToyServer['upgrades'] = [];
  let current: WebSocket | undefined;
  wss.on('connection', (ws, req) => {
    current = ws;
    upgrades.push({ url: req.url ?? '', authorization: req.headers.authorization });
    ws.on('message', (data) => {
      const json = JSON.parse(String(data)) as Record<string, unknown>;
      received.push(json);
      if (json['type'] === 'start' && hello) ws.send(JSON.stringify({ type: 'hello', session: 's-1' }));
    });
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  );
  const client = (): WebSocket => {
    if (!current) throw new Error('no client');
    return current;
  };
  return {
    baseUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received,
    upgrades,
    client,
    push: (message) => client().send(typeof message === 'string' ? message : JSON.stringify(message)),
  };
}

const KEY = 'toy-secret-key-0123456789';
const signal = (): AbortSignal => new AbortController().signal;

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if (predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}

function record(connection: SpeechConnection): { events: ConnectionEvent[]; completed: () => boolean } {
  const events: ConnectionEvent[] = [];
  let completed = false;
  connection.events.subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
  return { events, completed: () => completed };
}

const pcm = (...samples: number[]): string => Buffer.from(new Int16Array(samples).buffer).toString('base64');

describe('provider kit: options and keys', () => {
  it('parses options into invalid-input errors naming every bad field', () => {
    const schema = z.object({ rate: z.number().max(5, 'rate must be at most 5'), voice: z.string().min(1, 'must not be empty') }).strict();
    expect(parseProviderOptions(schema, { rate: 1, voice: 'a' }, { name: 'x' })).toEqual({ rate: 1, voice: 'a' });
    let error: unknown;
    try {
      parseProviderOptions(schema, { rate: 9, voice: '', extra: 1 }, { name: 'x', label: 'X Speech' });
    } catch (e) {
      error = e;
    }
    expect(SpeechError.is(error, 'invalid-input')).toBe(true);
    expect((error as SpeechError).retryable).toBe(false);
    expect((error as SpeechError).provider).toBe('x');
    expect((error as Error).message).toMatch(/^Invalid X Speech options: /);
    expect((error as Error).message).toContain('rate must be at most 5');
    expect((error as Error).message).not.toContain('rate: rate');
    expect((error as Error).message).toContain('voice: must not be empty');
    expect((error as Error).message).toMatch(/extra/);
  });

  it('accepts origins only as baseUrl, and replaces the origin of an endpoint', () => {
    const schema = originSchema();
    for (const ok of ['ws://127.0.0.1:8080', 'wss://h', 'http://h:1/', 'https://h']) expect(schema.safeParse(ok).success).toBe(true);
    for (const bad of ['ftp://h', 'ws://h/path', 'ws://h?q=1', 'not a url', 'ws://u:p@h']) expect(schema.safeParse(bad).success).toBe(false);
    expect(originSchema('httpBaseUrl', ['http', 'https']).safeParse('ws://h').success).toBe(false);
    expect(withOrigin('wss://api.x.dev/v1/rt?a=1', 'ws://127.0.0.1:9/')).toBe('ws://127.0.0.1:9/v1/rt?a=1');
    expect(withOrigin('wss://api.x.dev/v1/rt', 'https://proxy')).toBe('wss://proxy/v1/rt');
    expect(withOrigin('https://api.x.com/v1/tts', 'ws://127.0.0.1:5')).toBe('http://127.0.0.1:5/v1/tts');
    expect(withOrigin('wss://api.x.dev/v1', undefined)).toBe('wss://api.x.dev/v1');
  });

  it('resolves the key from options or the environment, registers it, and names the variable when missing', () => {
    const saved = process.env[TOY_ENV];
    try {
      process.env[TOY_ENV] = 'env-key-abcdef-123';
      expect(resolveApiKey(undefined, TOY_ENV)).toBe('env-key-abcdef-123');
      expect(resolveApiKey('explicit-key-987654', TOY_ENV)).toBe('explicit-key-987654');
      expect(redact('x env-key-abcdef-123 explicit-key-987654')).toBe('x [redacted] [redacted]');
      delete process.env[TOY_ENV];
      expect(resolveApiKey('', TOY_ENV)).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env[TOY_ENV];
      else process.env[TOY_ENV] = saved;
    }
    const error = missingApiKeyError({ name: 'toy', label: 'Toy TTS' }, TOY_ENV);
    expect(error).toMatchObject({ code: 'auth', retryable: false, provider: 'toy' });
    expect(error.message).toContain(TOY_ENV);
    expect(limiterKeyFor('toy', KEY)).toBe(limiterKeyFor('toy', KEY));
    expect(limiterKeyFor('toy', KEY)).toMatch(/^toy:[0-9a-f]{8}$/);
    expect(limiterKeyFor('toy', KEY, true)).not.toBe(limiterKeyFor('toy', KEY, true));
  });
});

describe('provider kit: wire', () => {
  const id = { name: 'toy', label: 'Toy TTS' };
  it('decodes frames into typed messages or protocol errors, telling unknown types from malformed ones', () => {
    expect(decodeJsonFrame(id, ToyMessage, '{"type":"done","id":"a"}')).toEqual({ type: 'done', id: 'a' });
    const notJson = decodeJsonFrame(id, ToyMessage, '{oops');
    expect(notJson).toBeInstanceOf(SpeechError);
    expect((notJson as SpeechError).message).toMatch(/Toy TTS sent a frame that is not JSON/);
    expect((decodeJsonFrame(id, ToyMessage, '{"type":"surprise"}') as SpeechError).message).toMatch(/unknown message type "surprise"/);
    const malformed = decodeJsonFrame(id, ToyMessage, '{"type":"audio","id":1}') as SpeechError;
    expect(malformed).toMatchObject({ code: 'protocol', retryable: false });
    expect(malformed.message).toMatch(/malformed "audio" message/);
    expect((decodeJsonFrame(id, ToyMessage, '[1]') as SpeechError).code).toBe('protocol');
    // Untyped members of a union (messages identified by shape) are fine.
    const Shaped = z.union([z.object({ type: z.literal('ok') }), z.object({ type: z.undefined().optional(), audio: z.string() })]);
    expect(decodeJsonFrame(id, Shaped, '{"audio":"AA=="}')).toEqual({ audio: 'AA==' });
    expect((decodeJsonFrame(id, Shaped, '{"type":"other","audio":"x"}') as SpeechError).message).toMatch(/unknown message type/);
    expect([...messageTypesOf(Shaped)]).toEqual(['ok']);
    expect([...messageTypesOf(z.object({ type: z.enum(['a', 'b']) }).transform((m) => m))]).toEqual(['a', 'b']);
  });

  it('maps close codes by table, others to retryable connection errors', () => {
    const table = { 4002: ['auth', 'Toy TTS rejected the key'] } as const;
    expect(closeError(id, table, 4002, 'bad key')).toMatchObject({ code: 'auth', providerCode: 4002, message: 'Toy TTS rejected the key (close 4002: bad key).' });
    const other = closeError(id, table, 1006, '');
    expect(other).toMatchObject({ code: 'connection', retryable: true, message: 'The Toy TTS connection closed unexpectedly (code 1006).' });
  });
});

describe('provider kit: SegmentQueue', () => {
  it('reports segment-done as segments complete and utterance-done once a finished reply is empty', () => {
    const events: ReplyEvent[] = [];
    const queue = new SegmentQueue<{ utteranceId: string; segmentId: number; left: number }>({ emit: (e) => events.push(e) });
    queue.finish('none');
    expect(events).toEqual([{ type: 'utterance-done', utteranceId: 'none' }]);
    events.length = 0;
    const a0 = { utteranceId: 'a', segmentId: 0, left: 0 };
    const a1 = { utteranceId: 'a', segmentId: 1, left: 1 };
    const b0 = { utteranceId: 'b', segmentId: 0, left: 0 };
    queue.add(a0);
    queue.add(a1);
    queue.add(b0);
    queue.finish('a');
    queue.doneWhile((s) => s.left === 0);
    expect(events).toEqual([{ type: 'segment-done', utteranceId: 'a', segmentId: 0 }]);
    expect(queue.head).toBe(a1);
    queue.done(a1);
    expect(events.slice(1)).toEqual([
      { type: 'segment-done', utteranceId: 'a', segmentId: 1 },
      { type: 'utterance-done', utteranceId: 'a' },
    ]);
    queue.finish('b');
    expect(queue.drop('b')).toEqual([b0]);
    expect(queue.length).toBe(0);
    queue.done(b0); // no longer queued: nothing
    expect(events).toHaveLength(3);
  });
});

describe('provider kit: defineWebSocketProvider against a real socket', () => {
  it('builds a provider: options, capabilities, limiter key, and an auth error naming the variable without a key', async () => {
    const saved = process.env[TOY_ENV];
    delete process.env[TOY_ENV];
    try {
      expect(() => toy({ voice: '' })).toThrow(/Invalid Toy TTS options: voice must not be empty/);
      expect(() => toy({ baseUrl: 'ws://h/path' })).toThrow(SpeechError);
      const p = toy();
      expect(p.name).toBe('toy');
      expect(p.capabilities.textInput).toBe('request');
      expect(p.limiterKey).toBeUndefined();
      await expect(p.connect({ signal: signal() })).rejects.toMatchObject({ code: 'auth', message: expect.stringContaining(TOY_ENV) });
      expect(toy({ apiKey: KEY }).limiterKey).toBe(limiterKeyFor('toy', KEY));
      const aborted = new AbortController();
      aborted.abort();
      await expect(toy({ apiKey: KEY }).connect({ signal: aborted.signal })).rejects.toMatchObject({ code: 'cancelled' });
    } finally {
      if (saved !== undefined) process.env[TOY_ENV] = saved;
    }
  });

  it('handshakes, sends, maps messages to events in order, and closes politely exactly once', async () => {
    const s = await toyServer();
    const conn = await toy({ apiKey: KEY, baseUrl: s.baseUrl, voice: 'v9' }).connect({ signal: signal() });
    expect(conn.session).toBe('s-1');
    expect(s.upgrades[0]).toEqual({ url: '/v1/tts', authorization: `Bearer ${KEY}` });
    expect(s.received[0]).toEqual({ type: 'start', voice: 'v9' });
    expect(conn.keepAlive).toBeUndefined();
    const r = record(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: 'world' });
    conn.finish('u');
    conn.send({ utteranceId: 'u', segmentId: 2, text: 'after finish: ignored' });
    await waitFor(() => s.received.length === 3);
    s.push({ type: 'audio', id: 'u:1', pcm: pcm(3, 4) });
    s.push({ type: 'audio', id: 'u:0', pcm: '' }); // empty audio is dropped
    s.push({ type: 'audio', id: 'u:0', pcm: pcm(1, 2) });
    s.push({ type: 'done', id: 'u:0' });
    s.push({ type: 'done', id: 'u:1' });
    await waitFor(() => r.events.some((e) => e.type === 'utterance-done'));
    expect(r.events.map((e) => `${e.type}:${'segmentId' in e ? e.segmentId : ''}`)).toEqual([
      'audio:1',
      'audio:0',
      'segment-done:0',
      'segment-done:1',
      'utterance-done:',
    ]);
    conn.close();
    conn.close();
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'after close' });
    expect(r.events.at(-1)).toEqual({ type: 'closed' });
    expect(r.events.filter((e) => e.type === 'closed')).toHaveLength(1);
    expect(r.completed()).toBe(true);
    await waitFor(() => s.received.some((m) => m['type'] === 'bye'));
    expect(s.received.map((m) => m['type'])).toEqual(['start', 'say', 'say', 'bye']);
  });

  it('puts the key in the query or in a message, and never in an error', async () => {
    const s = await toyServer();
    const q = await toy({ apiKey: KEY, baseUrl: s.baseUrl, auth: 'query' }).connect({ signal: signal() });
    expect(s.upgrades[0]?.url).toBe(`/v1/tts?key=${KEY}`);
    const r = record(q);
    s.push('{not json');
    await waitFor(() => r.completed());
    expect(JSON.stringify(r.events) + String((r.events[0] as { error: Error }).error.message)).not.toContain(KEY);
    const m = await toy({ apiKey: KEY, baseUrl: s.baseUrl, auth: 'message' }).connect({ signal: signal() });
    expect(s.received.at(-1)).toEqual({ type: 'start', voice: 'v1', key: KEY });
    m.close();
  });

  it('cancel retires a reply: no event for it afterwards, no more text sent for it', async () => {
    const s = await toyServer();
    const conn = await toy({ apiKey: KEY, baseUrl: s.baseUrl }).connect({ signal: signal() });
    const r = record(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'one' });
    await waitFor(() => s.received.length === 2);
    s.push({ type: 'audio', id: 'u:0', pcm: pcm(1) });
    await waitFor(() => r.events.length === 1);
    conn.cancel('u');
    conn.cancel('u');
    conn.send({ utteranceId: 'u', segmentId: 1, text: 'late' });
    conn.finish('u');
    await waitFor(() => s.received.length === 3);
    expect(s.received[2]).toEqual({ type: 'cancel', id: 'u:0' });
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'next' });
    conn.finish('v');
    s.push({ type: 'audio', id: 'v:0', pcm: pcm(7) });
    s.push({ type: 'done', id: 'v:0' });
    await waitFor(() => r.events.some((e) => e.type === 'utterance-done'));
    expect(r.events.filter((e) => 'utteranceId' in e && e.utteranceId === 'u')).toHaveLength(1); // the audio before cancel
    expect(s.received.filter((m) => m['text'] === 'late')).toEqual([]);
    conn.close();
  });

  it('a reply error fails that reply only; the connection stays usable', async () => {
    const s = await toyServer();
    const conn = await toy({ apiKey: KEY, baseUrl: s.baseUrl }).connect({ signal: signal() });
    const r = record(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'bad' });
    await waitFor(() => s.received.length === 2);
    s.push({ type: 'error', id: 'u:0', message: 'voice broke' });
    s.push({ type: 'audio', id: 'u:0', pcm: pcm(1) }); // late: dropped
    await waitFor(() => r.events.length === 1);
    conn.finish('u'); // retired: no utterance-done
    conn.send({ utteranceId: 'v', segmentId: 0, text: 'ok' });
    conn.finish('v');
    await waitFor(() => s.received.length === 3);
    s.push({ type: 'done', id: 'v:0' });
    await waitFor(() => r.events.some((e) => e.type === 'utterance-done'));
    expect(r.events.map((e) => e.type)).toEqual(['error', 'segment-done', 'utterance-done']);
    expect(r.events[0]).toMatchObject({ type: 'error', utteranceId: 'u', segmentId: 0, error: { code: 'provider' } });
    conn.close();
  });

  it.each([
    ['a frame that is not JSON', '{nope', /not JSON/],
    ['an unknown message type', { type: 'mystery' }, /unknown message type "mystery"/],
    ['a malformed message', { type: 'done' }, /malformed "done" message/],
    ['data a handler cannot decode', { type: 'audio', id: 'u:0', pcm: Buffer.from([1, 2, 3]).toString('base64') }, /could not be decoded: odd byte count/],
  ])('%s fails the connection with protocol: error, then closed, then completion', async (_name, frame, message) => {
    const s = await toyServer();
    const conn = await toy({ apiKey: KEY, baseUrl: s.baseUrl }).connect({ signal: signal() });
    const r = record(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'x' });
    await waitFor(() => s.received.length === 2);
    s.push(frame);
    await waitFor(() => r.completed());
    expect(r.events.map((e) => e.type)).toEqual(['error', 'closed']);
    const error = (r.events[1] as { error: SpeechError }).error;
    expect(error).toMatchObject({ code: 'protocol', provider: 'toy' });
    expect(error.message).toMatch(message);
  });

  it('a binary frame without a binary handler is a protocol error', async () => {
    const s = await toyServer();
    const conn = await toy({ apiKey: KEY, baseUrl: s.baseUrl }).connect({ signal: signal() });
    const r = record(conn);
    s.client().send(new Uint8Array([1, 2]));
    await waitFor(() => r.completed());
    expect((r.events.at(-1) as { error: SpeechError }).error.message).toMatch(/unexpected binary frame/);
  });

  it('maps a server close by the close-code table, others to retryable connection errors', async () => {
    const s = await toyServer();
    const a = await toy({ apiKey: KEY, baseUrl: s.baseUrl }).connect({ signal: signal() });
    const ra = record(a);
    s.client().close(4001, 'nope');
    await waitFor(() => ra.completed());
    expect((ra.events.at(-1) as { error: SpeechError }).error).toMatchObject({ code: 'auth', providerCode: 4001 });
    const b = await toy({ apiKey: KEY, baseUrl: s.baseUrl }).connect({ signal: signal() });
    const rb = record(b);
    s.client().terminate();
    await waitFor(() => rb.completed());
    expect(rb.events.map((e) => e.type)).toEqual(['error', 'closed']);
    expect((rb.events.at(-1) as { error: SpeechError }).error).toMatchObject({ code: 'connection', retryable: true });
  });

  it('fails the handshake by close code, by a fatal message, and by the signal', async () => {
    const quiet = await toyServer(false);
    const p = toy({ apiKey: KEY, baseUrl: quiet.baseUrl });
    const closing = p.connect({ signal: signal() });
    await waitFor(() => quiet.received.length === 1);
    quiet.client().close(4001, 'bad key');
    await expect(closing).rejects.toMatchObject({ code: 'auth', providerCode: 4001 });

    const failing = p.connect({ signal: signal() });
    await waitFor(() => quiet.received.length === 2);
    quiet.push({ type: 'error', message: 'no such voice' });
    await expect(failing).rejects.toMatchObject({ code: 'provider', message: 'Toy TTS error: no such voice' });

    const ac = new AbortController();
    const cancelled = p.connect({ signal: ac.signal });
    await waitFor(() => quiet.received.length === 3);
    ac.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    await waitFor(() => quiet.client().readyState === quiet.client().CLOSED);
  });

  it('the connect signal governs the handshake only; keepAlive exists when the handler does', async () => {
    const s = await toyServer();
    const ac = new AbortController();
    const conn = await toy({ apiKey: KEY, baseUrl: s.baseUrl, keepAlive: true }).connect({ signal: ac.signal });
    const r = record(conn);
    ac.abort();
    conn.keepAlive?.();
    await waitFor(() => s.received.some((m) => m['type'] === 'ping'));
    expect(r.events).toEqual([]);
    conn.close();
    conn.keepAlive?.();
    expect(s.received.filter((m) => m['type'] === 'ping')).toHaveLength(1);
  });
});
