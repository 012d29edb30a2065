/**
 * The shared body of every WebSocket adapter's {@link SpeechConnection}. An adapter describes its wire
 * protocol ({@link WireProtocol}: a zod schema of the server's messages, a close-code table, and small
 * handlers); this module owns everything else:
 *
 * - the socket (`connectWebSocket`), the handshake (resolved by `ctx.ready()`, cancelled by the signal,
 *   failed by a close or `ctx.fail()`), and the connect signal's scope (the handshake only);
 * - decoding each text frame through the schema (not JSON, unknown or malformed -> `protocol`), binary
 *   frames, and exceptions thrown by handlers on bad data (-> `protocol`), never a crash;
 * - close codes -> SpeechErrors by table; `error` + `closed` exactly once, then completion;
 * - calls after close ignored; replies that were cancelled, failed or done are retired: text for them is
 *   not sent and their late events are dropped.
 */
import { Subject, type Observable } from 'rxjs';
import type { z } from 'zod';
import { SpeechError } from '../errors.js';
import type { ConnectionEvent, SpeechConnection, TextRequest } from '../provider.js';
import { connectWebSocket, type WebSocketConnection, type WebSocketMessage } from '../transport/websocket.js';
import { labelOf, type ProviderIdentity } from './options.js';
import type { ReplyEvent, ReplyEventSink } from './segments.js';
import { closeError, decodeJsonFrame, protocolError, type CloseCodeTable } from './wire.js';

/** What an adapter's handlers can do on their connection. */
export interface ConnectionContext<O> extends ReplyEventSink {
  /** The provider's resolved options. */
  readonly options: O;
  /** The API key (registered as a secret; for protocols that send it in a message). */
  readonly apiKey: string;
  /** Name and label, for errors. */
  readonly identity: ProviderIdentity;
  /** Whether the handshake is complete. */
  readonly isReady: boolean;
  /** Completes the handshake: `connect()` resolves. Call it when the server says it is ready (idempotent). */
  ready(): void;
  /** Whether a socket is attached (false for a socketless connection or after {@link closeSocket}). */
  readonly hasSocket: boolean;
  /** Sends `JSON.stringify(message)` as a text frame. Ignored without an open socket (its close is reported). */
  send(message: unknown): void;
  /** Sends a raw text or binary frame. Ignored without an open socket. */
  sendFrame(data: string | Uint8Array): void;
  /**
   * Closes the socket politely (the `beforeClose` handler runs first) and detaches it, leaving the
   * connection open: for adapters that carry on over another transport.
   */
  closeSocket(): void;
  /**
   * Reports a reply-scoped event. Dropped when the connection has ended or the reply is retired
   * (cancelled, failed or done); empty audio is dropped. `utterance-done` retires the reply.
   */
  emit(event: ReplyEvent): void;
  /** Fails one reply (the connection stays usable): emits `error` with its ids and retires the reply. */
  replyError(utteranceId: string, error: SpeechError, segmentId?: number): void;
  /**
   * Fails the connection: before the handshake completes `connect()` rejects with `error`; after, `error`
   * and `closed` (with `error`) are emitted. The socket is closed. Later calls do nothing.
   */
  fail(error: SpeechError): void;
  /** `fail()` with a `protocol` error with this message. */
  protocolError(message: string): void;
  /** Whether this reply was cancelled, failed or done (its output is to be ignored). */
  isRetired(utteranceId: string): boolean;
}

/**
 * An adapter's side of a connection. Each `SpeechConnection` call is forwarded only while the
 * connection is open and the reply is live (`send` and `finish` also not after `finish`), and the core's
 * cancelled-reply bookkeeping happens before `cancel` is called.
 */
