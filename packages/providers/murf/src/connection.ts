/**
 * One Murf stream-input connection: one `context_id` per reply (the utterance id), `end: true` on
 * finish and `final` -> `utterance-done`, `clear` on cancel with late audio dropped, RIFF headers
 * stripped from any chunk that starts with one.
 */
import { Subject, type Observable } from 'rxjs';
import {
  SpeechError,
  base64ToBytes,
  connectWebSocket,
  createPcm16Decoder,
  createWavHeaderStripper,
  type ConnectionEvent,
  type Pcm16Decoder,
  type SpeechConnection,
  type SpeechErrorCode,
  type TextRequest,
  type WavHeaderStripper,
  type WebSocketConnection,
  type WebSocketMessage,
} from '@utter/core';
import { ServerMessage } from './protocol.js';

const PROVIDER = 'murf';

/** What a connection needs. */
export interface MurfConnectionConfig {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly sampleRate: number;
  /** snake_case `voice_config`. */
  readonly voiceConfig: Record<string, unknown>;
  /** Buffer settings sent once after connecting. */
  readonly settings: Record<string, unknown>;
  readonly signal: AbortSignal;
}

/** Maps a Murf error text to a SpeechError. */
export function errorForMurfMessage(text: string): SpeechError {
  let code: SpeechErrorCode = 'provider';
  if (/api.?key|auth|unauthori[sz]ed|forbidden|credential/i.test(text)) code = 'auth';
  else if (/rate|limit|concurren|too many|quota exceeded/i.test(text)) code = /quota|credit|balance/i.test(text) ? 'quota' : 'rate-limit';
  else if (/too long|exceeds?.*(length|characters)|maximum length/i.test(text)) code = 'text-too-long';
  else if (/invalid|must be|not supported|unknown voice/i.test(text)) code = 'invalid-input';
  return new SpeechError(code, `Murf error: ${text}`, { provider: PROVIDER });
}

/** Maps an unexpected close to a SpeechError. */
export function errorForMurfClose(code: number, reason: string): SpeechError {
  const detail = reason ? `: ${reason}` : '';
  if (code === 1008) return new SpeechError('auth', `Murf closed the connection (1008 policy violation${detail}). Check MURF_API_KEY.`, { provider: PROVIDER, providerCode: code });
  if (code === 1011) return new SpeechError('provider', `Murf server error (close 1011${detail}).`, { provider: PROVIDER, providerCode: code });
  return new SpeechError('connection', `The Murf connection closed unexpectedly (code ${code}${detail}).`, { provider: PROVIDER, providerCode: code });
}

interface Context {
  started: boolean;
  finished: boolean;
  readonly strip: WavHeaderStripper;
  readonly decode: Pcm16Decoder;
}

/** A Murf connection. Create with {@link MurfConnection.open}. */
export class MurfConnection implements SpeechConnection {
  readonly events: Observable<ConnectionEvent>;
  private readonly subject = new Subject<ConnectionEvent>();
  private readonly contexts = new Map<string, Context>();
  /** Contexts cleared or failed: their late audio is dropped. */
  private readonly dead = new Set<string>();
  private ended = false;

  private constructor(
    private readonly socket: WebSocketConnection,
    private readonly cfg: MurfConnectionConfig,
  ) {
    this.events = this.subject.asObservable();
  }

  /** Opens the socket (auth in the upgrade) and sends the voice and buffer settings. */
  static async open(cfg: MurfConnectionConfig): Promise<MurfConnection> {
    const socket = await connectWebSocket(cfg.url, { headers: cfg.headers, signal: cfg.signal, provider: PROVIDER });
    const conn = new MurfConnection(socket, cfg);
    socket.messages.subscribe({ next: (m) => conn.onMessage(m), error: () => undefined });
    void socket.closed.then((info) => conn.onClosed(info.code, info.reason));
    conn.write({ voice_config: cfg.voiceConfig, ...cfg.settings });
    return conn;
  }

  send(request: TextRequest): void {
    if (this.ended || this.dead.has(request.utteranceId)) return;
    const ctx = this.context(request.utteranceId);
    if (ctx.finished) return;
    const first = !ctx.started;
    ctx.started = true;
    this.write({ context_id: request.utteranceId, text: request.text, ...(first ? { voice_config: this.cfg.voiceConfig } : {}) });
  }

  finish(utteranceId: string): void {
    if (this.ended || this.dead.has(utteranceId)) return;
    const ctx = this.context(utteranceId);
    if (ctx.finished) return;
    ctx.finished = true;
    if (!ctx.started) {
      // Nothing was sent: nothing to wait for.
      this.contexts.delete(utteranceId);
      queueMicrotask(() => {
        if (!this.ended) this.subject.next({ type: 'utterance-done', utteranceId });
      });
      return;
    }
    this.write({ context_id: utteranceId, end: true });
  }

