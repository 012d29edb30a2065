/**
 * A Murf (Falcon) streaming test server (`/v1/speech/stream-input`), faithful to the documented
 * protocol: key in the `api-key` header or the `api-key`/`api_key` query parameter (HTTP 401
 * otherwise); `model`, `sample_rate`, `channel_type`, `format` query parameters; messages identified
 * by shape (`voice_config`, `text`/`context_id`/`end`, `clear`, buffer settings), snake_case or
 * camelCase; independent contexts on one socket; `{audio, context_id}` chunks with a 44-byte WAV
 * header on a context's first chunk when `format=WAV` (the default); `{final: true, context_id}`
 * after `end: true`; `clear` cancels text not yet synthesized while audio already started plays to
 * completion; close after 3 minutes without a message.
 */
import type http from 'node:http';
import { z } from 'zod';
import { BaseTestServer, type BaseServerOptions, type TestConnection, type UpgradeRejection } from '../base/server.js';
import type { Generation, ReceivedMessage } from '../base/recorder.js';
import { wavHeader } from '../base/pcm.js';
import type { ProviderErrorKind } from '../base/faults.js';

/** Murf's streaming formats. */
export const MURF_FORMATS = ['MP3', 'FLAC', 'WAV', 'ALAW', 'ULAW', 'OGG', 'PCM'] as const;
/** Murf's streaming sample rates. */
export const MURF_SAMPLE_RATES = [8000, 16000, 24000, 44100, 48000] as const;
/** Murf's streaming models. */
export const MURF_MODELS = ['FALCON', 'GEN2', 'falcon-2'] as const;
/** Murf closes a socket after this long without a message. */
export const MURF_IDLE_TIMEOUT_MS = 180_000;

/** Options of {@link MurfTestServer}. */
export interface MurfServerOptions extends BaseServerOptions {
  /** Contexts that may be active (not final, not cleared) at once per connection. Default 15. */
  readonly maxActiveContexts?: number;
  /** Longest text one message may carry, in characters. Default 3 000 [inferred]. */
  readonly maxTextChars?: number;
  /** WAV header on the first chunk of each context (default) or only of each connection. */
  readonly wavHeaderPer?: 'context' | 'connection';
  /** Name of the end-of-context flag the server sends. Default `'final'`. */
  readonly finalField?: 'final' | 'is_final' | 'isFinalAudio';
  /** Idle close in ms when no `idleCloseMs` fault is set. Default 180 000 (3 minutes). */
  readonly idleTimeoutMs?: number;
}

const Locale = z.string().regex(/^[a-z]{2}-[A-Z]{2}$/);
const VoiceConfig = z
  .object({
    voice_id: z.string().min(1).optional(),
    voiceId: z.string().min(1).optional(),
    style: z.string().optional(),
    rate: z.number().int().min(-50).max(50).optional(),
    pitch: z.number().int().min(-50).max(50).optional(),
    variation: z.number().int().min(0).max(5).optional(),
    locale: Locale.optional(),
    multi_native_locale: Locale.optional(),
    multiNativeLocale: Locale.optional(),
    pronunciation_dictionary: z
      .record(z.string(), z.object({ type: z.enum(['IPA', 'SAY_AS']), pronunciation: z.string() }))
      .optional(),
  })
  .passthrough();