export interface ConnectionHandlers<M, X extends object = object> {
  /** The socket is open: send the first messages (configuration, auth). Call `ctx.ready()` if nothing is awaited. */
  open?(): void;
  /** A decoded server message. Throwing (e.g. undecodable audio) fails the connection with `protocol`. */
  message(message: M): void;
  /** A binary frame. Without this handler a binary frame is a `protocol` error. */
  binary?(data: Uint8Array): void;
  /** Sends one segment. */
  send(request: TextRequest): void;
  /** No more text for this reply. */
  finish(utteranceId: string): void;
  /** Cancels a reply on the wire (the reply is already retired: its late output is dropped). */
  cancel?(utteranceId: string): void;
  /** Keeps an idle connection open. The connection has `keepAlive()` only when this is given. */
  keepAlive?(): void;
  /** Runs before a polite close of the socket (`close()` or `ctx.closeSocket()`): send a goodbye. */
  beforeClose?(): void;
  /** Runs once when the connection ends, however it ends: stop timers, abort requests. */
  dispose?(): void;
  /** Extra read-only members of the connection object (getters are kept), e.g. `sessionId`. */
  readonly extras?: X;
}

/** A provider's wire protocol: what {@link openProtocolConnection} needs. */
export interface WireProtocol<O, M, X extends object = object> extends ProviderIdentity {
  /** zod schema of every JSON message the server sends (a union). */
  readonly messages: z.ZodType<M>;
  /** Meaning of the provider's close codes; others are retryable `connection` errors. */
  readonly closeCodes?: CloseCodeTable;
  /** Creates the handlers of one connection (their state lives in this closure). */
  connection(ctx: ConnectionContext<O>): ConnectionHandlers<M, X>;
}

/** Where and how to connect. */
export interface OpenConnectionSettings<O> {
  /** The WebSocket URL (keys in its query are redacted from errors). */
  readonly url: string;
  /** Upgrade request headers (Node only). */
  readonly headers?: Record<string, string>;
  /** Subprotocols to offer. */
  readonly protocols?: string | string[];
  /** Governs the connect and the handshake; the connection's own `close()` governs after that. */
  readonly signal: AbortSignal;
  /** The provider's resolved options (`ctx.options`). */
  readonly options: O;
  /** The API key (`ctx.apiKey`). */
  readonly apiKey: string;
}

/** A connection made by the kit, with the adapter's extras. */
export type ProtocolConnection<X extends object = object> = SpeechConnection & X;

/**
 * Opens a socket, runs the protocol's handshake and resolves with the connection once `ctx.ready()` was
 * called. Rejects with a SpeechError: the socket's own (`auth`/`rate-limit` for a refused upgrade,
 * `connection`, `timeout`), the protocol's (`ctx.fail`, a close during the handshake, by table), or
 * `cancelled` when `signal` aborts.
 */
