/**
 * The base of every protocol test server: a `ws` WebSocketServer on an `http.Server` bound to
 * 127.0.0.1 on an ephemeral port, with recording, violation tracking and the shared faults.
 * Provider servers (murmr, Murf, Munsit, Uplift AI) extend {@link BaseTestServer}.
 */
import { listenOnLoopback, waitForChange } from './loopback.js';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { normalizeErrorFault, normalizeMalformedFault, type FaultOptions, type ProviderErrorKind } from './faults.js';
import { generatePcm, pcmToBytes } from './pcm.js';
import { pcm16ChunkBytes, splitAudioBytes, type AudioByteChunk } from './chunks.js';
import type { Generation, ReceivedMessage, UpgradeRecord, Violation } from './recorder.js';

/** The API key every test server accepts unless told otherwise. */
export const TEST_API_KEY = 'utter-test-key-0123456789abcdef';

/** What the conformance suite and tests need from any protocol test server. */
export interface TestServer {
  /** Provider name, e.g. `'murmr'`. */
  readonly name: string;
  /** `ws://127.0.0.1:PORT` — pass as an adapter's `baseUrl`. */
  readonly baseUrl: string;
  /** The full URL of the real endpoint path on this server, e.g. `ws://127.0.0.1:PORT/v1/realtime`. */
  readonly url: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The API key the server accepts. */
  readonly apiKey: string;
  /** Everything the client sent, in order. */
  readonly received: readonly ReceivedMessage[];
  /** Every protocol violation the client committed. */
  readonly violations: readonly Violation[];
  /** Every upgrade request. */
  readonly upgrades: readonly UpgradeRecord[];
  /** Every synthesis the server ran. */
  readonly generations: readonly Generation[];
  /** Connections accepted so far. */
  readonly connectionCount: number;
  /** Connections currently open. */
  readonly openConnections: number;
  /** The faults in force. May be replaced between tests. */
  faults: FaultOptions;
  /** Resolves once `predicate()` is true (re-checked on every server event); rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Forgets the recorded messages, violations, upgrades and generations. */
  resetRecords(): void;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/** Options every protocol test server takes. */
export interface BaseServerOptions {
  /** Faults to inject. */
  readonly faults?: FaultOptions;
  /** The API key the server accepts. Default {@link TEST_API_KEY}. */
  readonly apiKey?: string;
  /** Duration of each audio chunk, in ms. Default 40. */
  readonly chunkMs?: number;
  /** Milliseconds of audio per character of text. Default 60. */
  readonly msPerChar?: number;
  /** Wait this long between audio chunks (0: only yield to the event loop). Default 0. */
  readonly chunkIntervalMs?: number;
  /**
   * Cut audio payloads (base64 chunks, binary frames) at odd byte counts, so that every chunk ends in
   * the middle of a sample, as real services do (see {@link splitAudioBytes}). Default true: a test
   * server is no kinder than the service. Set false only to test something else in isolation.
   */
  readonly oddChunks?: boolean;
  /**
   * Where the server's time comes from, in ms (rate-limit windows, reported latencies). Default:
   * real time since the server started. Pass a virtual clock's `now` to test minute-long limits in
   * virtual time, on the same clock as the session.
   */
  readonly now?: () => number;
}

/** The HTTP answer to an upgrade the server refuses. */
export interface UpgradeRejection {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One client connection, as a provider server sees it. */
export interface TestConnection<S> {
  /** 1-based, in connection order. */
  readonly id: number;
  readonly ws: WebSocket;
  /** Request path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** Whether the faults apply to this connection. */
  readonly faulty: boolean;
  /** Provider-specific state. */
  readonly state: S;
  /** Audio chunks sent so far on this connection. */
  chunksSent: number;
  /** Text messages received so far (counted by the provider server through `countText`). */
  textsReceived: number;
  /** True once the socket closed (or was dropped). */
  closed: boolean;
  /** Whether the `malformedFrame` fault already fired on this connection. */
  malformedSent: boolean;
  /** Whether an `error` fault with `afterChunks` already fired on this connection. */
  streamErrorSent: boolean;
  /** Timers to clear on close. */
  readonly timers: Set<NodeJS.Timeout>;
}

/** How {@link BaseTestServer.streamAudio} ended. */
export type StreamOutcome = 'complete' | 'dropped' | 'stalled' | 'aborted' | 'closed' | 'error';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Base class of the protocol test servers. Subclasses set `name` and `path`, and implement
 * `createState`, `onOpen` and `onMessage`; they may override `authenticateUpgrade` and `onIdle`.
 *
 * Create with `await new XServer(options).listen()` (or the provider's `createXServer()` helper).
 */
export abstract class BaseTestServer<S> implements TestServer {
  /** Provider name. */
  abstract readonly name: string;
  /** The real endpoint path (e.g. `/v1/realtime`). Upgrades elsewhere get 404 and a violation. */
  protected abstract readonly path: string;
  /** Whether the protocol has its own handshake message (then `handshakeDelayMs` applies to it). */
  protected readonly hasAppHandshake: boolean = false;
  /** Whether a WebSocket ping from the client counts as activity for `idleCloseMs`. */
  protected readonly pingResetsIdle: boolean = true;

  readonly received: ReceivedMessage[] = [];
  readonly violations: Violation[] = [];
  readonly upgrades: UpgradeRecord[] = [];
  readonly generations: Generation[] = [];
  faults: FaultOptions;
  readonly apiKey: string;
  /** Audio chunk duration in ms. */
  protected readonly chunkMs: number;
  /** Milliseconds of audio per character. */
  protected readonly msPerChar: number;
  /** Delay between chunks in ms. */
  protected readonly chunkIntervalMs: number;
  /** Whether audio payloads are cut at odd byte counts. */
  protected readonly oddChunks: boolean;

  private readonly httpServer: http.Server;
  private readonly wss: WebSocketServer;
  private readonly startedAt = performance.now();
  private readonly clock: (() => number) | undefined;
  private readonly emitter = new EventEmitter();
  private readonly connections = new Set<TestConnection<S>>();
  private readonly pendingSockets = new Set<Duplex>();
  private nextId = 1;
  private listeningPort = 0;
  private closing = false;

  constructor(options: BaseServerOptions = {}) {
    this.faults = options.faults ?? {};
    this.apiKey = options.apiKey ?? TEST_API_KEY;
    this.chunkMs = options.chunkMs ?? 40;
    this.msPerChar = options.msPerChar ?? 60;
    this.chunkIntervalMs = options.chunkIntervalMs ?? 0;
    this.oddChunks = options.oddChunks ?? true;
    this.clock = options.now;
    this.emitter.setMaxListeners(0);
    this.httpServer = http.createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required');
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.httpServer.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket, head));
  }

