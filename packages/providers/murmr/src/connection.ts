/**
 * One murmr realtime connection: handshake (`config` -> `config_ack` -> `binary_mode_ack` or
 * `pong`), segments sent as `text` + `flush`, audio attributed to the oldest in-flight segment
 * (murmr is sequential and binary frames carry no id), `done`s counted per segment with
 * {@link expectedDones}.
 */
import { Subject, type Observable } from 'rxjs';
import {
  SpeechError,
  connectWebSocket,
  createPcm16Decoder,
  type ConnectionEvent,
  type SpeechConnection,
  type SpeechErrorCode,
  type TextRequest,
  type WebSocketConnection,
  type WebSocketMessage,
} from '@utter/core';
import { expectedDones } from './buffer.js';
import { ServerMessage } from './protocol.js';

/** murmr's output sample rate. */
export const MURMR_SAMPLE_RATE = 24_000;
const PROVIDER = 'murmr';

/** What a connection needs to know. */
export interface MurmrConnectionConfig {
  readonly url: string;
  readonly apiKey: string;
  readonly config: Record<string, unknown>;
  readonly binary: boolean;
  readonly signal: AbortSignal;
}

/** Maps a murmr close code to an error (undefined for a normal close). */
export function errorForClose(code: number, reason: string): SpeechError {
  const detail = reason ? `: ${reason}` : '';
  const table: Record<number, [SpeechErrorCode, string]> = {
    4001: ['timeout', 'murmr closed the connection: no config within 10 s'],
    4002: ['auth', 'murmr rejected the API key, or the plan has no WebSocket access (close 4002). Check MURMR_API_KEY'],
    4003: ['protocol', 'murmr rejected a message as invalid (close 4003)'],
    4004: ['rate-limit', 'murmr rate limit reached (close 4004)'],
    4005: ['provider', 'murmr server error (close 4005)'],
  };
  const entry = table[code];
  if (entry) return new SpeechError(entry[0], `${entry[1]}${detail}.`, { provider: PROVIDER, providerCode: code });
  return new SpeechError('connection', `The murmr connection closed unexpectedly (code ${code}${detail}).`, {
    provider: PROVIDER,
    providerCode: code,
  });
}

/** Maps a murmr `error` message to a SpeechError. */
export function errorForMessage(code: number | string | undefined, message: string | undefined): SpeechError {
  const text = message ?? 'unknown error';
  const n = typeof code === 'string' ? Number(code) : code;
  let kind: SpeechErrorCode = 'provider';
  if (/too long|exceed|maximum length|4096/i.test(text)) kind = 'text-too-long';
  else if (n === 4002 || /auth|api key|unauthori[sz]ed/i.test(text)) kind = 'auth';
  else if (n === 4004 || n === 4006 || /rate|limit|slots? occupied|too many/i.test(text)) kind = 'rate-limit';
  else if (n === 4003) kind = 'invalid-input';
  return new SpeechError(kind, `murmr error${code === undefined ? '' : ` ${code}`}: ${text}`, {
    provider: PROVIDER,
    ...(code === undefined ? {} : { providerCode: code }),
  });
}

interface InFlight {
  readonly utteranceId: string;
  readonly segmentId: number;
  remaining: number;
}

/** A murmr connection. Create with {@link openMurmrConnection}. */
export class MurmrConnection implements SpeechConnection {
  readonly events: Observable<ConnectionEvent>;
  private readonly subject = new Subject<ConnectionEvent>();
  private readonly queue: InFlight[] = [];
  private readonly finishing = new Set<string>();
  private readonly cancelled = new Set<string>();
  private readonly decoder = createPcm16Decoder();
  private ended = false;
  private ready = false;
  private settle: { resolve: () => void; reject: (e: SpeechError) => void } | undefined;

  private constructor(
    private readonly socket: WebSocketConnection,
    private readonly binary: boolean,
  ) {
    this.events = this.subject.asObservable();
  }

  /** Opens a socket, sends `config` and waits for the session to be usable. */
  static async open(cfg: MurmrConnectionConfig): Promise<MurmrConnection> {
    const socket = await connectWebSocket(cfg.url, { signal: cfg.signal, provider: PROVIDER });
    const conn = new MurmrConnection(socket, cfg.binary);
    const handshake = new Promise<void>((resolve, reject) => {
      conn.settle = { resolve, reject };
    });
    const onAbort = (): void => conn.failHandshake(new SpeechError('cancelled', 'Connecting to murmr was cancelled.', { provider: PROVIDER }));
    cfg.signal.addEventListener('abort', onAbort, { once: true });
    socket.messages.subscribe({ next: (m) => conn.onMessage(m), complete: () => undefined, error: () => undefined });
    void socket.closed.then((info) => conn.onClosed(info.code, info.reason));
    try {
      socket.sendJson({ type: 'config', api_key: cfg.apiKey, ...cfg.config });
      await handshake;
      return conn;
    } finally {
      cfg.signal.removeEventListener('abort', onAbort);
    }
  }