const ClientMessage = z
  .object({
    voice_config: VoiceConfig.optional(),
    voiceConfig: VoiceConfig.optional(),
    context_id: z.string().min(1).optional(),
    text: z.string().optional(),
    end: z.boolean().optional(),
    clear: z.boolean().optional(),
    min_buffer_size: z.number().int().min(40).max(160).optional(),
    max_buffer_delay_in_ms: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
type ClientMessage = z.infer<typeof ClientMessage>;

/** One context on a Murf test connection. */
export interface MurfContext {
  readonly id: string;
  buffer: string;
  readonly queue: string[];
  generating: boolean;
  ended: boolean;
  cleared: boolean;
  finalSent: boolean;
  headerSent: boolean;
  flushTimer: NodeJS.Timeout | undefined;
}

/** Per-connection state of the Murf test server. */
export interface MurfConnectionState {
  readonly format: string;
  readonly sampleRate: number;
  readonly contexts: Map<string, MurfContext>;
  minBufferSize: number;
  maxBufferDelayMs: number;
  headerSent: boolean;
  stalled: boolean;
}

type Conn = TestConnection<MurfConnectionState>;

const DEFAULT_CONTEXT = '__default__';

/** The Murf test server. Start with {@link createMurfServer}. */
export class MurfTestServer extends BaseTestServer<MurfConnectionState> {
  readonly name = 'murf';
  protected readonly path = '/v1/speech/stream-input';
  protected override readonly pingResetsIdle = false;
  private readonly maxActiveContexts: number;
  private readonly maxTextChars: number;
  private readonly wavHeaderPer: 'context' | 'connection';
  private readonly finalField: 'final' | 'is_final' | 'isFinalAudio';
  private readonly idleTimeoutMs: number;

  constructor(options: MurfServerOptions = {}) {
    super(options);
    this.maxActiveContexts = options.maxActiveContexts ?? 15;
    this.maxTextChars = options.maxTextChars ?? 3_000;
    this.wavHeaderPer = options.wavHeaderPer ?? 'context';
    this.finalField = options.finalField ?? 'final';
    this.idleTimeoutMs = options.idleTimeoutMs ?? MURF_IDLE_TIMEOUT_MS;
  }

  protected override authenticateUpgrade(req: http.IncomingMessage, url: URL): UpgradeRejection | undefined {
    const header = req.headers['api-key'];
    const key = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('api-key') ?? url.searchParams.get('api_key');
    if (key !== this.apiKey) {
      return { status: 401, body: JSON.stringify({ error: key ? 'Invalid API key' : 'Missing API key' }) };
    }
    const bad = (name: string, value: string | null, allowed: readonly (string | number)[]): UpgradeRejection | undefined => {
      if (value === null || allowed.map(String).includes(value)) return undefined;
      const id = this.upgrades.at(-1)?.connectionId ?? 0;
      this.violations.push({ connectionId: id, at: this.now(), rule: 'bad-query-parameter', message: `${name}=${value} is not one of ${allowed.join(', ')}` });
      return { status: 400, body: JSON.stringify({ error: `Invalid ${name}` }) };
    };
    return (
      bad('model', url.searchParams.get('model'), MURF_MODELS) ??
      bad('sample_rate', url.searchParams.get('sample_rate'), MURF_SAMPLE_RATES) ??
      bad('format', url.searchParams.get('format'), MURF_FORMATS) ??
      bad('channel_type', url.searchParams.get('channel_type'), ['MONO', 'STEREO'])
    );
  }

  protected createState(conn: Omit<Conn, 'state'>): MurfConnectionState {
    const model = conn.query.get('model') ?? 'FALCON';
    const rate = Number(conn.query.get('sample_rate') ?? (model === 'GEN2' ? 44_100 : 24_000));
    return {
      format: conn.query.get('format') ?? 'WAV',
      sampleRate: rate,
      contexts: new Map(),
      minBufferSize: 40,
      maxBufferDelayMs: 300,
      headerSent: false,
      stalled: false,
    };
  }

  protected onOpen(conn: Conn): void {
    if (this.faultsFor(conn).idleCloseMs === undefined) this.armDefaultIdle(conn);
  }

  private armDefaultIdle(conn: Conn): void {
    const st = conn.state as MurfConnectionState & { idleTimer?: NodeJS.Timeout };
    this.clearTimer(conn, st.idleTimer);
    st.idleTimer = this.setTimer(conn, this.idleTimeoutMs, () => this.onIdle(conn));
  }

  protected override onIdle(conn: Conn): void {
    conn.ws.close(1000, 'Connection closed due to inactivity');
  }

  protected onMessage(conn: Conn, message: ReceivedMessage): void {
    if (this.faultsFor(conn).idleCloseMs === undefined) this.armDefaultIdle(conn);
    if (message.binary || message.json === undefined || typeof message.json !== 'object' || message.json === null) {
      this.violation(conn, 'invalid-message', 'Murf accepts JSON objects only');
      this.send(conn, { error: 'Invalid message format' });
      return;
    }
    const parsed = ClientMessage.safeParse(message.json);
    if (!parsed.success) {
      this.violation(conn, 'invalid-message', `not a valid Murf message (${parsed.error.issues[0]?.message ?? 'invalid'}): ${message.text.slice(0, 200)}`);
      this.send(conn, { error: `Invalid message: ${parsed.error.issues[0]?.path.join('.') ?? ''}` });
      return;
    }
    const msg = parsed.data;
    const st = conn.state;
    if (msg.min_buffer_size !== undefined) st.minBufferSize = msg.min_buffer_size;
    if (msg.max_buffer_delay_in_ms !== undefined) st.maxBufferDelayMs = msg.max_buffer_delay_in_ms;
    const known =
      msg.voice_config !== undefined ||
      msg.voiceConfig !== undefined ||
      msg.text !== undefined ||
      msg.end !== undefined ||
      msg.clear !== undefined ||
      msg.min_buffer_size !== undefined ||
      msg.max_buffer_delay_in_ms !== undefined;
    if (!known) {
      this.violation(conn, 'unknown-message', `message has no known field: ${message.text.slice(0, 200)}`);
      this.send(conn, { error: 'Invalid message format' });
      return;
    }
    const ctxId = msg.context_id ?? DEFAULT_CONTEXT;
    const wire = msg.context_id === undefined ? {} : { context_id: msg.context_id };

    if (msg.clear === true) {
      const ctx = st.contexts.get(ctxId);
      if (ctx === undefined) {
        this.violation(conn, 'clear-unknown-context', `clear for unknown context ${ctxId}`);
        return;
      }
      ctx.cleared = true;
      ctx.queue.length = 0;
      ctx.buffer = '';
      this.clearTimer(conn, ctx.flushTimer);
      return;
    }
    if (msg.text === undefined && msg.end === undefined) return; // voice config / buffer settings only

    let ctx = st.contexts.get(ctxId);
    if (ctx !== undefined && (ctx.cleared || ctx.finalSent || (ctx.ended && msg.text !== undefined && msg.text !== ''))) {
      this.violation(conn, 'context-reused', `text sent on context ${ctxId} after it was ${ctx.cleared ? 'cleared' : 'ended'}`);
      return;
    }
    if (ctx === undefined) {
      if (msg.text === '' && msg.end !== true) return; // an empty text keeps the socket alive, opens nothing
      const active = [...st.contexts.values()].filter((c) => !c.cleared && !c.finalSent).length;
      if (active >= this.maxActiveContexts) {
        this.send(conn, { error: 'Concurrency limit exceeded: too many active contexts', ...wire });
        return;
      }
      ctx = { id: ctxId, buffer: '', queue: [], generating: false, ended: false, cleared: false, finalSent: false, headerSent: false, flushTimer: undefined };
      st.contexts.set(ctxId, ctx);
    }
    if (msg.text !== undefined && msg.text !== '') {
      const injected = this.countText(conn);
      if (injected !== undefined) {
        this.inject(conn, injected, wire);
        return;
      }
      if (msg.text.length > this.maxTextChars) {
        this.violation(conn, 'text-too-long', `text of ${msg.text.length} characters exceeds ${this.maxTextChars}`);
        this.inject(conn, 'text-too-long', wire);
        return;
      }
      ctx.buffer += msg.text;
      if (ctx.buffer.length >= st.minBufferSize) this.generateBuffer(conn, ctx, wire);
      else {
        this.clearTimer(conn, ctx.flushTimer);
        const c = ctx;
        ctx.flushTimer = this.setTimer(conn, st.maxBufferDelayMs, () => this.generateBuffer(conn, c, wire));
      }
    }
    if (msg.end === true) {
      ctx.ended = true;
      this.generateBuffer(conn, ctx, wire);
    }
  }

  protected override streamError(conn: Conn, kind: ProviderErrorKind, gen: Generation): void {
    this.inject(conn, kind, gen.key === undefined || gen.key === DEFAULT_CONTEXT ? {} : { context_id: gen.key });
  }

  private inject(conn: Conn, kind: ProviderErrorKind, wire: { context_id?: string }): void {
    switch (kind) {
      case 'auth':
        this.send(conn, { error: 'Invalid or expired API key' });
        conn.ws.close(1008, 'Unauthorized');
        return;
      case 'rate-limit':
        this.send(conn, { error: 'Rate limit exceeded: concurrency limit reached', ...wire });
        return;
      case 'text-too-long':
        this.send(conn, { error: `Text exceeds the maximum length of ${this.maxTextChars} characters`, ...wire });
        return;
      case 'server':
        this.send(conn, { error: 'Internal server error', ...wire });
        conn.ws.close(1011, 'Internal server error');
        return;
    }
  }

  private generateBuffer(conn: Conn, ctx: MurfContext, wire: { context_id?: string }): void {
    this.clearTimer(conn, ctx.flushTimer);
    ctx.flushTimer = undefined;
    if (ctx.buffer !== '') {
      ctx.queue.push(ctx.buffer);
      ctx.buffer = '';
    }
    if (!ctx.generating) void this.run(conn, ctx, wire);
  }

  private async run(conn: Conn, ctx: MurfContext, wire: { context_id?: string }): Promise<void> {
    const st = conn.state;
    ctx.generating = true;
    try {
      while (ctx.queue.length > 0 && !conn.closed && !st.stalled) {
        const text = ctx.queue.shift() ?? '';
        const { generation: gen, pcm } = this.synthesize(conn, text, st.sampleRate, ctx.id);
        const needHeader = st.format === 'WAV' && (this.wavHeaderPer === 'context' ? !ctx.headerSent : !st.headerSent);
        if (needHeader) {
          ctx.headerSent = true;
          st.headerSent = true;
        }
        const frames = this.audioChunks(pcm, st.sampleRate, needHeader ? wavHeader(st.sampleRate) : undefined).map((c) => ({
          samples: c.samples,
          data: { audio: c.data.toString('base64'), ...wire },
        }));
        // Audio already being synthesized plays to completion even after `clear` (documented).
        const outcome = await this.streamAudio(conn, gen, frames);
        if (outcome === 'stalled') {
          st.stalled = true;
          return;
        }
        if (outcome !== 'complete') return;
        this.endGeneration(gen, ctx.cleared ? 'cancelled' : 'complete');
      }
      if (ctx.ended && !ctx.cleared && !ctx.finalSent && ctx.buffer === '' && ctx.queue.length === 0 && !conn.closed && !st.stalled) {
        ctx.finalSent = true;
        this.send(conn, { [this.finalField]: true, ...wire });
        this.changed();
      }
    } finally {
      ctx.generating = false;
    }
  }
}

/** Starts a Murf test server on 127.0.0.1 (ephemeral port). */
export function createMurfServer(options: MurfServerOptions = {}): Promise<MurfTestServer> {
  return new MurfTestServer(options).listen();
}
