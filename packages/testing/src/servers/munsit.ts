/**
 * A Munsit realtime test server (`/api/v1/websocket/text-to-speech`), faithful to the documented
 * protocol and its quirks:
 * - the key in the `x-api-key` query parameter or `x_api_key` in `initConnection` (a header or
 *   Bearer key is not accepted: error 40101, as a probe reported);
 * - `initConnection` first, answered by `{type: "connectionInitialized"}`;
 * - `text` messages buffered until `flush: true`; each flush is one generation whose audio comes as
 *   **untyped** `{audio, sampleRate, isFinal: false}` chunks followed by `{audio: "", sampleRate,
 *   isFinal: true}` (this per-flush `isFinal` is an assumption, see docs/providers/munsit.md);
 * - errors as `{type: "error", errorCode: <int>, errorMessage}` (40101 auth, 40001 invalid input);
 * - `closeConnection`; `clear` (unverified) drops the buffer and the queued generations;
 * - a `silent` mode: `connectionInitialized`, then never any audio (what a probe observed);
 * - the HTTP streaming endpoint on a second port ({@link MunsitHttpTestServer}), `httpBaseUrl`.
 */
import { z } from 'zod';
import { BaseTestServer, type BaseServerOptions, type TestConnection } from '../base/server.js';
import type { ReceivedMessage } from '../base/recorder.js';
import type { ProviderErrorKind } from '../base/faults.js';
import { MunsitHttpTestServer, type MunsitHttpFaults } from './munsit-http.js';

/** The WebSocket path. */
export const MUNSIT_WS_PATH = '/api/v1/websocket/text-to-speech';
/** Output formats and their sample rates. */
export const MUNSIT_FORMAT_RATES: Readonly<Record<string, number>> = {
  pcm_8000: 8000,
  pcm_16000: 16000,
  pcm_22050: 22050,
  pcm_24000: 24000,
};

/** The error frames the server sends, by fault kind. Only 40101 and 40001 are documented. */
export const MUNSIT_ERRORS: Readonly<Record<ProviderErrorKind | 'invalid', { errorCode: number; errorMessage: string }>> = {
  auth: { errorCode: 40101, errorMessage: 'Unauthorized: invalid or missing API key' },
  invalid: { errorCode: 40001, errorMessage: 'Invalid message' },
  'rate-limit': { errorCode: 42901, errorMessage: 'Rate limit exceeded' },
  'text-too-long': { errorCode: 40002, errorMessage: 'Text too long: exceeds the maximum length' },
  server: { errorCode: 50001, errorMessage: 'Internal server error' },
};

/** Options of {@link MunsitTestServer}. */
export interface MunsitServerOptions extends BaseServerOptions {
  /** Answer `connectionInitialized`, record the text, never send audio (the reported live behaviour). */
  readonly silent?: boolean;
  /** Silent for the first N connections only (then normal). Default: all, when `silent`. */
  readonly silentConnections?: number;
  /** Faults of the HTTP endpoint. */
  readonly httpFaults?: MunsitHttpFaults;
  /** Voices the server knows; an unknown `voice_id` gets error 40001. Default: any voice. */
  readonly voices?: readonly string[];
}

const VoiceSettings = z
  .object({
    stability: z.number().min(0).max(1).optional(),
    similarity_boost: z.number().min(0).max(1).optional(),
    speed: z.number().min(0.7).max(1.2).optional(),
  })
  .strict();
const InitConnection = z
  .object({
    type: z.literal('initConnection'),
    model_id: z.string().min(1).optional(),
    voice_id: z.string().min(1),
    voice_settings: VoiceSettings.optional(),
    output_format: z.enum(['pcm_8000', 'pcm_16000', 'pcm_22050', 'pcm_24000']).optional(),
    x_api_key: z.string().optional(),
  })
  .strict();
const TextMessage = z
  .object({ type: z.literal('text'), text: z.string(), flush: z.boolean().optional(), try_trigger_generation: z.boolean().optional() })
  .strict();
