/**
 * A Cartesia TTS WebSocket test server (`/tts/websocket`), faithful to the documented protocol and its
 * quirks:
 * - the API version is required (`cartesia_version` query, which wins, or `Cartesia-Version` header;
 *   HTTP 400 otherwise); the key in `X-API-Key`, `Authorization: Bearer`, or `api_key` / `access_token`
 *   in the query (HTTP 401 otherwise);
 * - generation requests on contexts: every input on a context must repeat the same fields but
 *   `transcript`, `continue`, `flush` and `duration` (else an error); transcripts are joined verbatim;
 *   `continue: false` (an empty transcript allowed) ends a context with `done`;
 * - contexts run concurrently: their chunks interleave; raw `pcm_s16le`/`pcm_f32le`/`pcm_mulaw`/
 *   `pcm_alaw` audio, split anywhere (a chunk may end inside a sample);
 * - `flush: true` (empty transcript, `continue: true`) ends a flush part: its chunks carry `flush_id`,
 *   then `flush_done`; `max_buffer_delay_ms` > 0 buffers text until a sentence ends or the delay passes;
 * - `add_timestamps` -> `timestamps` messages (`word_timestamps{words, start, end}` in seconds from the
 *   start of the context's audio);
 * - `cancel` is best effort: a generation under way still sends `lateChunksAfterCancel` chunks;
 * - a context expires `contextExpiryMs` (1 s) after its last audio; input on it is then an error;
 * - errors `{type: "error", done: true, status_code, context_id?, ...}`: structured (`error_code`,
 *   `title`, `message`, `request_id`) from version 2026-03-01, a plain `error` text before;
 * - a cap on active contexts (429 `concurrency_limited`), and an idle close after 5 minutes.
 */
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BaseTestServer, type BaseServerOptions, type TestConnection, type UpgradeRejection } from '../base/server.js';
import type { Generation, ReceivedMessage } from '../base/recorder.js';
import type { ProviderErrorKind } from '../base/faults.js';
import { CARTESIA_TEST_ENCODINGS, CARTESIA_TEST_SAMPLE_RATES, CartesiaCancel, CartesiaGeneration, encodeCartesiaAudio, type CartesiaTestEncoding } from './cartesia-wire.js';

export { CARTESIA_TEST_ENCODINGS, CARTESIA_TEST_SAMPLE_RATES, encodeCartesiaAudio, type CartesiaTestEncoding } from './cartesia-wire.js';

/** The WebSocket path. */
export const CARTESIA_WS_PATH = '/tts/websocket';
/** API versions the server accepts. */
export const CARTESIA_TEST_VERSIONS = ['2024-06-10', '2024-11-13', '2025-04-16', '2026-03-01'] as const;

/** Options of {@link CartesiaTestServer}. */
export interface CartesiaServerOptions extends BaseServerOptions {
  /** A context expires this long after its last audio (if not ended). Default 1 000 ms. */
  readonly contextExpiryMs?: number;
  /** Chunks a generation still sends after its context was cancelled. Default 2. */
  readonly lateChunksAfterCancel?: number;
  /** Active contexts allowed per connection (a plan's concurrency). Default 15. */
  readonly maxActiveContexts?: number;
  /** Idle close without a client message (ms), when no `idleCloseMs` fault is set. Default 300 000. */
  readonly idleTimeoutMs?: number;
}

/** One context as the server runs it. */
export interface CartesiaServerContext {
  readonly id: string;
  /** The fixed fields of its first input (JSON), compared with every later input. */
  readonly fields: string;
  readonly encoding: CartesiaTestEncoding;
  readonly sampleRate: number;
  readonly timestamps: boolean;
  readonly bufferDelayMs: number;
  /** Work in order: text to synthesize (tagged with its flush id) and flush marks. */
  readonly queue: ({ readonly text: string; readonly flushId: number } | { readonly flush: number })[];
  buffer: string;
  flushId: number;
  /** Seconds of audio sent on the context. */
  seconds: number;
  running: boolean;
  ended: boolean;
  cancelled: boolean;
  expired: boolean;
  doneSent: boolean;
  lateChunks: number;
  timer: NodeJS.Timeout | undefined;
}

