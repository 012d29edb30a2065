/**
 * OpenAI's speech endpoint as a test server: `POST /v1/audio/speech` with `Authorization: Bearer`, a
 * JSON body validated as strictly as the real API, and the answer streamed in chunks whose boundaries
 * fall in the middle of a sample — a raw PCM body (`stream_format: 'audio'`) or server-sent events
 * (`'sse'`: `speech.audio.delta` with base64 audio, each event written in two pieces, then
 * `speech.audio.done` with usage). Bound to 127.0.0.1 on an ephemeral port.
 *
 * It implements {@link TestServer} so that the conformance suite can drive it. HTTP has no upgrade and
 * no handshake message, so the shared faults mean: a "connection" is a TCP connection (keep-alive
 * reuses it); `upgradeStatus` is the status of every request; `handshakeDelayMs`/`upgradeDelayMs`
 * delay the response headers and `withholdHandshake` never answers; `error` answers the N-th request
 * of a connection with the provider's error (401, 429 with `retry-after`, 400 too long, 500);
 * `dropAfterChunks`/`dropAfterMs` destroy the TCP connection; `malformedFrame` sends a broken SSE event
 * (or, for a raw body, a 200 HTML page); `neverEnd` stalls the body halfway; `idleCloseMs` closes an
 * idle keep-alive connection.
 */
import { listenOnLoopback, waitForChange } from '../base/loopback.js';
import http from 'node:http';
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { normalizeErrorFault, normalizeMalformedFault, type FaultOptions } from '../base/faults.js';
import { generatePcm, pcmToBytes, countChars } from '../base/pcm.js';
import { pcm16ChunkBytes, splitAudioBytes } from '../base/chunks.js';
import type { Generation, ReceivedMessage, UpgradeRecord, Violation } from '../base/recorder.js';
import { TEST_API_KEY, type BaseServerOptions, type TestServer } from '../base/server.js';
import {
  OPENAI_MAX_INPUT_CHARS,
  OPENAI_SPEECH_PATH,
  QUOTA_ANSWER,
  SERVER_ERROR_ANSWER,
  answerForStatus,
  checkSpeechBody,
  inputTooLongAnswer,
  invalidKeyAnswer,
  invalidRequestAnswer,
  rateLimitAnswer,
  sseEvent,
  type OpenAiErrorAnswer,
  type OpenAiSpeechBody,
} from './openai-wire.js';

export {
  OPENAI_TEST_MODELS,
  OPENAI_TEST_VOICES,
  OPENAI_RESPONSE_FORMATS,
  OPENAI_MAX_INPUT_CHARS,
  OPENAI_SPEECH_PATH,
  openAiSpeechBodySchema,
  checkSpeechBody,
  type OpenAiSpeechBody,
  type OpenAiErrorAnswer,
} from './openai-wire.js';

/** The sample rate of `response_format: 'pcm'`. */
export const OPENAI_PCM_RATE = 24_000;

/** Options of {@link OpenAiTestServer}. */
export interface OpenAiServerOptions extends BaseServerOptions {
  /** The `retry-after-ms` of the rate-limit error fault. Default 20. */
  readonly retryAfterMs?: number;
  /** Answer every request with a 429 `insufficient_quota` (an account without credit). */
  readonly noQuota?: boolean;
}

/** One TCP connection as the server sees it. */
interface SocketState {
  readonly id: number;
  readonly socket: Socket;
  readonly faulty: boolean;
  /** Requests received on it. */
  requests: number;
  /** Requests being answered. */
  inFlight: number;
  chunksSent: number;
  malformedSent: boolean;
  closed: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  readonly timers: Set<NodeJS.Timeout>;
}

