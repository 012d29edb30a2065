/**
 * A murmr realtime test server (`/v1/realtime`), faithful to the documented protocol:
 * `config` (with `api_key`) within 10 s or close 4001; `config_ack` at once, then auth (close 4002 on a
 * bad key, text queued meanwhile is dropped); the 50/200/4096 buffering rule with one `done` per
 * generation; `flush`; `binary_mode` -> `binary_mode_ack` and raw PCM frames; `ping` -> `pong`;
 * close codes 4001–4005; 10 connections per key and 100 generations per minute.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BaseTestServer, type BaseServerOptions, type TestConnection } from '../base/server.js';
import type { ReceivedMessage } from '../base/recorder.js';
import type { ProviderErrorKind } from '../base/faults.js';
import { MURMR_MAX_BUFFER, murmrAppend, murmrFlush } from './murmr-buffer.js';

/** murmr's sample rate (fixed). */
export const MURMR_SAMPLE_RATE = 24_000;

/** Options of {@link MurmrTestServer}. */
export interface MurmrServerOptions extends BaseServerOptions {
  /** Close with 4001 when no `config` arrives within this many ms. Default 10 000. */
  readonly configTimeoutMs?: number;
  /** Time the server takes to check the key after `config_ack`, in ms. Default 0 (next tick). */
  readonly authDelayMs?: number;
  /** Concurrent authenticated connections per key. Default 10. */
  readonly maxConnections?: number;
  /** Generations per minute per key (sliding window). Default 100. */
  readonly generationsPerMinute?: number;
}

const ConfigMessage = z.object({
  type: z.literal('config'),
  api_key: z.string().min(1),
  voice_description: z.string().max(500).optional(),
  voice_clone_prompt: z.string().optional(),
  voice: z.string().optional(),
  language: z.string().optional(),
});
const ClientMessage = z.discriminatedUnion('type', [
  ConfigMessage,
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('flush') }),
  z.object({ type: z.literal('binary_mode') }),
  z.object({ type: z.literal('ping') }),
]);
type ClientMessage = z.infer<typeof ClientMessage>;

/** Per-connection state of the murmr test server. */
export interface MurmrConnectionState {
  configured: boolean;
  acked: boolean;
  authed: boolean;
  binary: boolean;
  buffer: string;
  readonly queue: string[];
  generating: boolean;
  stalled: boolean;
  readonly pending: ClientMessage[];
  configTimer: NodeJS.Timeout | undefined;
  sessionId: string;
  config: z.infer<typeof ConfigMessage> | undefined;
}

type Conn = TestConnection<MurmrConnectionState>;

/** The murmr test server. Start with {@link createMurmrServer}. */
export class MurmrTestServer extends BaseTestServer<MurmrConnectionState> {
  readonly name = 'murmr';
  protected readonly path = '/v1/realtime';
  protected override readonly hasAppHandshake = true;
  private readonly configTimeoutMs: number;
  private readonly authDelayMs: number;
  private readonly maxConnections: number;
  private readonly generationsPerMinute: number;
  private readonly generationTimes: number[] = [];
  private readonly authed = new Set<Conn>();

  constructor(options: MurmrServerOptions = {}) {
    super(options);
    this.configTimeoutMs = options.configTimeoutMs ?? 10_000;
    this.authDelayMs = options.authDelayMs ?? 0;
    this.maxConnections = options.maxConnections ?? 10;
    this.generationsPerMinute = options.generationsPerMinute ?? 100;
  }

  protected createState(): MurmrConnectionState {
    return {
      configured: false,
      acked: false,
      authed: false,
      binary: false,
      buffer: '',
      queue: [],
      generating: false,
      stalled: false,
      pending: [],
      configTimer: undefined,
      sessionId: randomUUID(),
      config: undefined,
    };
  }

  protected onOpen(conn: Conn): void {
    conn.state.configTimer = this.setTimer(conn, this.configTimeoutMs, () => conn.ws.close(4001, 'Config timeout'));
  }

  protected override onClose(conn: Conn): void {
    this.authed.delete(conn);
  }

  protected override onIdle(conn: Conn): void {
    conn.ws.close(1001, 'Going away: idle');
  }

  protected onMessage(conn: Conn, message: ReceivedMessage): void {
    const st = conn.state;
    if (message.binary || message.json === undefined) {
      this.violation(conn, 'invalid-message', `murmr accepts JSON text frames only, got ${message.binary ? 'a binary frame' : 'invalid JSON'}`);
      this.fail(conn, 4003, 'Invalid message');
      return;
    }
    const parsed = ClientMessage.safeParse(message.json);
    if (!parsed.success) {
      this.violation(conn, 'invalid-message', `not a valid murmr message: ${message.text.slice(0, 200)}`);
      this.fail(conn, 4003, 'Invalid message');
      return;
    }
    const msg = parsed.data;
    if (!st.configured) {
      if (msg.type !== 'config') {
        this.violation(conn, 'config-not-first', `the first message must be config, got ${msg.type}`);
        this.fail(conn, 4003, 'Expected config');
        return;
      }
      this.onConfig(conn, msg);
      return;
    }
    if (msg.type === 'config') {
      this.violation(conn, 'duplicate-config', 'config sent twice; the voice is fixed for the session');
      return;
    }
    if (msg.type === 'binary_mode' && !st.acked) {
      this.violation(conn, 'binary-mode-before-ack', 'binary_mode must be sent after config_ack');
    }
    if (!st.authed) {
      st.pending.push(msg);
      return;
    }
    this.handle(conn, msg);
  }