/** Per-connection state. */
export interface CartesiaConnectionState {
  readonly version: string;
  readonly contexts: Map<string, CartesiaServerContext>;
  stalled: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  /** When the connection was last active: a client message, or audio sent (server clock, ms). */
  lastActivity: number;
}

type Conn = TestConnection<CartesiaConnectionState>;

const FIXED_EXCLUDED = new Set(['transcript', 'continue', 'flush', 'duration', 'context_id']);
const ERRORS: Readonly<Record<ProviderErrorKind | 'expired' | 'mismatch' | 'invalid' | 'ended', { status: number; code: string | null; title: string; message: string }>> = {
  auth: { status: 401, code: 'invalid_api_key', title: 'Unauthorized', message: 'Invalid API key.' },
  'rate-limit': { status: 429, code: 'concurrency_limited', title: 'Too many concurrent requests', message: "You have exceeded your plan's concurrency limit." },
  'text-too-long': { status: 400, code: 'transcript_too_long', title: 'Transcript too long', message: 'The transcript exceeds the maximum length.' },
  server: { status: 500, code: null, title: 'Internal server error', message: 'An unexpected error occurred.' },
  expired: { status: 400, code: 'context_expired', title: 'Context expired', message: 'The context has expired and cannot receive more input.' },
  mismatch: { status: 400, code: 'invalid_request', title: 'Invalid request', message: 'Inputs on a context must keep the same fields except transcript, continue and duration.' },
  invalid: { status: 400, code: 'invalid_request', title: 'Invalid request', message: 'The request is not valid.' },
  ended: { status: 400, code: 'invalid_request', title: 'Invalid request', message: 'The context was already ended with continue: false.' },
};

/** The Cartesia test server. Start with {@link createCartesiaServer}. */
export class CartesiaTestServer extends BaseTestServer<CartesiaConnectionState> {
  readonly name = 'cartesia';
  protected readonly path = CARTESIA_WS_PATH;
  /** Ids of the contexts that expired (about 1 s after their last audio, without `continue: false`). */
  readonly expiredContextIds: string[] = [];
  /** The most contexts active at once on one connection so far. */
  peakActiveContexts = 0;
  private readonly contextExpiryMs: number;
  private readonly lateChunksAfterCancel: number;
  private readonly maxActiveContexts: number;
  private readonly idleTimeoutMs: number;

  constructor(options: CartesiaServerOptions = {}) {
    super(options);
    this.contextExpiryMs = options.contextExpiryMs ?? 1_000;
    this.lateChunksAfterCancel = options.lateChunksAfterCancel ?? 2;
    this.maxActiveContexts = options.maxActiveContexts ?? 15;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  }

  protected override authenticateUpgrade(req: http.IncomingMessage, url: URL): UpgradeRejection | undefined {
    const header = (name: string): string | undefined => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    const bearer = header('authorization')?.replace(/^Bearer\s+/i, '');
    const key = header('x-api-key') ?? bearer ?? url.searchParams.get('api_key') ?? url.searchParams.get('access_token');
    if (key !== this.apiKey) return { status: 401, body: JSON.stringify({ error_code: 'invalid_api_key', title: 'Unauthorized', message: key ? 'Invalid API key.' : 'Missing API key.' }) };
    const version = url.searchParams.get('cartesia_version') ?? header('cartesia-version');
    if (version === undefined || version === null || !(CARTESIA_TEST_VERSIONS as readonly string[]).includes(version)) {
      const id = this.upgrades.at(-1)?.connectionId ?? 0;
      this.violations.push({ connectionId: id, at: this.now(), rule: 'bad-version', message: `cartesia_version ${version ?? '(missing)'} is not one of ${CARTESIA_TEST_VERSIONS.join(', ')}` });
      return { status: 400, body: JSON.stringify({ error_code: 'invalid_request', title: 'Invalid version', message: 'A valid Cartesia-Version is required.' }) };
    }
    return undefined;
  }