  send(request: TextRequest): void {
    if (this.ended || this.cancelled.has(request.utteranceId)) return;
    const remaining = expectedDones(request.text);
    this.queue.push({ utteranceId: request.utteranceId, segmentId: request.segmentId, remaining });
    this.write({ type: 'text', text: request.text });
    this.write({ type: 'flush' });
    if (remaining === 0) queueMicrotask(() => this.drain());
  }

  finish(utteranceId: string): void {
    if (this.ended || this.cancelled.has(utteranceId)) return;
    this.finishing.add(utteranceId);
    queueMicrotask(() => this.drain());
  }

  cancel(utteranceId: string): void {
    // murmr has no cancel message: drop this reply's audio locally (the session closes the socket).
    this.cancelled.add(utteranceId);
    this.finishing.delete(utteranceId);
  }

  keepAlive(): void {
    if (!this.ended && this.ready) this.write({ type: 'ping' });
  }

  close(): void {
    if (this.ended) return;
    this.socket.close(1000, 'client closing');
    this.end(undefined);
  }

  // ---- internals ----

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
      if (!this.binary || !this.ready) {
        this.protocolError('murmr sent a binary frame outside binary mode');
        return;
      }
      this.onAudio(this.decoder.push(message));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      this.protocolError(`murmr sent a frame that is not JSON (${message.length} characters)`);
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      const type = typeof json === 'object' && json !== null && 'type' in json ? String((json as { type: unknown }).type) : 'none';
      this.protocolError(`murmr sent an unknown or malformed message (type ${type.slice(0, 40)})`);
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'config_ack':
        if (this.binary) this.write({ type: 'binary_mode' });
        else this.write({ type: 'ping' });
        return;
      case 'binary_mode_ack':
      case 'pong':
        if (!this.ready) {
          this.ready = true;
          this.settle?.resolve();
          this.settle = undefined;
        }
        return;
      case 'audio':
        if (!this.ready) {
          this.protocolError('murmr sent audio before the session was ready');
          return;
        }
        try {
          this.onAudio(this.decoder.push(msg.chunk));
        } catch {
          this.protocolError('murmr sent audio that is not valid base64');
        }
        return;
      case 'done':
        this.onDone();
        return;
      case 'error': {
        // Non-fatal errors keep the socket open, but text murmr dropped breaks the done count: give up
        // the connection with the error (the session retries or fails the reply by its code).
        const error = errorForMessage(msg.code, msg.message);
        if (!this.ready) this.failHandshake(error);
        else {
          this.socket.close(1000, 'client closing after error');
          this.end(error);
        }
        return;
      }
    }
  }

  private onAudio(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    const head = this.queue[0];
    if (head === undefined) {
      this.protocolError('murmr sent audio while no text was pending');
      return;
    }
    if (this.cancelled.has(head.utteranceId)) return;
    this.subject.next({ type: 'audio', utteranceId: head.utteranceId, segmentId: head.segmentId, pcm, sampleRate: MURMR_SAMPLE_RATE });
  }

  private onDone(): void {
    const head = this.queue[0];
    if (head === undefined || head.remaining <= 0) {
      this.protocolError('murmr sent done while no generation was pending');
      return;
    }
    head.remaining--;
    this.drain();
  }

  /** Pops finished segments (emitting `segment-done`) and completes finished replies. */
  private drain(): void {
    if (this.ended) return;
    while (this.queue.length > 0 && (this.queue[0]?.remaining ?? 1) === 0) {
      const seg = this.queue.shift() as InFlight;
      if (!this.cancelled.has(seg.utteranceId)) {
        this.subject.next({ type: 'segment-done', utteranceId: seg.utteranceId, segmentId: seg.segmentId });
      }
    }
    for (const id of [...this.finishing]) {
      if (this.queue.some((s) => s.utteranceId === id)) continue;
      this.finishing.delete(id);
      this.subject.next({ type: 'utterance-done', utteranceId: id });
    }
  }

  private protocolError(message: string): void {
    const error = new SpeechError('protocol', message, { provider: PROVIDER });
    if (!this.ready) {
      this.failHandshake(error);
      return;
    }
    this.socket.close(1000, 'protocol error');
    this.end(error);
  }

  private failHandshake(error: SpeechError): void {
    if (this.ready || this.ended) return;
    this.ended = true;
    this.socket.close(1000, 'handshake failed');
    this.settle?.reject(error);
    this.settle = undefined;
    this.subject.complete();
  }

  private onClosed(code: number, reason: string): void {
    if (this.ended) return;
    const error = errorForClose(code, reason);
    if (!this.ready) {
      this.failHandshake(error);
      return;
    }
    this.end(error);
  }

  private end(error: SpeechError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.subject.next(error === undefined ? { type: 'closed' } : { type: 'closed', error });
    this.subject.complete();
  }
}