  private onConfig(conn: Conn, msg: z.infer<typeof ConfigMessage>): void {
    const st = conn.state;
    this.clearTimer(conn, st.configTimer);
    st.configured = true;
    st.config = msg;
    if (msg.voice_description !== undefined && msg.voice_clone_prompt !== undefined) {
      this.violation(conn, 'voice-conflict', 'config has both voice_description and voice_clone_prompt');
    }
    if (msg.voice !== undefined && msg.voice_clone_prompt === undefined) {
      this.violation(conn, 'voice-without-clone-prompt', 'a saved voice id needs voice_clone_prompt');
    }
    this.afterHandshakeDelay(conn, () => {
      st.acked = true;
      this.send(conn, { type: 'config_ack', session_id: st.sessionId });
      this.setTimer(conn, this.authDelayMs, () => this.authenticate(conn));
    });
  }

  private authenticate(conn: Conn): void {
    const st = conn.state;
    const faultKind = this.faultsFor(conn).error;
    const authFault = faultKind === 'auth' || (typeof faultKind === 'object' && faultKind.kind === 'auth');
    if (authFault || st.config?.api_key !== this.apiKey) {
      st.pending.length = 0;
      conn.ws.close(4002, 'Authentication failed');
      return;
    }
    if (this.authed.size >= this.maxConnections) {
      conn.ws.close(4004, 'Too many concurrent connections');
      return;
    }
    st.authed = true;
    this.authed.add(conn);
    for (const msg of st.pending.splice(0)) {
      if (conn.closed) return;
      this.handle(conn, msg);
    }
  }

  private handle(conn: Conn, msg: ClientMessage): void {
    const st = conn.state;
    switch (msg.type) {
      case 'binary_mode':
        st.binary = true;
        this.send(conn, { type: 'binary_mode_ack', sample_rate: MURMR_SAMPLE_RATE, format: 'pcm_s16le' });
        return;
      case 'ping':
        this.send(conn, { type: 'pong' });
        return;
      case 'flush': {
        const step = murmrFlush(st.buffer);
        st.buffer = step.buffer;
        this.enqueue(conn, step.generations);
        return;
      }
      case 'text': {
        const injected = this.countText(conn);
        if (injected !== undefined && injected !== 'auth') {
          this.inject(conn, injected);
          return;
        }
        if (st.buffer.length + msg.text.length > MURMR_MAX_BUFFER) {
          this.violation(conn, 'buffer-overflow', `text buffer would exceed ${MURMR_MAX_BUFFER} characters`);
          this.inject(conn, 'text-too-long');
          return;
        }
        const step = murmrAppend(st.buffer, msg.text);
        st.buffer = step.buffer;
        this.enqueue(conn, step.generations);
        return;
      }
      default:
        return;
    }
  }

  protected override streamError(conn: Conn, kind: ProviderErrorKind): void {
    this.inject(conn, kind);
  }

  private inject(conn: Conn, kind: ProviderErrorKind): void {
    switch (kind) {
      case 'auth':
        conn.ws.close(4002, 'Authentication failed');
        return;
      case 'rate-limit':
        conn.ws.close(4004, 'Rate limit exceeded');
        return;
      case 'text-too-long':
        conn.state.buffer = '';
        this.send(conn, { type: 'error', code: 4003, message: `Text buffer exceeds ${MURMR_MAX_BUFFER} characters` });
        return;
      case 'server':
        this.send(conn, { type: 'error', code: 4005, message: 'Internal server error' });
        conn.ws.close(4005, 'Internal server error');
        return;
    }
  }

  private fail(conn: Conn, code: number, reason: string): void {
    this.send(conn, { type: 'error', code, message: reason });
    conn.ws.close(code, reason);
  }

  private enqueue(conn: Conn, texts: readonly string[]): void {
    conn.state.queue.push(...texts);
    if (!conn.state.generating) void this.run(conn);
  }

  private async run(conn: Conn): Promise<void> {
    const st = conn.state;
    st.generating = true;
    try {
      while (st.queue.length > 0 && !conn.closed && !st.stalled) {
        const text = st.queue.shift() ?? '';
        const now = this.now();
        while (this.generationTimes.length > 0 && (this.generationTimes[0] ?? 0) <= now - 60_000) this.generationTimes.shift();
        if (this.generationTimes.length >= this.generationsPerMinute) {
          conn.ws.close(4004, 'Rate limit exceeded');
          return;
        }
        this.generationTimes.push(now);
        const { generation: gen, pcm } = this.synthesize(conn, text, MURMR_SAMPLE_RATE);
        const binary = st.binary;
        const frames = this.audioChunks(pcm, MURMR_SAMPLE_RATE).map((c) => ({
          samples: c.samples,
          data: binary ? c.data : { type: 'audio', chunk: c.data.toString('base64'), sample_rate: MURMR_SAMPLE_RATE, format: 'pcm_s16le' },
        }));
        const started = this.now();
        const outcome = await this.streamAudio(conn, gen, frames);
        if (outcome === 'stalled') {
          st.stalled = true;
          return;
        }
        if (outcome !== 'complete') return;
        this.endGeneration(gen, 'complete');
        this.send(conn, {
          type: 'done',
          total_chunks: frames.length,
          duration_ms: Math.round((pcm.length * 1000) / MURMR_SAMPLE_RATE),
          first_chunk_latency_ms: Math.max(1, Math.round(this.now() - started)),
        });
      }
    } finally {
      st.generating = false;
    }
  }
}

/** Starts a murmr test server on 127.0.0.1 (ephemeral port). */
export function createMurmrServer(options: MurmrServerOptions = {}): Promise<MurmrTestServer> {
  return new MurmrTestServer(options).listen();
}