  protected createState(conn: Omit<Conn, 'state'>): CartesiaConnectionState {
    const header = conn.headers['cartesia-version'];
    return { version: conn.query.get('cartesia_version') ?? (typeof header === 'string' ? header : ''), contexts: new Map(), stalled: false, idleTimer: undefined, lastActivity: this.now() };
  }

  protected onOpen(conn: Conn): void {
    this.armIdle(conn);
  }

  /** Idle means no client message and no generation running: a connection busy streaming audio is not closed. */
  protected override onIdle(conn: Conn): void {
    const limit = this.faultsFor(conn).idleCloseMs ?? this.idleTimeoutMs;
    const busy = [...conn.state.contexts.values()].some((c) => c.running);
    const quietFor = this.now() - conn.state.lastActivity;
    if (!busy && quietFor >= limit - 1) return void conn.ws.close(1000, 'idle timeout');
    this.setTimer(conn, busy ? limit : Math.max(1, limit - quietFor), () => this.onIdle(conn));
  }

  private armIdle(conn: Conn): void {
    conn.state.lastActivity = this.now();
    if (this.faultsFor(conn).idleCloseMs !== undefined) return; // the base server's idle fault applies
    this.clearTimer(conn, conn.state.idleTimer);
    conn.state.idleTimer = this.setTimer(conn, this.idleTimeoutMs, () => this.onIdle(conn));
  }

  /** Sends an error in the connection's API version's shape. */
  private error(conn: Conn, kind: keyof typeof ERRORS, contextId?: string): void {
    const e = ERRORS[kind];
    const base = { type: 'error', done: true, status_code: e.status, ...(contextId === undefined ? {} : { context_id: contextId }) };
    if (conn.state.version >= '2026-03-01') this.send(conn, { ...base, error_code: e.code, title: e.title, message: e.message, request_id: randomUUID() });
    else this.send(conn, { ...base, error: `${e.title}: ${e.message}` });
  }