const ClientMessage = z.discriminatedUnion('type', [
  InitConnection,
  TextMessage,
  z.object({ type: z.literal('closeConnection') }).strict(),
  z.object({ type: z.literal('clear') }).strict(),
]);
type ClientMessage = z.infer<typeof ClientMessage>;

/** Per-connection state of the Munsit test server. */
export interface MunsitConnectionState {
  /** `initConnection` received and accepted. */
  initialized: boolean;
  /** `connectionInitialized` sent. */
  ready: boolean;
  sampleRate: number;
  buffer: string;
  readonly queue: string[];
  generating: boolean;
  stalled: boolean;
  silent: boolean;
  /** Generation counter, bumped by `clear` to abandon the running one. */
  epoch: number;
  init: z.infer<typeof InitConnection> | undefined;
}

type Conn = TestConnection<MunsitConnectionState>;

/** The Munsit test server (WebSocket, plus the HTTP endpoint in {@link MunsitTestServer.http}). */
export class MunsitTestServer extends BaseTestServer<MunsitConnectionState> {
  readonly name = 'munsit';
  protected readonly path = MUNSIT_WS_PATH;
  protected override readonly hasAppHandshake = true;
  /** The HTTP streaming endpoint (own port). */
  readonly http: MunsitHttpTestServer;
  /** Silent mode; may be changed between tests. */
  silent: boolean;
  private readonly silentConnections: number | undefined;
  private readonly voices: readonly string[] | undefined;

  constructor(options: MunsitServerOptions = {}) {
    super(options);
    this.silent = options.silent ?? false;
    this.silentConnections = options.silentConnections;
    this.voices = options.voices;
    this.http = new MunsitHttpTestServer({
      apiKey: this.apiKey,
      chunkMs: this.chunkMs,
      msPerChar: this.msPerChar,
      oddChunks: this.oddChunks,
      ...(options.httpFaults ? { faults: options.httpFaults } : {}),
      generations: this.generations,
      violations: this.violations,
      onChange: () => this.changed(),
    });
  }

  /** `http://127.0.0.1:PORT` of the HTTP endpoint: pass as the adapter's `httpBaseUrl`. */
  get httpBaseUrl(): string {
    return this.http.baseUrl;
  }