/** The OpenAI speech test server. Create with {@link createOpenAiServer}. */
export class OpenAiTestServer implements TestServer {
  readonly name = 'openai';
  readonly received: ReceivedMessage[] = [];
  readonly violations: Violation[] = [];
  /** One record per HTTP request (the HTTP counterpart of an upgrade), with the status answered. */
  readonly upgrades: UpgradeRecord[] = [];
  readonly generations: Generation[] = [];
  faults: FaultOptions;
  readonly apiKey: string;
  private readonly options: OpenAiServerOptions;
  private readonly httpServer: http.Server;
  private readonly emitter = new EventEmitter();
  private readonly startedAt = performance.now();
  private readonly sockets = new Map<Socket, SocketState>();
  private nextSocketId = 1;
  private requestCount = 0;
  private listeningPort = 0;

  constructor(options: OpenAiServerOptions = {}) {
    this.options = options;
    this.faults = options.faults ?? {};
    this.apiKey = options.apiKey ?? TEST_API_KEY;
    this.emitter.setMaxListeners(0);
    this.httpServer = http.createServer((req, res) => this.handle(req, res));
    this.httpServer.on('connection', (socket: Socket) => this.accept(socket));
  }

  /** Starts listening on 127.0.0.1, on an ephemeral port. */
  async listen(): Promise<this> {
    this.listeningPort = await listenOnLoopback(this.httpServer);
    return this;
  }

  get port(): number {
    return this.listeningPort;
  }
  /** `http://127.0.0.1:PORT`: the adapter's `baseUrl` (the `/v1` prefix is the adapter's default). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.listeningPort}`;
  }
  get url(): string {
    return `${this.baseUrl}${OPENAI_SPEECH_PATH}`;
  }
  /** TCP connections accepted so far. */
  get connectionCount(): number {
    return this.nextSocketId - 1;
  }
  /** TCP connections open now. */
  get openConnections(): number {
    return this.sockets.size;
  }
  /** HTTP requests received so far. */
  get requestTotal(): number {
    return this.requestCount;
  }

  waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    return waitForChange(this.emitter, 'openai', predicate, timeoutMs);
  }


  resetRecords(): void {
    this.received.length = 0;
    this.violations.length = 0;
    this.upgrades.length = 0;
    this.generations.length = 0;
  }

  async close(): Promise<void> {
    for (const state of this.sockets.values()) state.socket.destroy();
    this.httpServer.closeAllConnections();
    await new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
  }

  // ---- connections ----

  private now(): number {
    return performance.now() - this.startedAt;
  }

  private changed(): void {
    this.emitter.emit('change');
  }

  private accept(socket: Socket): void {
    const id = this.nextSocketId++;
    const faulty = this.faults.faultyConnections === undefined || id <= this.faults.faultyConnections;
    const state: SocketState = { id, socket, faulty, requests: 0, inFlight: 0, chunksSent: 0, malformedSent: false, closed: false, idleTimer: undefined, timers: new Set() };
    this.sockets.set(socket, state);
    socket.on('close', () => {
      state.closed = true;
      for (const timer of state.timers) clearTimeout(timer);
      state.timers.clear();
      this.sockets.delete(socket);
      this.changed();
    });
    const faults = this.faultsFor(state);
    if (faults.dropAfterMs !== undefined) this.setTimer(state, faults.dropAfterMs, () => socket.destroy());
    this.armIdle(state);
    this.changed();
  }

  private faultsFor(state: SocketState): FaultOptions {
    return state.faulty ? this.faults : {};
  }

  private setTimer(state: SocketState, ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      if (!state.closed) fn();
    }, ms);
    state.timers.add(timer);
    return timer;
  }

  /** Closes a keep-alive connection that stays idle for `idleCloseMs` (as a load balancer does). */
  private armIdle(state: SocketState): void {
    if (state.idleTimer !== undefined) {
      clearTimeout(state.idleTimer);
      state.timers.delete(state.idleTimer);
      state.idleTimer = undefined;
    }
    const ms = this.faultsFor(state).idleCloseMs;
    if (ms === undefined || state.inFlight > 0) return;
    state.idleTimer = this.setTimer(state, ms, () => state.socket.end());
  }

  private violation(state: SocketState, rule: string, message: string): void {
    this.violations.push({ connectionId: state.id, at: this.now(), rule, message });
    this.changed();
  }

  // ---- requests ----

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const state = this.sockets.get(req.socket as Socket);
    if (!state) {
      res.writeHead(500).end();
      return;
    }
    state.inFlight++;
    this.armIdle(state);
    res.on('close', () => {
      state.inFlight--;
      this.armIdle(state);
      this.changed();
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.respond(state, req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        this.violation(state, 'server-crash', `the test server failed on a request: ${String(error)}`);
        res.destroy();
      });
    });
  }

  private async respond(state: SocketState, req: http.IncomingMessage, res: http.ServerResponse, bodyText: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      json = undefined;
    }
    this.requestCount++;
    state.requests++;
    const record: UpgradeRecord = { connectionId: state.id, at: this.now(), path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { ...req.headers } };
    this.upgrades.push(record);
    this.received.push({ connectionId: state.id, at: record.at, binary: false, text: bodyText, ...(json === undefined ? {} : { json }) });
    this.changed();
    const answer = (a: OpenAiErrorAnswer): void => {
      record.status = a.status;
      if (res.destroyed) return;
      const body = JSON.stringify({ error: a.error });
      res.writeHead(a.status, { 'content-type': 'application/json', 'x-request-id': requestId(), ...a.headers }).end(body);
      this.changed();
    };

    if (url.pathname !== OPENAI_SPEECH_PATH) {
      this.violation(state, 'wrong-path', `HTTP ${req.method ?? ''} ${url.pathname}, expected POST ${OPENAI_SPEECH_PATH}`);
      return answer({ status: 404, error: { message: `Invalid URL (${req.method ?? ''} ${url.pathname})`, type: 'invalid_request_error', param: null, code: null } });
    }
    if (req.method !== 'POST') {
      this.violation(state, 'wrong-method', `HTTP ${req.method ?? ''}, expected POST`);
      return answer({ status: 405, error: { message: 'Method not allowed', type: 'invalid_request_error', param: null, code: null } });
    }
    for (const key of url.searchParams.keys()) {
      if (/key|token/i.test(key)) this.violation(state, 'key-in-query', 'the API key belongs in the Authorization header, never in the URL');
    }
    const faults = this.faultsFor(state);
    const delay = (faults.upgradeDelayMs ?? 0) + (faults.handshakeDelayMs ?? 0);
    if (faults.withholdHandshake) return; // never answered: the client has to give up
    if (delay > 0) {
      await new Promise<void>((resolve) => this.setTimer(state, delay, resolve));
      if (state.closed || res.destroyed) return;
    }
    const auth = req.headers.authorization;
    const given = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (faults.upgradeStatus !== undefined) return answer(answerForStatus(faults.upgradeStatus, given));
    if (given !== this.apiKey) return answer(invalidKeyAnswer(given));
    if (this.options.noQuota) return answer(QUOTA_ANSWER);
    const errorFault = normalizeErrorFault(faults.error);
    if (errorFault && errorFault.onText === state.requests) {
      if (errorFault.kind === 'auth') return answer(invalidKeyAnswer(`${given}x`));
      if (errorFault.kind === 'rate-limit') return answer(rateLimitAnswer(this.options.retryAfterMs ?? 20));
      if (errorFault.kind === 'text-too-long') return answer(inputTooLongAnswer(OPENAI_MAX_INPUT_CHARS + 1));
      return answer(SERVER_ERROR_ANSWER);
    }
    const problem = checkSpeechBody(json);
    if (typeof problem !== 'object' || 'status' in problem) {
      const a = typeof problem === 'string' ? invalidRequestAnswer(problem, null) : problem;
      this.violation(state, 'invalid-body', a.error.message);
      return answer(a);
    }
    await this.stream(state, res, record, problem);
  }

  /** Streams the tagged audio of `body.input` as a raw body or as SSE, applying the chunk faults. */
  private async stream(state: SocketState, res: http.ServerResponse, record: UpgradeRecord, body: OpenAiSpeechBody): Promise<void> {
    const faults = this.faultsFor(state);
    const sse = body.stream_format === 'sse';
    const malformed = normalizeMalformedFault(faults.malformedFrame);
    record.status = 200;
    if (malformed && !sse && !state.malformedSent) {
      // A raw body has no frames to break: the broken answer is a 200 that is not audio (a proxy's page).
      state.malformedSent = true;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>502 Bad Gateway</body></html>');
      this.changed();
      return;
    }
    const id = this.generations.length + 1;
    const pcm = generatePcm(body.input, { sampleRate: OPENAI_PCM_RATE, msPerChar: this.options.msPerChar ?? 60, generation: id });
    const gen: Generation = { id, connectionId: state.id, key: `request-${this.requestCount}`, text: body.input, samples: pcm.length, samplesSent: 0, status: 'streaming' };
    this.generations.push(gen);
    res.writeHead(200, { 'content-type': sse ? 'text/event-stream; charset=utf-8' : 'audio/pcm', 'x-request-id': requestId(), 'cache-control': 'no-cache' });
    this.changed();
    const chunks = splitAudioBytes(pcmToBytes(pcm), { chunkBytes: pcm16ChunkBytes(OPENAI_PCM_RATE, this.options.chunkMs ?? 40), oddSplits: this.options.oddChunks ?? true });
    const limit = faults.neverEnd ? Math.max(1, Math.ceil(chunks.length / 2)) : chunks.length;
    // `error: { kind, afterChunks }` (the fault's mid-stream form): fires once this many chunks were sent on the connection.
    const midStreamError = normalizeErrorFault(faults.error)?.afterChunks;
    const end = (status: Generation['status']): void => {
      if (gen.status === 'streaming') gen.status = status;
      this.changed();
    };
    for (let i = 0; i < limit; i++) {
      await this.pause();
      if (res.destroyed || state.closed) return end('cancelled');
      if (sse && malformed && !state.malformedSent && state.chunksSent >= malformed.afterChunks) {
        state.malformedSent = true;
        res.write(sseEvent(malformed.frame));
      }
      const chunk = chunks[i];
      if (!chunk) break;
      if (sse) {
        // An event may arrive in pieces: write it in two, cut in the middle of the line.
        const text = sseEvent({ type: 'speech.audio.delta', audio: chunk.data.toString('base64') });
        const cut = Math.floor(text.length / 2) | 1;
        res.write(text.slice(0, cut));
        res.write(text.slice(cut));
      } else res.write(chunk.data);
      gen.samplesSent += chunk.samples;
      state.chunksSent++;
      this.changed();
      if (midStreamError !== undefined && state.chunksSent >= midStreamError) {
        // An error in the middle of the audio: an SSE error event then the end of the stream; a raw
        // body can carry no error, so it breaks off (the chunked body never gets its last chunk).
        end('error');
        if (sse) res.end(sseEvent({ type: 'error', error: { message: SERVER_ERROR_ANSWER.error.message, type: 'server_error', param: null, code: null } }));
        else res.destroy();
        return;
      }
      if (faults.dropAfterChunks !== undefined && state.chunksSent >= faults.dropAfterChunks) {
        end('dropped');
        state.socket.destroy();
        return;
      }
    }
    if (limit < chunks.length) return end('stalled'); // the body never ends
    if (sse) {
      const tokens = Math.max(1, Math.ceil(countChars(body.input) / 4));
      const output = Math.ceil(pcm.length / 480);
      res.write(sseEvent({ type: 'speech.audio.done', usage: { input_tokens: tokens, output_tokens: output, total_tokens: tokens + output } }));
    }
    res.end();
    end('complete');
  }

  private pause(): Promise<void> {
    const ms = this.options.chunkIntervalMs ?? 0;
    return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
  }
}

function requestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

/** Starts an {@link OpenAiTestServer} on 127.0.0.1 (ephemeral port). */
export function createOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  return new OpenAiTestServer(options).listen();
}
