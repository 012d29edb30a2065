/**
 * {@link attachSpeechSocket}: a {@link SpeechLink} over a WebSocket-like object (the `ws`
 * package's sockets, the standard `WebSocket` of browsers, Node 22+, Deno and Bun clients).
 */
import { createSpeechLink, type SpeechLink, type SpeechLinkOptions } from './link.js';

/** The least of a WebSocket the link uses: `send`, `readyState`, and `message`/`close` listeners. */
export interface SpeechSocketLike {
  send(data: string | Uint8Array): void;
  /** 1 while open (the standard `WebSocket.OPEN`). */
  readonly readyState: number;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
}

const OPEN = 1;

function toReceivable(data: unknown): string | ArrayBuffer | ArrayBufferView | undefined {
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  if (Array.isArray(data)) return new Uint8Array(0); // ws fragments (binary): not part of the format
  return undefined;
}

/**
 * Relays speech to the browser on `socket` and takes its playback reports and barge-in back.
 * Closing the socket cancels the replies being relayed.
 *
 * @example
 * ```ts
 * wss.on('connection', (socket) => {
 *   const link = attachSpeechSocket(socket, { session: createSpeechSession({ provider: espeak() }) });
 *   link.say('Hello! Ask me anything.');
 * });
 * ```
 */
export function attachSpeechSocket(socket: SpeechSocketLike, options: SpeechLinkOptions = {}): SpeechLink {
  const link = createSpeechLink((data) => {
    if (socket.readyState === OPEN) socket.send(data);
  }, options);
  socket.addEventListener('message', (event) => {
    const data = toReceivable(event.data);
    if (data !== undefined) link.receive(data);
  });
  socket.addEventListener('close', () => link.close());
  return link;
}