export async function openProtocolConnection<O, M, X extends object>(
  protocol: WireProtocol<O, M, X>,
  settings: OpenConnectionSettings<O>,
): Promise<ProtocolConnection<X>> {
  const { signal } = settings;
  const cancelled = (): SpeechError => new SpeechError('cancelled', `Connecting to ${labelOf(protocol)} was cancelled.`, { provider: protocol.name });
  if (signal.aborted) throw cancelled();
  // The caller's signal governs the handshake only: once open, the connection's close() does.
  const connecting = new AbortController();
  const onAbort = (): void => connecting.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let socket: WebSocketConnection;
  try {
    socket = await connectWebSocket(settings.url, {
      provider: protocol.name,
      signal: connecting.signal,
      ...(settings.headers === undefined ? {} : { headers: settings.headers }),
      ...(settings.protocols === undefined ? {} : { protocols: settings.protocols }),
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const connection = new KitConnection(protocol, settings.options, settings.apiKey, socket);
  await connection.start(signal, cancelled);
  return connection as unknown as ProtocolConnection<X>;
}

/**
 * A connection without a socket (ready at once; `ctx.send` does nothing): for adapters that can carry a
 * reply over another transport (e.g. an HTTP fallback) but keep the same bookkeeping.
 */
export function createSocketlessConnection<O, M, X extends object>(protocol: WireProtocol<O, M, X>, options: O, apiKey: string): ProtocolConnection<X> {
  return new KitConnection(protocol, options, apiKey, undefined) as unknown as ProtocolConnection<X>;
}

const OPEN = 1;

class KitConnection<O, M, X extends object> implements SpeechConnection {
  readonly events: Observable<ConnectionEvent>;
  keepAlive?: () => void;
  readonly #subject = new Subject<ConnectionEvent>();
  readonly #protocol: WireProtocol<O, M, X>;
  readonly #handlers: ConnectionHandlers<M, X>;
  readonly #retired = new Set<string>();
  readonly #finished = new Set<string>();
  #socket: WebSocketConnection | undefined;
  #ready: boolean;
  #ended = false;
  #settle: { resolve: () => void; reject: (error: SpeechError) => void } | undefined;

  constructor(protocol: WireProtocol<O, M, X>, options: O, apiKey: string, socket: WebSocketConnection | undefined) {
    this.#protocol = protocol;
    this.#socket = socket;
    this.#ready = socket === undefined;
    this.events = this.#subject.asObservable();
    this.#handlers = protocol.connection(this.#context(options, apiKey));
    const { keepAlive, extras } = this.#handlers;
    if (keepAlive) {
      this.keepAlive = () => {
        if (!this.#ended) this.#guard(() => keepAlive());
      };
    }
    if (extras) Object.defineProperties(this, Object.getOwnPropertyDescriptors(extras));
  }

  /**
   * Runs `open()`, then listens to the socket, and waits for `ready()` (at once without a socket); fails
   * with `cancelled` when `signal` aborts first.
   */
  start(signal: AbortSignal, cancelled: () => SpeechError): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    const onAbort = (): void => this.#fail(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    const socket = this.#socket;
    if (signal.aborted) onAbort();
    else if (socket) {
      this.#guard(() => this.#handlers.open?.());
      // Messages that arrived meanwhile were kept by the socket for its first subscriber.
      socket.messages.subscribe({ next: (m) => this.#onFrame(socket, m), error: () => undefined });
      void socket.closed.then((info) => this.#onSocketClosed(socket, info.code, info.reason));
    }
    return done.finally(() => signal.removeEventListener('abort', onAbort));
  }

  send(request: TextRequest): void {
    if (this.#ended || this.#retired.has(request.utteranceId) || this.#finished.has(request.utteranceId)) return;
    this.#guard(() => this.#handlers.send(request));
  }

  finish(utteranceId: string): void {
    if (this.#ended || this.#retired.has(utteranceId) || this.#finished.has(utteranceId)) return;
    this.#finished.add(utteranceId);
    this.#guard(() => this.#handlers.finish(utteranceId));
  }

  cancel(utteranceId: string): void {
    if (this.#ended || this.#retired.has(utteranceId)) return;
    this.#retire(utteranceId);
    this.#guard(() => this.#handlers.cancel?.(utteranceId));
  }

  close(): void {
    if (this.#ended) return;
    this.#closeSocket('client closing');
    this.#end(undefined);
  }

  // ---- internals ----

  #context(options: O, apiKey: string): ConnectionContext<O> {
    const self = this;
    const identity: ProviderIdentity = { name: this.#protocol.name, label: labelOf(this.#protocol) };
    return {
      options,
      apiKey,
      identity,
      get isReady() {
        return self.#ready;
      },
      get hasSocket() {
        return self.#socket !== undefined;
      },
      ready: () => {
        if (this.#ready || this.#ended) return;
        this.#ready = true;
        this.#settle?.resolve();
        this.#settle = undefined;
      },
      send: (message) => this.#write(JSON.stringify(message)),
      sendFrame: (data) => this.#write(data),
      closeSocket: () => this.#closeSocket('client closing'),
      emit: (event) => this.#emit(event),
      replyError: (utteranceId, error, segmentId) => {
        if (this.#ended || this.#retired.has(utteranceId)) return;
        this.#retire(utteranceId);
        this.#subject.next({ type: 'error', error, utteranceId, ...(segmentId === undefined ? {} : { segmentId }) });
      },
      fail: (error) => this.#fail(error),
      protocolError: (message) => this.#fail(protocolError(identity, message)),
      isRetired: (utteranceId) => this.#retired.has(utteranceId),
    };
  }

  #retire(utteranceId: string): void {
    this.#retired.add(utteranceId);
    this.#finished.delete(utteranceId);
  }

  #emit(event: ReplyEvent): void {
    if (this.#ended || this.#retired.has(event.utteranceId)) return;
    if (event.type === 'audio' && event.pcm.length === 0) return;
    if (event.type === 'utterance-done') this.#retire(event.utteranceId);
    this.#subject.next(event);
  }

  #write(data: string | Uint8Array): void {
    const socket = this.#socket;
    if (this.#ended || socket === undefined || socket.readyState !== OPEN) return;
    try {
      socket.send(data);
    } catch {
      // closing: the close is reported by #onSocketClosed
    }
  }

  /** Runs adapter code; what it throws fails the connection (`protocol` for bad data on the wire). */
  #guard(run: () => void, fallback: 'protocol' | 'provider' = 'provider'): void {
    try {
      run();
    } catch (error) {
      this.#fail(this.#thrown(error, fallback));
    }
  }

  #thrown(error: unknown, fallback: 'protocol' | 'provider'): SpeechError {
    if (error instanceof SpeechError && error.code !== 'invalid-input') return error;
    const label = labelOf(this.#protocol);
    const reason = error instanceof Error ? error.message : String(error);
    return fallback === 'protocol'
      ? protocolError(this.#protocol, `${label} sent data that could not be decoded: ${reason}`, error)
      : new SpeechError('provider', `The ${label} adapter failed: ${reason}`, { provider: this.#protocol.name, cause: error });
  }

  #onFrame(socket: WebSocketConnection, data: WebSocketMessage): void {
    if (this.#ended || socket !== this.#socket) return;
    const handlers = this.#handlers;
    try {
      if (typeof data !== 'string') {
        if (handlers.binary) handlers.binary(data);
        else this.#fail(protocolError(this.#protocol, `${labelOf(this.#protocol)} sent an unexpected binary frame.`));
        return;
      }
      const message = decodeJsonFrame(this.#protocol, this.#protocol.messages, data);
      if (message instanceof SpeechError) this.#fail(message);
      else handlers.message(message);
    } catch (error) {
      this.#fail(this.#thrown(error, 'protocol'));
    }
  }

  #onSocketClosed(socket: WebSocketConnection, code: number, reason: string): void {
    if (this.#ended || socket !== this.#socket) return;
    this.#socket = undefined;
    this.#fail(closeError(this.#protocol, this.#protocol.closeCodes, code, reason));
  }

  #closeSocket(reason: string): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    if (!this.#ended) this.#guard(() => this.#handlers.beforeClose?.());
    this.#socket = undefined;
    socket.close(1000, reason);
  }

  #fail(error: SpeechError): void {
    if (this.#ended) return;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, this.#ready ? 'error' : 'handshake failed');
    if (!this.#ready) {
      this.#ended = true;
      this.#dispose();
      this.#settle?.reject(error);
      this.#settle = undefined;
      this.#subject.complete();
      return;
    }
    this.#subject.next({ type: 'error', error });
    this.#end(error);
  }

  #end(error: SpeechError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#dispose();
    this.#subject.next(error === undefined ? { type: 'closed' } : { type: 'closed', error });
    this.#subject.complete();
  }

  #dispose(): void {
    try {
      this.#handlers.dispose?.();
    } catch {
      // cleanup must not turn into a second failure
    }
  }
}