  cancel(utteranceId: string): void {
    if (this.ended || this.dead.has(utteranceId)) return;
    const ctx = this.contexts.get(utteranceId);
    this.dead.add(utteranceId);
    this.contexts.delete(utteranceId);
    if (ctx?.started) this.write({ clear: true, context_id: utteranceId });
  }

  /**
   * Murf closes a socket after 3 minutes without a message. A WebSocket ping is not documented to
   * count, so the keep-alive is a real but harmless message: the connection's voice settings again
   * (no context, no text, nothing synthesized).
   */
  keepAlive(): void {
    if (!this.ended) this.write({ voice_config: this.cfg.voiceConfig });
  }

  close(): void {
    if (this.ended) return;
    this.socket.close(1000, 'client closing');
    this.end(undefined);
  }

  // ---- internals ----

  private context(id: string): Context {
    let ctx = this.contexts.get(id);
    if (ctx === undefined) {
      ctx = { started: false, finished: false, strip: createWavHeaderStripper({ repeated: true }), decode: createPcm16Decoder() };
      this.contexts.set(id, ctx);
    }
    return ctx;
  }

  private write(value: unknown): void {
    try {
      this.socket.sendJson(value);
    } catch (error) {
      this.end(SpeechError.from(error, 'connection', { provider: PROVIDER }));
    }
  }

  private onMessage(message: WebSocketMessage): void {
    if (this.ended) return;
    if (typeof message !== 'string') {
      this.fatal(new SpeechError('protocol', 'Murf sent an unexpected binary frame.', { provider: PROVIDER }));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      this.fatal(new SpeechError('protocol', `Murf sent a frame that is not JSON (${message.length} characters).`, { provider: PROVIDER }));
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      this.fatal(new SpeechError('protocol', 'Murf sent an unknown or malformed message.', { provider: PROVIDER }));
      return;
    }
    const msg = parsed.data;
    const id = msg.context_id ?? this.soleContext();
    if (msg.error !== undefined) {
      const text = typeof msg.error === 'string' ? msg.error : (msg.error.message ?? msg.message ?? 'unknown error');
      const error = errorForMurfMessage(text);
      if (id !== undefined && this.contexts.has(id) && error.code !== 'auth') {
        this.dead.add(id);
        this.contexts.delete(id);
        this.subject.next({ type: 'error', error, utteranceId: id });
      } else if (id !== undefined && this.dead.has(id)) {
        // an error for a reply already cancelled or failed: nothing left to report
      } else {
        this.fatal(error);
      }
      return;
    }
    if (id === undefined) {
      this.fatal(new SpeechError('protocol', 'Murf sent a message without context_id while several replies were active.', { provider: PROVIDER }));
      return;
    }
    if (this.dead.has(id)) return; // late output of a cleared context
    const ctx = this.contexts.get(id);
    if (ctx === undefined || !ctx.started) {
      this.fatal(new SpeechError('protocol', 'Murf sent output for a context that was never opened.', { provider: PROVIDER }));
      return;
    }
    if (msg.audio !== undefined && msg.audio !== '') {
      let pcm: Int16Array;
      try {
        pcm = ctx.decode.push(ctx.strip.push(base64ToBytes(msg.audio)));
      } catch {
        this.fatal(new SpeechError('protocol', 'Murf sent audio that is not valid base64 PCM.', { provider: PROVIDER }));
        return;
      }
      if (pcm.length > 0) this.subject.next({ type: 'audio', utteranceId: id, pcm, sampleRate: this.cfg.sampleRate });
    }
    if (msg.final === true || msg.is_final === true || msg.isFinalAudio === true) {
      if (!ctx.finished) {
        this.fatal(new SpeechError('protocol', 'Murf ended a context before the reply was finished.', { provider: PROVIDER }));
        return;
      }
      this.contexts.delete(id);
      this.dead.add(id);
      this.subject.next({ type: 'utterance-done', utteranceId: id });
    }
  }

  private soleContext(): string | undefined {
    const live = [...this.contexts.entries()].filter(([, c]) => c.started);
    return live.length === 1 ? live[0]?.[0] : undefined;
  }

  private fatal(error: SpeechError): void {
    this.socket.close(1000, 'client closing after error');
    this.end(error);
  }

  private onClosed(code: number, reason: string): void {
    if (this.ended) return;
    this.end(errorForMurfClose(code, reason));
  }

  private end(error: SpeechError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.subject.next(error === undefined ? { type: 'closed' } : { type: 'closed', error });
    this.subject.complete();
  }
}
