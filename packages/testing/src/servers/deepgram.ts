/**
 * A Deepgram Aura streaming test server (`/v1/speak`), faithful to the documented protocol and its
 * quirks:
 * - auth in the upgrade: `Authorization: Token <key>` (or `Bearer`), or `Sec-WebSocket-Protocol: token,
 *   <key>`; HTTP 401 with `dg-error` otherwise. `model`, `encoding` (`linear16`/`mulaw`/`alaw`) and
 *   `sample_rate` query parameters, HTTP 400 for values the streaming endpoint does not take;
 * - `Metadata` first, at open; text frames only, JSON `Speak` / `Flush` / `Clear` / `Close`;
 * - `Speak` text (at most 2 000 characters, else close 1009 `BIG-0001`) is buffered and synthesized on
 *   `Flush` only; flushes are numbered from 0 per connection and each is answered by
 *   `Flushed{sequence_id}` after its last audio byte; audio is raw binary frames cut at odd byte counts;
 * - more than 20 `Flush` per 60 s: a `Warning` (`EXCESSIVE_FLUSH`) and the flush is not processed;
 * - `Clear` drops the text buffer, the queued flushes and the audio being sent, then `Cleared`; the
 *   `Flushed` of abandoned flushes still follows (after `Cleared`), as third-party clients report;
 * - `Close` closes with 1000 at once; bad frames close with 1003 (`MESSAGE-0000`) or 1008 (`DATA-0000`).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { z } from 'zod';
import { BaseTestServer, type BaseServerOptions, type TestConnection, type UpgradeRejection } from '../base/server.js';
import type { ReceivedMessage } from '../base/recorder.js';
import type { ProviderErrorKind } from '../base/faults.js';
import { encodeG711 } from './deepgram-g711.js';

/** The streaming path. */
export const DEEPGRAM_SPEAK_PATH = '/v1/speak';
/** Encodings of the streaming endpoint. */
export const DEEPGRAM_SERVER_ENCODINGS = ['linear16', 'mulaw', 'alaw'] as const;
/** Sample rates per encoding (assumed: mulaw/alaw at 8 and 16 kHz only). */
export const DEEPGRAM_SERVER_SAMPLE_RATES: Readonly<Record<(typeof DEEPGRAM_SERVER_ENCODINGS)[number], readonly number[]>> = {
  linear16: [8000, 16000, 24000, 44100, 48000],
  mulaw: [8000, 16000],
  alaw: [8000, 16000],
};
/** Longest `Speak` text. */
export const DEEPGRAM_SERVER_MAX_CHARS = 2000;

/** Options of {@link DeepgramTestServer}. */
export interface DeepgramServerOptions extends BaseServerOptions {
  /** Flushes allowed per window. Default 20. */
  readonly flushLimit?: number;
  /** The flush-rate window, ms (real time). Default 60 000. */
  readonly flushWindowMs?: number;
  /** Send `Flushed` for flushes abandoned by `Clear` (after `Cleared`). Default true. */
  readonly flushedAfterClear?: boolean;
  /** Also synthesize on its own once the buffer ends a sentence and holds this many characters. Default: only on Flush. */
  readonly autoGenerateChars?: number;
  /** Warning field names: `'warn'` (`warn_code`/`warn_msg`, as observed, default) or `'documented'` (`code`/`description`). */
  readonly warningShape?: 'warn' | 'documented';
}

const Speak = z.object({ type: z.literal('Speak'), text: z.string() }).strict();
const ClientMessage = z.discriminatedUnion('type', [
  Speak,
  z.object({ type: z.literal('Flush') }).strict(),
  z.object({ type: z.literal('Clear') }).strict(),
  z.object({ type: z.literal('Close') }).strict(),
]);

/** A flush waiting for synthesis. */
interface Job {
  readonly sequence: number;
  readonly text: string;
  readonly epoch: number;
  /** Auto-generated (no Flushed). */
  readonly auto: boolean;
}

/** Per-connection state of the Deepgram test server. */
export interface DeepgramConnectionState {
  readonly encoding: (typeof DEEPGRAM_SERVER_ENCODINGS)[number];
  readonly sampleRate: number;
  readonly model: string;
  buffer: string;
  readonly queue: Job[];
  /** Sequence ids of flushes abandoned by Clear, answered after Cleared. */
  readonly abandoned: number[];
  nextSequence: number;
  /** Bumped by every Clear: audio of an older epoch is not sent. */
  epoch: number;
  generating: boolean;
  stalled: boolean;
  readonly flushTimes: number[];
}

type Conn = TestConnection<DeepgramConnectionState>;

