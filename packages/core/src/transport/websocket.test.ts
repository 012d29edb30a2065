import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { WebSocket as WsWebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SpeechError } from '../errors.js';
import { connectWebSocket } from './websocket.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function wsServer(options: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<{ server: WebSocketServer; url: string }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** An HTTP server whose upgrade handler is `onUpgrade` (for raw refusals and silent servers). */
async function httpServer(onUpgrade: (req: IncomingMessage, socket: Socket) => void): Promise<{ server: Server; url: string; sockets: Socket[] }> {
  const server = createServer();
  const sockets: Socket[] = [];
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    sockets.push(socket);
    onUpgrade(req, socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

function refuse(status: string, body: string) {
  return (_req: IncomingMessage, socket: Socket): void => {
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };
}

async function rejection(promise: Promise<unknown>): Promise<SpeechError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SpeechError);
    return error as SpeechError;
  }
  throw new Error('expected a rejection');
}

const SECRET = 'sk_live_SECRET_1234567890';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('connectWebSocket (ws in Node)', () => {
  it('sends headers and subprotocols, and exchanges text and binary both ways', async () => {
    const { server, url } = await wsServer({ handleProtocols: (protocols) => (protocols.has('tts.v1') ? 'tts.v1' : false) });
    const seen = new Promise<{ auth: string | undefined; received: Array<{ data: string; isBinary: boolean }> }>((resolve) => {
      server.on('connection', (socket, req) => {
        const received: Array<{ data: string; isBinary: boolean }> = [];
        socket.on('message', (data, isBinary) => {
          received.push({ data: isBinary ? Buffer.from(data as Buffer).toString('hex') : String(data), isBinary });
          if (received.length === 3) resolve({ auth: req.headers.authorization, received });
        });
        socket.send('héllo');
        socket.send(Buffer.from([1, 2, 255]));
      });
    });
    const socket = await connectWebSocket(url, { headers: { Authorization: 'Bearer abc' }, protocols: ['tts.v1'] });
    expect(socket.readyState).toBe(1);
    expect(socket.protocol).toBe('tts.v1');
    const messages = await firstValueFrom(socket.messages.pipe(take(2), toArray()));
    expect(messages[0]).toBe('héllo');
    expect(messages[1]).toBeInstanceOf(Uint8Array);
    expect(Array.from(messages[1] as Uint8Array)).toEqual([1, 2, 255]);
    socket.send('text');
    socket.send(Uint8Array.from([0xca, 0xfe]));
    socket.sendJson({ type: 'speak', text: 'hi' });
    expect(await seen).toEqual({
      auth: 'Bearer abc',
      received: [
        { data: 'text', isBinary: false },
        { data: 'cafe', isBinary: true },
        { data: '{"type":"speak","text":"hi"}', isBinary: false },
      ],
    });
    socket.close();
    expect(await socket.closed).toEqual({ code: 1000, reason: '', wasClean: true });
  });

  it('keeps messages sent right after the upgrade for the first subscriber', async () => {
    const { server, url } = await wsServer();
    server.on('connection', (socket) => {
      socket.send('greeting-1');
      socket.send('greeting-2');
      socket.close(1000);
    });
    const socket = await connectWebSocket(url);
    await socket.closed; // frames arrive in order: both greetings are in before the close
    expect(await lastValueFrom(socket.messages.pipe(toArray()))).toEqual(['greeting-1', 'greeting-2']);
  });

  it('surfaces the server close code and reason, completes messages, and refuses to send after close', async () => {
    const { server, url } = await wsServer();
    server.on('connection', (socket) => {
      socket.send('last words');
      socket.close(4001, 'session expired');
    });
    const socket = await connectWebSocket(url);
    const all = lastValueFrom(socket.messages.pipe(toArray()));
    expect(await socket.closed).toEqual({ code: 4001, reason: 'session expired', wasClean: true });
    expect(await all).toEqual(['last words']);
    expect(socket.readyState).toBe(3);
    expect(() => socket.send('x')).toThrowError(SpeechError);
    socket.close(); // no-op
    // A late subscriber completes at once.
    expect(await lastValueFrom(socket.messages.pipe(toArray()))).toEqual([]);
  });

  it('sends its own close code to the server', async () => {
    const { server, url } = await wsServer();
    const serverClose = new Promise<[number, string]>((resolve) =>
      server.on('connection', (s) => s.on('close', (code, reason) => resolve([code, String(reason)]))),
    );
    const socket = await connectWebSocket(url);
    expect(() => socket.close(1006)).toThrowError(/close code/);
    socket.close(4000, 'done');
    expect(await serverClose).toEqual([4000, 'done']);
    expect((await socket.closed).code).toBe(4000);
  });

  it('reports an abnormal close (1006) when the server drops the connection', async () => {
    const { server, url } = await wsServer();
    server.on('connection', (s) => s.terminate());
    const socket = await connectWebSocket(url);
    expect(await socket.closed).toMatchObject({ code: 1006, wasClean: false });
  });

  it('maps 401 at the upgrade to auth without printing the key in the query', async () => {
    const { url } = await wsServer({ verifyClient: (_info, cb) => cb(false, 401, 'Unauthorized') });
    const error = await rejection(connectWebSocket(`${url}/v1/stream?voice=a&api_key=${SECRET}`, { provider: 'test' }));
    expect(error.code).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.providerCode).toBe(401);
    expect(error.provider).toBe('test');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toContain('api_key=[redacted]');
    for (const text of [error.message, JSON.stringify(error), String(error.cause ?? ''), error.stack ?? '']) {
      expect(text).not.toContain(SECRET);
    }
  });

  it('maps 403 to auth, 429 to rate-limit, 5xx and 404 to connection, with the response body', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['403 Forbidden', 'auth', false],
      ['429 Too Many Requests', 'rate-limit', true],
      ['503 Service Unavailable', 'connection', true],
      ['404 Not Found', 'connection', false],
    ];
    for (const [status, code, retryable] of cases) {
      const { url } = await httpServer(refuse(status, '{"error":"nope"}'));
      const error = await rejection(connectWebSocket(`${url}?token=${SECRET}`));
      expect({ code: error.code, retryable: error.retryable, providerCode: error.providerCode }).toEqual({
        code,
        retryable,
        providerCode: Number(status.slice(0, 3)),
      });
      expect(error.message).toContain('{"error":"nope"}');
      expect(error.message).not.toContain(SECRET);
    }
  });

  it('fails with connection when nothing listens', async () => {
    const { url, server } = await httpServer(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await rejection(connectWebSocket(`${url}?key=${SECRET}`));
    expect(error.code).toBe('connection');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain(SECRET);
  });

  it('cancels a pending handshake on abort and closes the socket', async () => {
    const upgraded = deferred<Socket>();
    const { url } = await httpServer((_req, socket) => upgraded.resolve(socket)); // never answers
    const controller = new AbortController();
    const pending = connectWebSocket(url, { signal: controller.signal });
    const serverSide = await upgraded.promise;
    const serverClosed = once(serverSide, 'end');
    controller.abort();
    const error = await rejection(pending);
    expect(error.code).toBe('cancelled');
    await serverClosed;
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(connectWebSocket('ws://127.0.0.1:1', { signal: controller.signal }))).code).toBe('cancelled');
  });

  it('closes an open socket on abort', async () => {
    const { url } = await wsServer();
    const controller = new AbortController();
    const socket = await connectWebSocket(url, { signal: controller.signal });
    controller.abort();
    expect(await socket.closed).toEqual({ code: 1000, reason: 'cancelled', wasClean: true });
  });

  it('times out the handshake on the injected scheduler', async () => {
    const upgraded = deferred<Socket>();
    const { url } = await httpServer((_req, socket) => upgraded.resolve(socket));
    const scheduler = new VirtualTimeScheduler();
    const pending = connectWebSocket(url, { handshakeTimeoutMs: 5000, scheduler });
    const serverSide = await upgraded.promise;
    const serverClosed = once(serverSide, 'end');
    scheduler.flush(); // 5 s of virtual time
    const error = await rejection(pending);
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('5000 ms');
    await serverClosed;
  });

  it('rejects bad URLs and options with invalid-input', async () => {
    expect((await rejection(connectWebSocket(`not a url ${SECRET}`))).code).toBe('invalid-input');
    expect((await rejection(connectWebSocket(`ftp://example.com/?api_key=${SECRET}`))).message).not.toContain(SECRET);
    expect((await rejection(connectWebSocket('ws://127.0.0.1:1', { handshakeTimeoutMs: -1 }))).code).toBe('invalid-input');
    expect((await rejection(connectWebSocket('ws://127.0.0.1:1', { headers: { a: 1 as unknown as string } }))).message).toMatch(/headers/);
  });
});