  /** Starts listening on 127.0.0.1, on an ephemeral port. */
  async listen(): Promise<this> {
    this.listeningPort = await listenOnLoopback(this.httpServer);
    return this;
  }

  get port(): number {
    return this.listeningPort;
  }
  get baseUrl(): string {
    return `ws://127.0.0.1:${this.listeningPort}`;
  }
  get url(): string {
    return `${this.baseUrl}${this.path}`;
  }
  get connectionCount(): number {
    return this.nextId - 1;
  }
  get openConnections(): number {
    return this.connections.size;
  }

  waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    return waitForChange(this.emitter, this.name, predicate, timeoutMs);
  }


  resetRecords(): void {
    this.received.length = 0;
    this.violations.length = 0;
    this.upgrades.length = 0;
    this.generations.length = 0;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const conn of this.connections) this.drop(conn);
    for (const socket of this.pendingSockets) socket.destroy();
    this.pendingSockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.httpServer.closeAllConnections?.();
    await new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
  }

  // ---- hooks for provider servers ----

  /** Creates the provider-specific state of a new connection. */
  protected abstract createState(conn: Omit<TestConnection<S>, 'state'>): S;
  /** Called when a connection opened (after the upgrade). */
  protected abstract onOpen(conn: TestConnection<S>): void;
  /** Called for every client frame, after it was recorded. */
  protected abstract onMessage(conn: TestConnection<S>, message: ReceivedMessage): void;
  /** Called when a connection closed. */
  protected onClose(_conn: TestConnection<S>, _code: number, _reason: string): void {}
  /**
   * Checks the upgrade's credentials where the real service does so in the HTTP upgrade (header or
   * query). Return a rejection to refuse the upgrade with an HTTP status.
   */
  protected authenticateUpgrade(_req: http.IncomingMessage, _url: URL): UpgradeRejection | undefined {
    return undefined;
  }
  /**
   * Sends the provider's error of `kind` in the middle of `gen`'s audio (the `error` fault with
   * `afterChunks`); the generation stops there. Default: close the socket with 1011 (what any
   * WebSocket service does on an internal error). Provider servers send their own error frame.
   */
  protected streamError(conn: TestConnection<S>, _kind: ProviderErrorKind, _gen: Generation): void {
    conn.ws.close(1011, 'Internal server error');
  }
  /** Closes an idle connection the way the provider does (`faults.idleCloseMs`). Default: close 1000. */
  protected onIdle(conn: TestConnection<S>): void {
    conn.ws.close(1000, 'idle timeout');
  }

  // ---- helpers for provider servers ----

  /** Milliseconds since the server started. */
  protected now(): number {
    return this.clock ? this.clock() : performance.now() - this.startedAt;
  }

  /** Records a protocol violation. */
  protected violation(conn: TestConnection<S>, rule: string, message: string): void {
    this.violations.push({ connectionId: conn.id, at: this.now(), rule, message });
    this.changed();
  }

  /** Sends a JSON object, a string or binary data; a no-op once the connection closed. */
  protected send(conn: TestConnection<S>, data: object | string | Buffer): boolean {
    if (conn.closed || conn.ws.readyState !== WebSocket.OPEN) return false;
    if (Buffer.isBuffer(data)) conn.ws.send(data, { binary: true });
    else conn.ws.send(typeof data === 'string' ? data : JSON.stringify(data));
    return true;
  }

  /** Faults in force for this connection (empty for connections past `faultyConnections`). */
  protected faultsFor(conn: { readonly faulty: boolean }): FaultOptions {
    return conn.faulty ? this.faults : {};
  }

  /** Counts a text message; returns the provider error to answer it with, if the `error` fault says so. */
  protected countText(conn: TestConnection<S>): ProviderErrorKind | undefined {
    conn.textsReceived++;
    const fault = normalizeErrorFault(this.faultsFor(conn).error);
    return fault !== undefined && fault.onText === conn.textsReceived ? fault.kind : undefined;
  }

  /** Runs `fn` after the handshake delay fault (or at once); never, with `withholdHandshake`. */
  protected afterHandshakeDelay(conn: TestConnection<S>, fn: () => void): void {
    const faults = this.faultsFor(conn);
    if (faults.withholdHandshake) return;
    const delay = faults.handshakeDelayMs ?? 0;
    if (delay <= 0) fn();
    else this.setTimer(conn, delay, fn);
  }

  /** A timer cleared automatically when the connection closes. */
  protected setTimer(conn: TestConnection<S>, ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      conn.timers.delete(timer);
      if (!conn.closed) fn();
    }, ms);
    conn.timers.add(timer);
    return timer;
  }

  /** Clears a timer made by {@link setTimer}. */
  protected clearTimer(conn: TestConnection<S>, timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    conn.timers.delete(timer);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  protected drop(conn: TestConnection<S>): void {
    if (conn.closed) return;
    conn.ws.terminate();
  }

  /** Records a new generation and returns it (update `samplesSent`/`status` as it runs). */
  protected startGeneration(conn: TestConnection<S>, text: string, samples: number, key?: string): Generation {
    const gen: Generation = { id: this.generations.length + 1, connectionId: conn.id, ...(key === undefined ? {} : { key }), text, samples, samplesSent: 0, status: 'streaming' };
    this.generations.push(gen);
    this.changed();
    return gen;
  }

  /**
   * Synthesizes `text` as a new recorded generation: tagged test audio (see `generatePcm`'s
   * `generation`), so that every rendering differs and a test can decode what the listener heard.
   */
  protected synthesize(conn: TestConnection<S>, text: string, sampleRate: number, key?: string): { readonly generation: Generation; readonly pcm: Int16Array } {
    const pcm = generatePcm(text, { sampleRate, msPerChar: this.msPerChar, generation: this.generations.length + 1 });
    return { generation: this.startGeneration(conn, text, pcm.length, key), pcm };
  }

  /**
   * A generation's audio as wire chunks of about `chunkMs` each: PCM16 little-endian bytes (after
   * `header`, e.g. a WAV header, when given), cut at odd byte counts unless `oddChunks` is false.
   * Pass `bytes` instead of `pcm` for another wire encoding (`bytesPerSample` of it per sample).
   */
  protected audioChunks(
    audio: Int16Array | { readonly bytes: Uint8Array; readonly bytesPerSample: number },
    sampleRate: number,
    header?: Uint8Array,
  ): AudioByteChunk[] {
    const body = audio instanceof Int16Array ? pcmToBytes(audio) : audio.bytes;
    const bytesPerSample = audio instanceof Int16Array ? 2 : audio.bytesPerSample;
    const samplesPerChunk = pcm16ChunkBytes(sampleRate, this.chunkMs) / 2;
    return splitAudioBytes(header === undefined ? body : Buffer.concat([header, body]), {
      chunkBytes: samplesPerChunk * bytesPerSample,
      bytesPerSample,
      headerBytes: header?.byteLength ?? 0,
      oddSplits: this.oddChunks,
    });
  }

  /** Marks a generation ended. */
  protected endGeneration(gen: Generation, status: Generation['status']): void {
    if (gen.status === 'streaming') gen.status = status;
    this.changed();
  }

  /**
   * Sends audio frames one by one, yielding to the event loop (or waiting `chunkIntervalMs`)
   * between them, and applies the chunk faults: `malformedFrame`, `dropAfterChunks`, `neverEnd`.
   * `frames[i].samples` is counted into `gen.samplesSent`. `keepGoing` is checked before each
   * frame (return false to stop, e.g. on cancel).
   */
  protected async streamAudio(
    conn: TestConnection<S>,
    gen: Generation,
    frames: ReadonlyArray<{ readonly data: object | string | Buffer; readonly samples: number }>,
    keepGoing: () => boolean = () => true,
  ): Promise<StreamOutcome> {
    const faults = this.faultsFor(conn);
    const malformed = normalizeMalformedFault(faults.malformedFrame);
    const streamError = normalizeErrorFault(faults.error);
    const limit = faults.neverEnd ? Math.max(1, Math.ceil(frames.length / 2)) : frames.length;
    for (let i = 0; i < limit; i++) {
      await this.pause();
      if (conn.closed) {
        this.endGeneration(gen, 'dropped');
        return 'closed';
      }
      if (!keepGoing()) {
        this.endGeneration(gen, 'cancelled');
        return 'aborted';
      }
      if (malformed !== undefined && conn.chunksSent === malformed.afterChunks && !conn.malformedSent) {
        conn.malformedSent = true;
        this.send(conn, malformed.frame);
      }
      const frame = frames[i];
      if (frame === undefined) break;
      this.send(conn, frame.data);
      conn.chunksSent++;
      gen.samplesSent += frame.samples;
      this.changed();
      if (faults.dropAfterChunks !== undefined && conn.chunksSent >= faults.dropAfterChunks) {
        this.endGeneration(gen, 'dropped');
        this.drop(conn);
        return 'dropped';
      }
      if (streamError?.afterChunks !== undefined && conn.chunksSent >= streamError.afterChunks && !conn.streamErrorSent) {
        conn.streamErrorSent = true;
        this.endGeneration(gen, 'error');
        this.streamError(conn, streamError.kind, gen);
        return 'error';
      }
    }
    if (limit < frames.length) {
      this.endGeneration(gen, 'stalled');
      return 'stalled';
    }
    return 'complete';
  }

  /** Notifies `waitFor` waiters that something changed. */
  protected changed(): void {
    this.emitter.emit('change');
  }

  // ---- internals ----

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      if (this.chunkIntervalMs > 0) setTimeout(resolve, this.chunkIntervalMs);
      else setImmediate(resolve);
    });
  }

  private handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const id = this.nextId++;
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    const record: UpgradeRecord = {
      connectionId: id,
      at: this.now(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
    };
    this.upgrades.push(record);
    this.changed();
    const faulty = this.faults.faultyConnections === undefined || id <= this.faults.faultyConnections;
    const faults = faulty ? this.faults : {};
    this.pendingSockets.add(socket);
    socket.on('close', () => this.pendingSockets.delete(socket));
    socket.on('error', () => socket.destroy());

    const answer = (): void => {
      if (this.closing || socket.destroyed) return;
      const reject = (rejection: UpgradeRejection): void => {
        record.status = rejection.status;
        this.changed();
        this.writeRejection(socket, rejection);
      };
      if (url.pathname !== this.path) {
        this.violations.push({ connectionId: id, at: this.now(), rule: 'wrong-path', message: `upgrade on ${url.pathname}, expected ${this.path}` });
        reject({ status: 404, body: JSON.stringify({ error: 'Not Found' }) });
        return;
      }
      if (faults.upgradeStatus !== undefined) {
        const status = faults.upgradeStatus;
        reject({
          status,
          body: JSON.stringify({ error: STATUS_TEXT[status] ?? 'Error' }),
          ...(status === 429 ? { headers: { 'retry-after': '1' } } : {}),
        });
        return;
      }
      const rejection = this.authenticateUpgrade(req, url);
      if (rejection !== undefined) {
        reject(rejection);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.pendingSockets.delete(socket);
        record.status = 101;
        this.accept(id, ws, req, url, faulty);
      });
    };

    if (!this.hasAppHandshake && faults.withholdHandshake) return; // never answered
    const delay = (faults.upgradeDelayMs ?? 0) + (!this.hasAppHandshake ? faults.handshakeDelayMs ?? 0 : 0);
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  }

  private writeRejection(socket: Duplex, rejection: UpgradeRejection): void {
    const body = rejection.body ?? '';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
      ...rejection.headers,
    };
    const lines = [`HTTP/1.1 ${rejection.status} ${STATUS_TEXT[rejection.status] ?? 'Error'}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }

  private accept(id: number, ws: WebSocket, req: http.IncomingMessage, url: URL, faulty: boolean): void {
    const base = {
      id,
      ws,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      faulty,
      chunksSent: 0,
      textsReceived: 0,
      closed: false,
      malformedSent: false,
      streamErrorSent: false,
      timers: new Set<NodeJS.Timeout>(),
    };
    const conn = base as TestConnection<S>;
    (conn as { state: S }).state = this.createState(base);
    this.connections.add(conn);
    const faults = this.faultsFor(conn);

    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      if (faults.idleCloseMs === undefined) return;
      this.clearTimer(conn, idleTimer);
      idleTimer = this.setTimer(conn, faults.idleCloseMs, () => this.onIdle(conn));
    };
    armIdle();
    if (faults.dropAfterMs !== undefined) this.setTimer(conn, faults.dropAfterMs, () => this.drop(conn));

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const buf = rawToBuffer(data);
      const text = buf.toString('utf8');
      let json: unknown;
      if (!isBinary) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      const message: ReceivedMessage = { connectionId: id, at: this.now(), binary: isBinary, text, ...(json === undefined ? {} : { json }) };
      this.received.push(message);
      armIdle();
      try {
        this.onMessage(conn, message);
      } catch (error) {
        this.violation(conn, 'server-crash', `the test server failed on a message: ${String(error)}`);
      }
      this.changed();
    });
    ws.on('ping', () => {
      if (this.pingResetsIdle) armIdle();
    });
    ws.on('error', () => undefined);
    ws.on('close', (code: number, reason: Buffer) => {
      conn.closed = true;
      for (const timer of conn.timers) clearTimeout(timer);
      conn.timers.clear();
      this.connections.delete(conn);
      this.onClose(conn, code, reason.toString());
      this.changed();
    });
    this.onOpen(conn);
    this.changed();
  }
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
