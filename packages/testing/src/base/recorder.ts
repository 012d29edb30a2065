/**
 * What the client sent, and what it did wrong: every test server keeps a `received` log and a
 * `violations` list.
 */

/** One frame the client sent, as recorded by a test server. */
export interface ReceivedMessage {
  /** The connection it arrived on (1-based, in connection order). */
  readonly connectionId: number;
  /** Milliseconds since the server started listening (monotonic clock). */
  readonly at: number;
  /** Whether the frame was a binary frame. */
  readonly binary: boolean;
  /** The frame as text (UTF-8 decoded; binary frames too). */
  readonly text: string;
  /** The parsed JSON, when the frame is a text frame holding valid JSON. */
  readonly json?: unknown;
}

/** Something the client did that the real service would reject or that breaks its protocol. */
export interface Violation {
  readonly connectionId: number;
  /** Milliseconds since the server started listening. */
  readonly at: number;
  /** A short stable rule name, e.g. `'config-not-first'`, `'unknown-message'`. */
  readonly rule: string;
  /** What happened, for humans. */
  readonly message: string;
}

/** One WebSocket upgrade request the server saw (accepted or not). */
export interface UpgradeRecord {
  readonly connectionId: number;
  readonly at: number;
  /** The request path, without the query. */
  readonly path: string;
  /** The query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The request headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The HTTP status the server answered with (101 for an accepted upgrade), once answered. */
  status?: number;
}

/** One synthesis the server ran: what text it turned into audio and how it ended. */
export interface Generation {
  /** 1-based, in the server's generation order; tags the generation's audio (see `generationTag`). */
  readonly id: number;
  readonly connectionId: number;
  /** The context / request id the generation belongs to, when the protocol has one. */
  readonly key?: string;
  /** The text synthesized. */
  readonly text: string;
  /** Samples of audio produced for `text` (sent or not). */
  readonly samples: number;
  /** Samples actually sent to the client. */
  samplesSent: number;
  /** How it ended. */
  status: 'streaming' | 'complete' | 'cancelled' | 'dropped' | 'stalled' | 'error';
}