/** Close frames by fault kind (the auth and rate-limit ones are preceded by an `Error` message). */
const FAULTS: Readonly<Record<ProviderErrorKind, { code: number; reason: string; error?: { err_code: string; err_msg: string } }>> = {
  auth: { code: 1008, reason: 'INVALID_AUTH', error: { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' } },
  'rate-limit': { code: 1008, reason: 'TOO_MANY_REQUESTS', error: { err_code: 'TOO_MANY_REQUESTS', err_msg: 'Too many requests. Please try again later.' } },
  'text-too-long': { code: 1009, reason: `BIG-0001: Speak text exceeds ${DEEPGRAM_SERVER_MAX_CHARS} characters` },
  server: { code: 1011, reason: 'NET-0000: internal server error' },
};

/** The Deepgram test server. Start with {@link createDeepgramServer}. */
export class DeepgramTestServer extends BaseTestServer<DeepgramConnectionState> {
  readonly name = 'deepgram';
  protected readonly path = DEEPGRAM_SPEAK_PATH;
  protected override readonly hasAppHandshake = true;
  private readonly flushLimit: number;
  private readonly flushWindowMs: number;
  private readonly flushedAfterClear: boolean;
  private readonly autoGenerateChars: number | undefined;
  private readonly warningShape: 'warn' | 'documented';

  constructor(options: DeepgramServerOptions = {}) {
    super(options);
    this.flushLimit = options.flushLimit ?? 20;
    this.flushWindowMs = options.flushWindowMs ?? 60_000;
    this.flushedAfterClear = options.flushedAfterClear ?? true;
    this.autoGenerateChars = options.autoGenerateChars;
    this.warningShape = options.warningShape ?? 'warn';
  }

  protected override authenticateUpgrade(req: http.IncomingMessage, url: URL): UpgradeRejection | undefined {
    const header = req.headers.authorization;
    const fromHeader = typeof header === 'string' ? /^(?:Token|Bearer) (.+)$/.exec(header)?.[1] : undefined;
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const fromProtocol = protocols[0] === 'token' ? protocols[1] : undefined;
    const key = fromHeader ?? fromProtocol;
    if (key !== this.apiKey) {
      const message = key === undefined ? 'No credentials were provided.' : 'Invalid credentials.';
      return {
        status: 401,
        body: JSON.stringify({ err_code: 'INVALID_AUTH', err_msg: message, request_id: randomUUID() }),
        headers: { 'dg-error': message, 'dg-request-id': randomUUID() },
      };
    }
    const encoding = url.searchParams.get('encoding') ?? 'linear16';
    const rate = url.searchParams.get('sample_rate');
    const bad = (message: string): UpgradeRejection => {
      const id = this.upgrades.at(-1)?.connectionId ?? 0;
      this.violations.push({ connectionId: id, at: this.now(), rule: 'bad-query-parameter', message });
      return { status: 400, body: JSON.stringify({ err_code: 'Bad Request', err_msg: message }), headers: { 'dg-error': message } };
    };
    if (!(DEEPGRAM_SERVER_ENCODINGS as readonly string[]).includes(encoding)) return bad(`encoding=${encoding} is not supported for streaming`);
    const rates = DEEPGRAM_SERVER_SAMPLE_RATES[encoding as (typeof DEEPGRAM_SERVER_ENCODINGS)[number]];
    if (rate !== null && !rates.includes(Number(rate))) return bad(`sample_rate=${rate} is not supported with ${encoding}`);
    const model = url.searchParams.get('model');
    if (model !== null && !/^aura-/.test(model)) return bad(`model=${model} is not a TTS model`);
    return undefined;
  }

  protected createState(conn: Omit<Conn, 'state'>): DeepgramConnectionState {
    const encoding = (conn.query.get('encoding') ?? 'linear16') as DeepgramConnectionState['encoding'];
    return {
      encoding,
      sampleRate: Number(conn.query.get('sample_rate') ?? 24_000),
      model: conn.query.get('model') ?? 'aura-asteria-en',
      buffer: '',
      queue: [],
      abandoned: [],
      nextSequence: 0,
      epoch: 0,
      generating: false,
      stalled: false,
      flushTimes: [],
    };
  }

  protected onOpen(conn: Conn): void {
    this.afterHandshakeDelay(conn, () => {
      this.send(conn, {
        type: 'Metadata',
        request_id: randomUUID(),
        model_name: conn.state.model,
        model_version: '2025-04-07.0',
        model_uuid: randomUUID(),
      });
    });
  }

  /** The `error` fault in the middle of audio: Deepgram's own failure (see {@link inject}). */
  protected override streamError(conn: Conn, kind: ProviderErrorKind): void {
    this.inject(conn, kind);
  }

  protected override onIdle(conn: Conn): void {
    conn.ws.close(1011, 'NET-0001: no message received within the timeout window');
  }

  protected onMessage(conn: Conn, message: ReceivedMessage): void {
    if (message.binary) {
      this.violation(conn, 'binary-frame', 'Deepgram TTS accepts JSON text frames only');
      conn.ws.close(1003, 'MESSAGE-0000: binary messages are not supported');
      return;
    }
    const parsed = ClientMessage.safeParse(message.json);
    if (!parsed.success) {
      this.violation(conn, 'invalid-message', `not a valid Deepgram message: ${message.text.slice(0, 200)}`);
      conn.ws.close(1008, 'DATA-0000: the message could not be processed');
      return;
    }
    const st = conn.state;
    const msg = parsed.data;
    switch (msg.type) {
      case 'Speak': {
        const injected = this.countText(conn);
        if (injected !== undefined) return this.inject(conn, injected);
        if (msg.text.length > DEEPGRAM_SERVER_MAX_CHARS) {
          this.violation(conn, 'speak-too-long', `Speak text of ${msg.text.length} characters exceeds ${DEEPGRAM_SERVER_MAX_CHARS}`);
          return this.inject(conn, 'text-too-long');
        }
        st.buffer += msg.text;
        this.maybeAutoGenerate(conn);
        return;
      }
      case 'Flush':
        return this.onFlush(conn);
      case 'Clear': {
        st.epoch++;
        st.buffer = '';
        for (const job of st.queue.splice(0)) if (!job.auto) st.abandoned.push(job.sequence);
        // The generation in progress stops before its next frame (its epoch is stale).
        this.send(conn, { type: 'Cleared', sequence_id: Math.max(0, st.nextSequence - 1) });
        if (!st.generating) this.answerAbandoned(conn);
        return;
      }
      case 'Close':
        conn.ws.close(1000, 'Normal Closure');
        return;
    }
  }

  private onFlush(conn: Conn): void {
    const st = conn.state;
    const now = this.now();
    while (st.flushTimes.length > 0 && (st.flushTimes[0] as number) <= now - this.flushWindowMs) st.flushTimes.shift();
    if (st.flushTimes.length >= this.flushLimit) {
      this.violation(conn, 'excessive-flush', `more than ${this.flushLimit} Flush messages within ${this.flushWindowMs} ms`);
      const text = 'Rate limit exceeded for flushes. Please try again later.';
      this.send(conn, this.warningShape === 'warn' ? { type: 'Warning', warn_code: 'EXCESSIVE_FLUSH', warn_msg: text } : { type: 'Warning', code: 'EXCESSIVE_FLUSH', description: text });
      return;
    }
    st.flushTimes.push(now);
    this.enqueue(conn, { sequence: st.nextSequence++, text: st.buffer, epoch: st.epoch, auto: false });
    st.buffer = '';
  }

  /** With `autoGenerateChars`: synthesize up to the last sentence end once enough text is buffered. */
  private maybeAutoGenerate(conn: Conn): void {
    const st = conn.state;
    if (this.autoGenerateChars === undefined || st.buffer.length < this.autoGenerateChars) return;
    let end = -1;
    for (const m of st.buffer.matchAll(/[.!?](?=\s)/g)) end = m.index + 1;
    if (end <= 0) return;
    this.enqueue(conn, { sequence: -1, text: st.buffer.slice(0, end), epoch: st.epoch, auto: true });
    st.buffer = st.buffer.slice(end);
  }

  private inject(conn: Conn, kind: ProviderErrorKind): void {
    const fault = FAULTS[kind];
    if (fault.error) this.send(conn, { type: 'Error', ...fault.error });
    conn.ws.close(fault.code, fault.reason);
  }

  private enqueue(conn: Conn, job: Job): void {
    conn.state.queue.push(job);
    if (!conn.state.generating) void this.run(conn);
  }

  /** Flushed for abandoned flushes (the quirk), once nothing of the cleared audio can follow. */
  private answerAbandoned(conn: Conn): void {
    const st = conn.state;
    const ids = st.abandoned.splice(0);
    if (this.flushedAfterClear) for (const id of ids) this.send(conn, { type: 'Flushed', sequence_id: id });
  }

  private async run(conn: Conn): Promise<void> {
    const st = conn.state;
    st.generating = true;
    try {
      while (st.queue.length > 0 && !conn.closed && !st.stalled) {
        const job = st.queue.shift() as Job;
        const current = (): boolean => job.epoch === st.epoch;
        if (job.text.trim() !== '') {
          const { generation, pcm } = this.synthesize(conn, job.text, st.sampleRate);
          const chunks =
            st.encoding === 'linear16'
              ? this.audioChunks(pcm, st.sampleRate)
              : this.audioChunks({ bytes: encodeG711(pcm, st.encoding), bytesPerSample: 1 }, st.sampleRate);
          const outcome = await this.streamAudio(conn, generation, chunks.map((c) => ({ data: c.data, samples: c.samples })), current);
          if (outcome === 'stalled') {
            st.stalled = true;
            return;
          }
          if (outcome !== 'complete' && outcome !== 'aborted') return; // dropped, closed or failed mid-audio
          if (outcome === 'complete') this.endGeneration(generation, 'complete');
        } else {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (conn.closed) return;
        if (!current()) {
          if (!job.auto) st.abandoned.unshift(job.sequence);
          this.answerAbandoned(conn);
          continue;
        }
        if (!job.auto) this.send(conn, { type: 'Flushed', sequence_id: job.sequence });
        this.changed();
      }
      this.answerAbandoned(conn);
    } finally {
      st.generating = false;
    }
  }
}

/** Starts a Deepgram test server on 127.0.0.1 (ephemeral port). */
export function createDeepgramServer(options: DeepgramServerOptions = {}): Promise<DeepgramTestServer> {
  return new DeepgramTestServer(options).listen();
}
