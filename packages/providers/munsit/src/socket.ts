/**
 * The small socket surface the adapter needs, over `@utter/core`'s `connectWebSocket` (which maps a
 * refused upgrade to typed errors — 401/403 `auth`, 429 `rate-limit` — and prints URLs redacted).
 */
import { SpeechError, connectWebSocket, type WebSocketConnection } from '@utter/core';

/** The small socket surface the adapter needs. */
export interface WireSocket {
  /** Sends a text frame (ignored once closed). */
  send(text: string): void;
  /** Closes the socket. No `onClose` error follows a close made here. */
  close(code?: number, reason?: string): void;
  /** Sets the frame listener. Frames that arrived before are delivered at once, in order. */
  onMessage(listener: (data: string | Uint8Array) => void): void;
  /** Sets the close listener: `error` is undefined when the close was asked for through `close()`. */
  onClose(listener: (error: SpeechError | undefined) => void): void;
}

/** Options of {@link openWireSocket}. */
export interface OpenWireSocketOptions {
  /** Provider name for errors. */
  readonly provider: string;
  /** Request headers of the upgrade. */
  readonly headers?: Record<string, string>;
  /** Aborting while connecting rejects with `cancelled`. (Once open, the socket is closed through `close()`.) */
  readonly signal: AbortSignal;
}

/** Opens a socket; resolves once it is open. */
export async function openWireSocket(url: string, options: OpenWireSocketOptions): Promise<WireSocket> {
  const { provider, signal } = options;
  // The caller's signal governs the handshake only: after that the connection's own close() does.
  const handshake = new AbortController();
  const onAbort = (): void => handshake.abort();
  if (signal.aborted) handshake.abort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let socket: WebSocketConnection;
  try {
    socket = await connectWebSocket(url, {
      provider,
      signal: handshake.signal,
      ...(options.headers ? { headers: options.headers } : {}),
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return wrap(socket, provider);
}

function wrap(socket: WebSocketConnection, provider: string): WireSocket {
  let closedByUs = false;
  let messageListener: ((data: string | Uint8Array) => void) | undefined;
  let closeListener: ((error: SpeechError | undefined) => void) | undefined;
  const backlog: (string | Uint8Array)[] = [];
  let closeResult: { error: SpeechError | undefined } | undefined;
  socket.messages.subscribe({
    next(message) {
      if (messageListener) messageListener(message);
      else backlog.push(message);
    },
  });
  void socket.closed.then((info) => {
    const error = closedByUs
      ? undefined
      : new SpeechError('connection', `${provider}: the connection closed (code ${info.code}${info.reason ? `, ${info.reason.slice(0, 120)}` : ''}).`, {
          provider,
          providerCode: info.code,
        });
    closeResult = { error };
    closeListener?.(error);
  });
  return {
    send(text) {
      if (socket.readyState !== 1) return;
      try {
        socket.send(text);
      } catch {
        // closing: the close is reported through onClose
      }
    },
    close(code = 1000, reason = '') {
      closedByUs = true;
      socket.close(code, reason);
    },
    onMessage(listener) {
      messageListener = listener;
      while (backlog.length > 0 && messageListener === listener) listener(backlog.shift() as string | Uint8Array);
    },
    onClose(listener) {
      closeListener = listener;
      if (closeResult) listener(closeResult.error);
    },
  };
}
