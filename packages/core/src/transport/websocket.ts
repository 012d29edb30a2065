/**
 * `connectWebSocket`: one small, promise-based way to open a WebSocket in Node and in browsers, with
 * typed errors ({@link SpeechError}), cancellation, a handshake deadline on an injectable scheduler, and
 * messages as an RxJS Observable.
 */
import { Observable, Subject, asyncScheduler, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { z } from 'zod';
import { SpeechError, redact, redactAndTruncate, redactUrl, type SpeechErrorCode } from '../errors.js';

/** A message received on a WebSocket: text frames as strings, binary frames as bytes. */
export type WebSocketMessage = string | Uint8Array;

/** How a WebSocket closed. */
export interface WebSocketCloseInfo {
  /** The close code (1000 normal, 1006 abnormal: no close frame). */
  readonly code: number;
  /** The close reason sent by the peer (may be empty). */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
}

/** Which WebSocket implementation to use. */
export type WebSocketImplementation = 'auto' | 'ws' | 'global';

/** Options of {@link connectWebSocket}. */
export interface ConnectWebSocketOptions {
  /**
   * HTTP headers for the upgrade request (e.g. `Authorization`). Node only: browsers cannot set WebSocket
   * headers, so passing headers there fails with `unsupported` — use the provider's query-string or
   * subprotocol authentication instead.
   */
  headers?: Record<string, string>;
  /** WebSocket subprotocols to offer. */
  protocols?: string | string[];
  /** Aborting cancels the handshake (rejecting with `cancelled`) or closes an open socket. */
  signal?: AbortSignal;
  /** How binary frames are delivered. Only `'arraybuffer'` (surfaced as `Uint8Array`) is supported. */
  binaryType?: 'arraybuffer';
  /** Give up (with `timeout`) when the socket is not open after this many ms. Default 15000. */
  handshakeTimeoutMs?: number;
  /** Scheduler for the handshake deadline. Default `asyncScheduler`; inject a virtual one in tests. */
  scheduler?: SchedulerLike;
  /** Provider name recorded on errors. */
  provider?: string;
  /**
   * `'auto'` (default): the `ws` package in Node — it can send headers and report the HTTP status of a
   * refused upgrade (so a bad key fails as `auth`, not as a retryable `connection` error) — and the global
   * `WebSocket` elsewhere. `'global'` forces the global `WebSocket` (Node 22+, browsers), `'ws'` forces `ws`.
   */
  implementation?: WebSocketImplementation;
}

/** An open WebSocket, as returned by {@link connectWebSocket}. */
export interface WebSocketConnection {
  /**
   * Incoming messages. Hot: every subscriber sees messages from the moment it subscribes, except that
   * messages arriving before the first subscription are kept and delivered to the first subscriber (none
   * are lost between `await connectWebSocket()` and `subscribe`). Completes when the socket closes.
   */
  readonly messages: Observable<WebSocketMessage>;
  /** Resolves when the socket has closed (never rejects). */
  readonly closed: Promise<WebSocketCloseInfo>;
  /**
   * Sends a text (string) or binary (bytes) frame.
   *
   * @throws SpeechError `connection` when the socket is no longer open.
   */
  send(data: string | Uint8Array): void;
  /** Sends `JSON.stringify(value)` as a text frame. */
  sendJson(value: unknown): void;
  /** Starts the closing handshake (default code 1000). Does nothing when already closing or closed. */
  close(code?: number, reason?: string): void;
  /** The standard ready state: 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** The subprotocol the server selected ('' when none). */
  readonly protocol: string;
  /** The URL with credentials and key-like query values removed (safe to print). */
  readonly url: string;
}

const optionsSchema = z.object({
  headers: z.record(z.string(), z.string()).optional(),
  protocols: z.union([z.string(), z.array(z.string())]).optional(),
  signal: z.custom<AbortSignal>((v) => typeof v === 'object' && v !== null && 'aborted' in v, { message: 'must be an AbortSignal' }).optional(),
  binaryType: z.literal('arraybuffer').optional(),
  handshakeTimeoutMs: z.number().positive().finite().optional(),
  scheduler: z.custom<SchedulerLike>((v) => typeof v === 'object' && v !== null && 'schedule' in v, { message: 'must be an RxJS scheduler' }).optional(),
  provider: z.string().optional(),
  implementation: z.enum(['auto', 'ws', 'global']).optional(),
});

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 15_000;
const MAX_ERROR_BODY = 512;

/** What the two implementations have in common, as used here. */
interface RawSocket {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
}

interface SocketEvents {
  open(): void;
  message(message: WebSocketMessage): void;
  close(info: WebSocketCloseInfo): void;
  error(error: unknown): void;
  /** A refused upgrade (ws only): HTTP status and the start of the response body. */
  refused(status: number, statusText: string, body: string): void;
}

// Structural type of the parts of `ws` we use (its own types are a dev dependency only).
interface WsIncomingMessage {
  statusCode?: number;
  statusMessage?: string;
  on(event: 'data', listener: (chunk: Uint8Array) => void): void;
  on(event: 'end' | 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
interface WsSocket {
  readonly readyState: number;
  readonly protocol: string;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'open', listener: () => void): void;
  on(event: 'message', listener: (data: ArrayBuffer | Uint8Array, isBinary: boolean) => void): void;
  on(event: 'close', listener: (code: number, reason: Uint8Array) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'unexpected-response', listener: (request: unknown, response: WsIncomingMessage) => void): void;
}
type WsConstructor = new (url: string, protocols: string | string[] | undefined, options: { headers?: Record<string, string> }) => WsSocket;

let wsModule: Promise<WsConstructor | undefined> | undefined;

function loadWs(): Promise<WsConstructor | undefined> {
  wsModule ??= import('ws').then(
    (mod) => ((mod as { WebSocket?: unknown }).WebSocket ?? (mod as { default?: unknown }).default) as WsConstructor | undefined,
    () => undefined,
  );
  return wsModule;
}

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

const textDecoder = new TextDecoder();

function openWs(Ws: WsConstructor, url: string, protocols: string | string[] | undefined, headers: Record<string, string> | undefined, on: SocketEvents): RawSocket {
  const socket = new Ws(url, protocols, headers === undefined ? {} : { headers });
  socket.binaryType = 'arraybuffer';
  socket.on('open', () => on.open());
  socket.on('message', (data, isBinary) => {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    on.message(isBinary ? bytes : textDecoder.decode(bytes));
  });
  socket.on('close', (code, reason) => on.close({ code, reason: textDecoder.decode(reason), wasClean: code !== 1006 }));
  socket.on('error', (error) => on.error(error));
  socket.on('unexpected-response', (_request, response) => {
    const status = response.statusCode ?? 0;
    const chunks: Uint8Array[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const body = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        body.set(chunk.subarray(0, size - at), at);
        at += Math.min(chunk.byteLength, size - at);
      }
      on.refused(status, response.statusMessage ?? '', textDecoder.decode(body));
      socket.terminate();
    };
    response.on('data', (chunk) => {
      chunks.push(chunk);
      size = Math.min(MAX_ERROR_BODY, size + chunk.byteLength);
      if (size >= MAX_ERROR_BODY) finish();
    });
    response.on('end', finish);
    response.on('close', finish);
    response.on('error', finish);
  });
  return socket;
}

function openGlobal(url: string, protocols: string | string[] | undefined, on: SocketEvents): RawSocket {
  const socket = new WebSocket(url, protocols);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => on.open();
  socket.onmessage = (event: MessageEvent<unknown>) => {
    const { data } = event;
    if (typeof data === 'string') on.message(data);
    else if (data instanceof ArrayBuffer) on.message(new Uint8Array(data));
    else if (ArrayBuffer.isView(data)) on.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  };
  socket.onclose = (event: CloseEvent) => on.close({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  socket.onerror = (event: Event) => on.error((event as { error?: unknown }).error ?? new Error('WebSocket error'));
  return {
    get readyState() {
      return socket.readyState;
    },
    get protocol() {
      return socket.protocol;
    },
    send: (data) => socket.send(data as string | Uint8Array<ArrayBuffer>),
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.close(),
  };
}

function refusedError(status: number, statusText: string, body: string, safeUrl: string, provider: string | undefined): SpeechError {
  const code: SpeechErrorCode = status === 401 || status === 403 ? 'auth' : status === 429 ? 'rate-limit' : 'connection';
  const detail = redactAndTruncate(body.replace(/\s+/g, ' ').trim(), 200);
  const message = `WebSocket handshake with ${safeUrl} was refused: HTTP ${status}${statusText ? ` ${statusText}` : ''}${detail ? ` (${detail})` : ''}.`;
  return new SpeechError(code, message, {
    providerCode: status,
    ...(provider === undefined ? {} : { provider }),
    // Server errors and timeouts may pass; other client errors (bad URL, bad parameters) will not.
    ...(code === 'connection' ? { retryable: status >= 500 || status === 408 } : {}),
  });
}

/**
 * Opens a WebSocket and resolves once it is open.
 *
 * Errors are {@link SpeechError}s: HTTP 401/403 at the upgrade -> `auth`, 429 -> `rate-limit`, any other
 * failure -> `connection` (HTTP status in `providerCode`), no open socket within `handshakeTimeoutMs` ->
 * `timeout`, abort -> `cancelled`, a bad URL or option -> `invalid-input`, headers in a browser ->
 * `unsupported`. Error messages show the URL through `redactUrl`, so API keys in the query never appear.
 *
 * @example
 * ```ts
 * const socket = await connectWebSocket('wss://api.example.com/tts', { headers: { Authorization: `Bearer ${key}` } });
 * socket.messages.subscribe((m) => console.log(m));
 * socket.sendJson({ text: 'Hello' });
 * ```
 */
export async function connectWebSocket(url: string | URL, options: ConnectWebSocketOptions = {}): Promise<WebSocketConnection> {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new SpeechError(
      'invalid-input',
      `Invalid connectWebSocket options: ${parsedOptions.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`,
    );
  }
  const target = String(url);
  const safeUrl = redactUrl(target);
  const { headers, protocols, signal, provider } = options;
  const errorOptions = provider === undefined ? {} : { provider };
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(target);
  } catch {
    throw new SpeechError('invalid-input', `Invalid WebSocket URL: ${safeUrl}`, errorOptions);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsedUrl.protocol)) {
    throw new SpeechError('invalid-input', `A WebSocket URL must start with ws:// or wss://, got ${safeUrl}`, errorOptions);
  }
  if (signal?.aborted) throw new SpeechError('cancelled', `Connecting to ${safeUrl} was cancelled.`, errorOptions);

  const implementation = options.implementation ?? 'auto';
  const hasGlobal = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';
  let Ws: WsConstructor | undefined;
  if (implementation === 'ws' || (implementation === 'auto' && (isNode() || !hasGlobal))) {
    Ws = await loadWs();
    if (Ws === undefined && (implementation === 'ws' || !hasGlobal)) {
      throw new SpeechError('unsupported', 'No WebSocket implementation: install the `ws` package or use a runtime with a global WebSocket.', errorOptions);
    }
  }
  if (Ws === undefined && !hasGlobal) {
    throw new SpeechError('unsupported', 'This runtime has no global WebSocket; use implementation: "ws".', errorOptions);
  }
  if (Ws === undefined && headers !== undefined && Object.keys(headers).length > 0) {
    throw new SpeechError(
      'unsupported',
      'WebSocket headers cannot be set with the global WebSocket (browsers do not allow it); authenticate through the URL or subprotocols instead.',
      errorOptions,
    );
  }
  if (signal?.aborted) throw new SpeechError('cancelled', `Connecting to ${safeUrl} was cancelled.`, errorOptions);

  return new Promise<WebSocketConnection>((resolve, reject) => {
    const subject = new Subject<WebSocketMessage>();
    let early: WebSocketMessage[] | undefined = [];
    let opened = false;
    let settled = false;
    let resolveClosed!: (info: WebSocketCloseInfo) => void;
    const closed = new Promise<WebSocketCloseInfo>((r) => (resolveClosed = r));
    let deadline: Subscription | undefined;

    const fail = (error: SpeechError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      try {
        socket?.terminate();
      } catch {
        // already gone
      }
      reject(error);
    };
    const onAbort = (): void => {
      if (!opened) {
        fail(new SpeechError('cancelled', `Connecting to ${safeUrl} was cancelled.`, errorOptions));
      } else if (socket !== undefined && socket.readyState < CLOSING) {
        socket.close(1000, 'cancelled');
      }
    };
    const cleanup = (): void => {
      deadline?.unsubscribe();
      deadline = undefined;
      signal?.removeEventListener('abort', onAbort);
    };

    const events: SocketEvents = {
      open() {
        if (settled) return;
        opened = true;
        settled = true;
        deadline?.unsubscribe();
        resolve(connection);
      },
      message(message) {
        if (early !== undefined) early.push(message);
        else subject.next(message);
      },
      close(info) {
        signal?.removeEventListener('abort', onAbort);
        if (!opened) {
          fail(new SpeechError('connection', `WebSocket connection to ${safeUrl} closed before it opened (code ${info.code}${info.reason ? `: ${redact(info.reason)}` : ''}).`, { ...errorOptions, providerCode: info.code }));
        }
        subject.complete();
        resolveClosed(info);
      },
      error(error) {
        if (opened) return; // a close event follows
        const reason = error instanceof Error ? error.message : String(error);
        fail(new SpeechError('connection', `WebSocket connection to ${safeUrl} failed: ${reason}`, { ...errorOptions, cause: error }));
      },
      refused(status, statusText, body) {
        fail(refusedError(status, statusText, body, safeUrl, provider));
      },
    };

    let socket: RawSocket | undefined;
    const connection: WebSocketConnection = {
      messages: new Observable<WebSocketMessage>((subscriber) => {
        if (early !== undefined) {
          const pending = early;
          early = undefined;
          for (const message of pending) {
            if (subscriber.closed) return undefined;
            subscriber.next(message);
          }
        }
        return subject.subscribe(subscriber);
      }),
      closed,
      send(data) {
        if (socket === undefined || socket.readyState !== OPEN) {
          throw new SpeechError('connection', `Cannot send: the WebSocket to ${safeUrl} is ${socket?.readyState === CLOSING ? 'closing' : 'closed'}.`, errorOptions);
        }
        socket.send(data);
      },
      sendJson(value) {
        connection.send(JSON.stringify(value));
      },
      close(code = 1000, reason) {
        if (socket === undefined || socket.readyState >= CLOSING) return;
        if (code !== 1000 && (code < 3000 || code > 4999)) {
          throw new SpeechError('invalid-input', `WebSocket close code must be 1000 or 3000-4999, got ${code}.`);
        }
        socket.close(code, reason);
      },
      get readyState() {
        return socket?.readyState ?? CLOSED;
      },
      get protocol() {
        return socket?.protocol ?? '';
      },
      url: safeUrl,
    };

    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    deadline = timer(timeoutMs, options.scheduler ?? asyncScheduler).subscribe(() =>
      fail(new SpeechError('timeout', `WebSocket handshake with ${safeUrl} timed out after ${timeoutMs} ms.`, errorOptions)),
    );
    try {
      socket = Ws !== undefined ? openWs(Ws, target, protocols, headers, events) : openGlobal(target, protocols, events);
    } catch (error) {
      // Constructors throw synchronously for malformed URLs or subprotocols.
      const reason = error instanceof Error ? error.message : String(error);
      fail(new SpeechError('invalid-input', `Cannot open a WebSocket to ${safeUrl}: ${redact(reason)}`, { ...errorOptions, cause: error }));
    }
  });
}
