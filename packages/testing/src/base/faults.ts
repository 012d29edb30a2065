/**
 * Fault injection options shared by every protocol test server. Each server maps the generic
 * faults to its provider's real failure (close code, error message, HTTP status).
 */

/** The provider errors every server can send, in its own wire shape. */
export type ProviderErrorKind = 'auth' | 'rate-limit' | 'text-too-long' | 'server';

/** An error the server sends on the N-th text message of a connection, or in the middle of its audio. */
export interface ErrorFault {
  /** Which error. */
  readonly kind: ProviderErrorKind;
  /** Send it in answer to this text message of the connection (1-based). Default 1 (the first). */
  readonly onText?: number;
  /**
   * Send it instead once this many audio chunks were sent on the connection, in the middle of a
   * generation (which then stops, with status `'error'`). Replaces `onText`.
   */
  readonly afterChunks?: number;
}

/** {@link ErrorFault} in its long form: `onText` is 0 (never) when the error fires after chunks. */
export interface NormalizedErrorFault {
  readonly kind: ProviderErrorKind;
  readonly onText: number;
  readonly afterChunks: number | undefined;
}

/** A malformed frame injected into the server's output. */
export interface MalformedFrameFault {
  /** Send it after this many audio chunks of the connection. Default 0 (before the first chunk). */
  readonly afterChunks?: number;
  /** The frame's text. Default: a truncated JSON object. */
  readonly frame?: string;
}

/**
 * Faults a test server injects. All are off by default; they apply to the first
 * `faultyConnections` connections only (default: every connection), so recovery can be tested.
 */
export interface FaultOptions {
  /** Answer the WebSocket upgrade with this HTTP status instead (e.g. 401, 429, 503). */
  readonly upgradeStatus?: number;
  /** Answer the HTTP upgrade only after this many ms. */
  readonly upgradeDelayMs?: number;
  /**
   * Delay the protocol's handshake message (murmr `config_ack`, Munsit `connectionInitialized`,
   * Uplift `ready`) by this many ms. For protocols without one (Murf), delays the HTTP upgrade.
   */
  readonly handshakeDelayMs?: number;
  /** Never send the handshake message (or, without one, never answer the HTTP upgrade). */
  readonly withholdHandshake?: boolean;
  /** Drop the TCP connection (no close frame) once this many audio chunks were sent on it. */
  readonly dropAfterChunks?: number;
  /** Drop the TCP connection (no close frame) this many ms after it opened. */
  readonly dropAfterMs?: number;
  /** Send a frame that is not valid for the protocol. `true` = before the first audio chunk. */
  readonly malformedFrame?: boolean | MalformedFrameFault;
  /** Answer a text message with the provider's error of this kind (or `{kind, onText}`). */
  readonly error?: ProviderErrorKind | ErrorFault;
  /** Generations never end: about half the audio is sent, then nothing (no done/final), socket stays open. */
  readonly neverEnd?: boolean;
  /** Close the connection after this many ms without a client message (the provider's idle close). */
  readonly idleCloseMs?: number;
  /** Apply the faults to the first N connections only. Default: all connections. */
  readonly faultyConnections?: number;
}

/** The `error` fault in its long form, or undefined. */
export function normalizeErrorFault(fault: FaultOptions['error']): NormalizedErrorFault | undefined {
  if (fault === undefined) return undefined;
  if (typeof fault === 'string') return { kind: fault, onText: 1, afterChunks: undefined };
  if (fault.afterChunks !== undefined) return { kind: fault.kind, onText: 0, afterChunks: fault.afterChunks };
  return { kind: fault.kind, onText: fault.onText ?? 1, afterChunks: undefined };
}

/** The `malformedFrame` fault in its long form, or undefined. */
export function normalizeMalformedFault(fault: FaultOptions['malformedFrame']): Required<MalformedFrameFault> | undefined {
  if (fault === undefined || fault === false) return undefined;
  const long = fault === true ? {} : fault;
  return { afterChunks: long.afterChunks ?? 0, frame: long.frame ?? '{"audio": "AAAA", "trunc' };
}