describe('connectWebSocket (global WebSocket)', () => {
  it('uses a global WebSocket when asked, with text and binary messages and close codes', async () => {
    // ws's client class implements the WHATWG interface (onopen, onmessage, binaryType, CloseEvent).
    vi.stubGlobal('WebSocket', WsWebSocket);
    const { server, url } = await wsServer();
    server.on('connection', (s) => {
      s.on('message', (data, isBinary) => s.send(data, { binary: isBinary }));
      s.send(Buffer.from([7, 8]));
    });
    const socket = await connectWebSocket(url, { implementation: 'global' });
    const echoed = firstValueFrom(socket.messages.pipe(take(3), toArray()));
    socket.send('ping');
    socket.send(Uint8Array.from([9]));
    const [first, second, third] = await echoed;
    expect(Array.from(first as Uint8Array)).toEqual([7, 8]);
    expect(second).toBe('ping');
    expect(Array.from(third as Uint8Array)).toEqual([9]);
    socket.close(4002, 'bye');
    expect(await socket.closed).toEqual({ code: 4002, reason: 'bye', wasClean: true });
  });

  it('refuses headers with the global WebSocket (browsers cannot set them)', async () => {
    vi.stubGlobal('WebSocket', WsWebSocket);
    const error = await rejection(connectWebSocket('ws://127.0.0.1:1', { implementation: 'global', headers: { 'x-api-key': 'k' } }));
    expect(error.code).toBe('unsupported');
  });

  it('fails with connection (no status available) when the global socket is refused', async () => {
    vi.stubGlobal('WebSocket', WsWebSocket);
    const { url } = await httpServer(refuse('401 Unauthorized', ''));
    const error = await rejection(connectWebSocket(`${url}?api_key=${SECRET}`, { implementation: 'global' }));
    expect(error.code).toBe('connection');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports unsupported when there is no global WebSocket', async () => {
    vi.stubGlobal('WebSocket', undefined);
    expect((await rejection(connectWebSocket('ws://127.0.0.1:1', { implementation: 'global' }))).code).toBe('unsupported');
  });
});