  protected onMessage(conn: Conn, message: ReceivedMessage): void {
    this.armIdle(conn);
    const json = message.json as Record<string, unknown> | undefined;
    if (message.binary || typeof json !== 'object' || json === null) {
      this.violation(conn, 'invalid-message', 'Cartesia accepts JSON text frames only');
      return this.error(conn, 'invalid');
    }
    const contextId = typeof json['context_id'] === 'string' ? json['context_id'] : undefined;
    if (json['cancel'] !== undefined) {
      const cancel = CartesiaCancel.safeParse(json);
      if (!cancel.success) {
        this.violation(conn, 'invalid-message', `not a valid cancel request: ${message.text.slice(0, 200)}`);
        return this.error(conn, 'invalid', contextId);
      }
      return this.cancel(conn, cancel.data.context_id);
    }
    const parsed = CartesiaGeneration.safeParse(json);
    if (!parsed.success) {
      this.violation(conn, 'invalid-message', `not a valid generation request (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
      return this.error(conn, 'invalid', contextId);
    }
    this.onGeneration(conn, parsed.data, json);
  }

  private cancel(conn: Conn, id: string): void {
    const c = conn.state.contexts.get(id);
    if (c === undefined || c.cancelled || c.doneSent || c.expired) return; // nothing to stop
    c.cancelled = true;
    c.queue.length = 0;
    c.buffer = '';
    c.lateChunks = this.lateChunksAfterCancel;
    this.clearTimer(conn, c.timer);
    this.changed();
  }

  private active(conn: Conn): number {
    return [...conn.state.contexts.values()].filter((c) => !c.cancelled && !c.doneSent && !c.expired).length;
  }

  private onGeneration(conn: Conn, msg: z.infer<typeof CartesiaGeneration>, json: Record<string, unknown>): void {
    const st = conn.state;
    const id = msg.context_id ?? randomUUID();
    const fields = JSON.stringify(Object.fromEntries(Object.entries(json).filter(([k]) => !FIXED_EXCLUDED.has(k)).sort(([a], [b]) => a.localeCompare(b))));
    let c = st.contexts.get(id);
    if (c?.expired) {
      this.violation(conn, 'context-expired', `input on context ${id} after it expired`);
      return this.error(conn, 'expired', id);
    }
    if (c !== undefined && (c.cancelled || c.doneSent)) {
      this.violation(conn, 'context-reused', `input on context ${id} after it was ${c.cancelled ? 'cancelled' : 'done'}`);
      return this.error(conn, 'ended', id);
    }
    if (c !== undefined && c.fields !== fields) {
      this.violation(conn, 'fields-changed', `input on context ${id} changed its fixed fields`);
      return this.error(conn, 'mismatch', id);
    }
    if (c?.ended) {
      this.violation(conn, 'context-ended', `input on context ${id} after continue: false`);
      return this.error(conn, 'ended', id);
    }
    if (c === undefined) {
      if (this.active(conn) >= this.maxActiveContexts) return this.error(conn, 'rate-limit', id);
      const format = msg.output_format;
      c = {
        id, fields, encoding: format.encoding, sampleRate: format.sample_rate, timestamps: msg.add_timestamps === true,
        bufferDelayMs: msg.max_buffer_delay_ms ?? 3000, queue: [], buffer: '', flushId: 1, seconds: 0,
        running: false, ended: false, cancelled: false, expired: false, doneSent: false, lateChunks: 0, timer: undefined,
      };
      st.contexts.set(id, c);
      this.peakActiveContexts = Math.max(this.peakActiveContexts, this.active(conn));
    }
    this.clearTimer(conn, c.timer); // input keeps a context alive
    c.timer = undefined;
    if (msg.transcript !== '') {
      const injected = this.countText(conn);
      if (injected !== undefined) return this.inject(conn, injected, c);
      c.buffer += msg.transcript;
    }
    const ends = msg.continue !== true;
    if (msg.flush === true || ends || c.bufferDelayMs === 0 || /[.!?;:]\s*$/.test(c.buffer)) this.release(c);
    else if (c.buffer !== '') {
      const ctx = c;
      c.timer = this.setTimer(conn, c.bufferDelayMs, () => {
        this.release(ctx);
        void this.run(conn, ctx);
      });
    }
    if (msg.flush === true) c.queue.push({ flush: c.flushId++ });
    if (ends) c.ended = true;
    void this.run(conn, c);
  }

  /** Moves buffered text to the generation queue. */
  private release(c: CartesiaServerContext): void {
    if (c.buffer !== '') c.queue.push({ text: c.buffer, flushId: c.flushId });
    c.buffer = '';
  }

  /** The `error` fault in the middle of a generation: Cartesia's error frame for its context. */
  protected override streamError(conn: Conn, kind: ProviderErrorKind, gen: Generation): void {
    const c = gen.key === undefined ? undefined : conn.state.contexts.get(gen.key);
    if (c === undefined) return super.streamError(conn, kind, gen);
    this.inject(conn, kind, c);
  }

  private inject(conn: Conn, kind: ProviderErrorKind, c: CartesiaServerContext): void {
    if (kind === 'auth') {
      this.error(conn, 'auth');
      conn.ws.close(1008, 'Unauthorized');
      return;
    }
    c.cancelled = true; // the context is over: an error is `done: true`
    c.queue.length = 0;
    this.error(conn, kind, c.id);
    if (kind === 'server') conn.ws.close(1011, 'Internal server error');
  }

  private async run(conn: Conn, c: CartesiaServerContext): Promise<void> {
    if (c.running) return;
    c.running = true;
    try {
      while (c.queue.length > 0 && !conn.closed && !conn.state.stalled && !c.cancelled) {
        const item = c.queue.shift();
        if (item === undefined) break;
        if ('flush' in item) {
          this.send(conn, { type: 'flush_done', done: false, flush_done: true, flush_id: item.flush, status_code: 206, context_id: c.id });
          continue;
        }
        if (!(await this.speak(conn, c, item.text, item.flushId))) return;
      }
      if (conn.closed || conn.state.stalled || c.cancelled || c.buffer !== '') return;
      if (c.ended && !c.doneSent) {
        c.doneSent = true;
        this.send(conn, { type: 'done', done: true, status_code: 206, context_id: c.id });
        this.changed();
      } else if (!c.ended && c.timer === undefined) {
        c.timer = this.setTimer(conn, this.contextExpiryMs, () => {
          c.expired = true;
          this.expiredContextIds.push(c.id);
          this.changed();
        });
      }
    } finally {
      c.running = false;
      conn.state.lastActivity = this.now();
    }
  }

  /** Streams one text's audio and its word timestamps; false when the context or connection stopped. */
  private async speak(conn: Conn, c: CartesiaServerContext, text: string, flushId: number): Promise<boolean> {
    const { generation, pcm } = this.synthesize(conn, text, c.sampleRate, c.id);
    const bytes = encodeCartesiaAudio(pcm, c.encoding);
    const bytesPerSample = c.encoding === 'pcm_f32le' ? 4 : c.encoding === 'pcm_s16le' ? 2 : 1;
    const frames = this.audioChunks({ bytes, bytesPerSample }, c.sampleRate).map((chunk) => ({
      samples: chunk.samples,
      data: { type: 'chunk', data: chunk.data.toString('base64'), done: false, status_code: 206, step_time: 12, context_id: c.id, flush_id: flushId },
    }));
    // Word timings go out as their audio does (each batch once its words' audio was sent), as on the real service.
    const words = c.timestamps ? this.words(text, c.seconds) : undefined;
    let told = 0;
    const tell = (samplesSent: number): void => {
      if (words === undefined || c.cancelled) return;
      let upTo = told;
      while (upTo < words.words.length && ((words.end[upTo] ?? 0) - c.seconds) * c.sampleRate <= samplesSent + 1) upTo++;
      if (upTo === told) return;
      const part = { words: words.words.slice(told, upTo), start: words.start.slice(told, upTo), end: words.end.slice(told, upTo) };
      told = upTo;
      this.send(conn, { type: 'timestamps', done: false, status_code: 206, context_id: c.id, flush_id: flushId, word_timestamps: part });
    };
    const outcome = await this.streamAudio(conn, generation, frames, () => {
      tell(generation.samplesSent);
      return !c.cancelled || c.lateChunks-- > 0;
    });
    if (outcome === 'stalled') conn.state.stalled = true;
    if (outcome !== 'complete') return false;
    tell(Number.POSITIVE_INFINITY);
    this.endGeneration(generation, c.cancelled ? 'cancelled' : 'complete');
    c.seconds += pcm.length / c.sampleRate;
    return !c.cancelled;
  }

  /** Word timings of `text` whose audio starts at `offset` seconds of the context. */
  private words(text: string, offset: number): { words: string[]; start: number[]; end: number[] } {
    const out = { words: [] as string[], start: [] as number[], end: [] as number[] };
    const chars = [...text];
    const perChar = this.msPerChar / 1000;
    let i = 0;
    while (i < chars.length) {
      while (i < chars.length && /\s/u.test(chars[i] ?? '')) i++;
      const from = i;
      while (i < chars.length && !/\s/u.test(chars[i] ?? '')) i++;
      if (i === from) break;
      out.words.push(chars.slice(from, i).join(''));
      out.start.push(Number((offset + from * perChar).toFixed(4)));
      out.end.push(Number((offset + i * perChar).toFixed(4)));
    }
    return out;
  }
}

/** Starts a Cartesia test server on 127.0.0.1 (ephemeral port). */
export function createCartesiaServer(options: CartesiaServerOptions = {}): Promise<CartesiaTestServer> {
  return new CartesiaTestServer(options).listen();
}