  override async listen(): Promise<this> {
    await super.listen();
    await this.http.listen();
    return this;
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.http.close()]);
  }

  override resetRecords(): void {
    super.resetRecords();
    this.http.requests.length = 0;
  }

  protected createState(conn: Omit<Conn, 'state'>): MunsitConnectionState {
    const silent = this.silent && (this.silentConnections === undefined || conn.id <= this.silentConnections);
    return { initialized: false, ready: false, sampleRate: 24_000, buffer: '', queue: [], generating: false, stalled: false, silent, epoch: 0, init: undefined };
  }

  protected onOpen(_conn: Conn): void {
    // Nothing until initConnection. A key in a header (x-api-key, Bearer) is not read by the
    // socket: without the query parameter or x_api_key the init fails with 40101.
  }

  protected override onIdle(conn: Conn): void {
    conn.ws.close(1000, 'Idle timeout');
  }

  protected onMessage(conn: Conn, message: ReceivedMessage): void {
    const st = conn.state;
    if (message.binary || message.json === undefined) {
      this.violation(conn, 'invalid-message', `Munsit accepts JSON text frames only, got ${message.binary ? 'a binary frame' : 'invalid JSON'}`);
      this.sendError(conn, 'invalid');
      return;
    }
    const parsed = ClientMessage.safeParse(message.json);
    if (!parsed.success) {
      const type = (message.json as { type?: unknown } | null)?.type;
      this.violation(
        conn,
        typeof type === 'string' && !['initConnection', 'text', 'closeConnection', 'clear'].includes(type) ? 'unknown-message' : 'invalid-message',
        `not a valid Munsit message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
      this.sendError(conn, 'invalid');
      return;
    }
    const msg: ClientMessage = parsed.data;
    if (msg.type === 'initConnection') {
      this.onInit(conn, msg);
      return;
    }
    if (!st.initialized) {
      this.violation(conn, 'init-not-first', `the first message must be initConnection, got ${msg.type}`);
      this.sendError(conn, 'invalid', 'Connection not initialized');
      return;
    }
    switch (msg.type) {
      case 'text': {
        if (!st.ready) this.violation(conn, 'text-before-initialized', 'text sent before connectionInitialized arrived');
        const injected = this.countText(conn);
        if (injected !== undefined) {
          this.sendError(conn, injected);
          if (injected === 'auth') conn.ws.close(1008, 'Unauthorized');
          return;
        }
        if (msg.text === '' && msg.flush !== true) this.violation(conn, 'empty-text', 'an empty text message without flush does nothing');
        st.buffer += msg.text;
        if (msg.flush === true && st.buffer.trim() !== '') {
          st.queue.push(st.buffer);
          st.buffer = '';
          if (!st.generating) void this.run(conn);
        }
        return;
      }
      case 'closeConnection':
        conn.ws.close(1000, 'closeConnection');
        return;
      case 'clear':
        st.buffer = '';
        st.queue.length = 0;
        st.epoch++;
        return;
    }
  }

  private onInit(conn: Conn, msg: z.infer<typeof InitConnection>): void {
    const st = conn.state;
    if (st.initialized) {
      this.violation(conn, 'duplicate-init', 'initConnection sent twice');
      this.sendError(conn, 'invalid', 'Connection already initialized');
      return;
    }
    const key = conn.query.get('x-api-key') ?? msg.x_api_key;
    if (key !== this.apiKey) {
      this.sendError(conn, 'auth');
      conn.ws.close(1008, 'Unauthorized');
      return;
    }
    if (this.voices !== undefined && !this.voices.includes(msg.voice_id)) {
      this.sendError(conn, 'invalid', `Unknown voice_id ${msg.voice_id}`);
      return;
    }
    st.initialized = true;
    st.init = msg;
    st.sampleRate = MUNSIT_FORMAT_RATES[msg.output_format ?? 'pcm_24000'] ?? 24_000;
    this.afterHandshakeDelay(conn, () => {
      st.ready = true;
      this.send(conn, { type: 'connectionInitialized' });
    });
  }

  protected override streamError(conn: Conn, kind: ProviderErrorKind): void {
    this.sendError(conn, kind);
    if (kind === 'auth') conn.ws.close(1008, 'Unauthorized');
  }

  private sendError(conn: Conn, kind: ProviderErrorKind | 'invalid', message?: string): void {
    const body = MUNSIT_ERRORS[kind];
    this.send(conn, { type: 'error', errorCode: body.errorCode, errorMessage: message ?? body.errorMessage });
  }

  private async run(conn: Conn): Promise<void> {
    const st = conn.state;
    st.generating = true;
    try {
      while (st.queue.length > 0 && !conn.closed && !st.stalled) {
        const text = st.queue.shift() ?? '';
        const epoch = st.epoch;
        const rate = st.sampleRate;
        const { generation: gen, pcm } = this.synthesize(conn, text, rate);
        if (st.silent) {
          this.endGeneration(gen, 'stalled');
          continue;
        }
        const frames = this.audioChunks(pcm, rate).map((c) => ({
          samples: c.samples,
          data: { audio: c.data.toString('base64'), sampleRate: rate, isFinal: false },
        }));
        const outcome = await this.streamAudio(conn, gen, frames, () => st.epoch === epoch);
        if (outcome === 'stalled') {
          st.stalled = true;
          return;
        }
        if (outcome !== 'complete') {
          if (outcome === 'aborted') continue;
          return;
        }
        this.endGeneration(gen, 'complete');
        this.send(conn, { audio: '', sampleRate: rate, isFinal: true });
      }
    } finally {
      st.generating = false;
    }
  }
}

/** Starts a Munsit test server (WebSocket and HTTP endpoints) on 127.0.0.1, ephemeral ports. */
export function createMunsitServer(options: MunsitServerOptions = {}): Promise<MunsitTestServer> {
  return new MunsitTestServer(options).listen();
}
