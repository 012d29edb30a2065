/**
 * The contract between the provider-agnostic core and a text-to-speech adapter.
 *
 * An adapter declares what its service can do ({@link ProviderCapabilities}) and opens
 * {@link SpeechConnection}s that translate a small set of calls (send a segment of text, finish a
 * reply, cancel a reply) to the wire and translate the wire back into {@link ConnectionEvent}s.
 * Everything else — segmentation, ordering, pipelining, timeouts, reconnection and replay,
 * interruption, pacing, metrics — is done once, in the core's session engine.
 */
import type { Observable } from 'rxjs';
import type { SpeechError } from './errors.js';

/**
 * How a provider takes text:
 * - `'incremental'`: one open stream of text per connection with server-side buffering
 *   (murmr, Deepgram, ElevenLabs single-context). Text is sent as it comes; replies run one after another.
 * - `'request'`: one self-contained request per segment (Uplift AI, OpenAI, the embedded engine).
 *   Several requests may be in flight; their audio may interleave and is put back in order by the core.
 * - `'context'`: many independent contexts on one connection (Murf, Cartesia, ElevenLabs multi-stream);
 *   one context per reply, cancelled through the context.
 */
export type TextInputMode = 'incremental' | 'request' | 'context';

/** Audio encodings a provider can deliver on the wire (the core always emits PCM16). */
export type AudioEncoding = 'pcm16' | 'float32' | 'mulaw' | 'alaw' | 'wav' | 'mp3' | 'opus' | 'ogg' | 'flac' | 'aac';

/** What a provider can do. The session engine chooses its strategy from this. */
export interface ProviderCapabilities {
  /** How the provider takes text. */
  readonly textInput: TextInputMode;
  /**
   * Whether the connection reports the end of each segment's audio (`segment-done` events with a
   * `segmentId`). When false, audio carries only the `utteranceId` and the core attributes it to
   * segments in order, by word timestamps when given and by an estimate otherwise.
   */
  readonly segmentAcks: boolean;
  /** Cancellation: a message on the wire (`'native'`) or only by closing the connection (`'close'`). */
  readonly cancel: 'native' | 'close';
  /** Whether the provider reports word timings (`word` connection events). */
  readonly wordTimestamps: boolean;
  /** Sample rate of the PCM this provider instance emits. */
  readonly sampleRate: number;
  /** Sample rates the service supports. */
  readonly sampleRates: readonly number[];
  /** Encodings the service supports on the wire. */
  readonly encodings: readonly AudioEncoding[];
  /** Maximum characters of text in one request or message; longer segments are split by the core. */
  readonly maxCharsPerRequest?: number;
  /** How many segments (requests) may be in flight on one connection at once. Default 1. */
  readonly maxConcurrentRequests?: number;
  /** How many replies may run at once on one connection (contexts). Default 1. */
  readonly maxConcurrentUtterances?: number;
  /** Send `keepAlive()` after this much idle time, when the service closes idle connections. */
  readonly keepAliveIntervalMs?: number;
  /** Reconnect between replies once a connection is this old (the service caps connection age). */
  readonly maxConnectionAgeMs?: number;
  /** Published per-key limits, used by the core's in-process limiter. */
  readonly limits?: ProviderLimits;
}

/** Per-API-key limits published by a provider. */
export interface ProviderLimits {
  /** Concurrent connections per key. */
  readonly concurrentConnections?: number;
  /** Synthesis requests per minute per key, counted as {@link ProviderLimits.counts} says. */
  readonly requestsPerMinute?: number;
  /**
   * What the service counts as one request of `requestsPerMinute`:
   * - `'request'`: each request (every segment sent); the default in `'request'` mode;
   * - `'flush'`: each flush of buffered text, for incremental services whose adapter flushes once per
   *   segment sent (murmr); counted per segment, times {@link ProviderLimits.requestCost};
   * - `'context'`: each reply's context or generation, however many segments it has; the default in
   *   `'incremental'` and `'context'` modes.
   */
  readonly counts?: 'request' | 'flush' | 'context';
  /**
   * How many requests the service counts for one segment's text, when one flush or request can count
   * more than once (murmr also starts a generation at clause boundaries it finds in its buffer).
   * Default 1. Ignored with `counts: 'context'`.
   */
  readonly requestCost?: (text: string) => number;
}

/** Options the session passes when it opens a connection. */
export interface ConnectOptions {
  /** Aborted when the session gives up (handshake timeout, cancellation, close). */
  readonly signal: AbortSignal;
}

/** A text-to-speech service, as the core sees it. Created by an adapter's factory (e.g. `espeak()`). */
export interface SpeechProvider {
  /** Short provider name used in errors and metrics, e.g. `"murmr"`. */
  readonly name: string;
  /** What this provider (with its configured options) can do. */
  readonly capabilities: ProviderCapabilities;
  /**
   * An opaque, secret-free key identifying the account for the in-process limiter (for example a
   * short hash of the API key). Providers with no account limits may omit it.
   */
  readonly limiterKey?: string;
  /**
   * Opens a connection and completes its handshake. Rejects with a {@link SpeechError}
   * (`auth`, `connection`, `rate-limit`, ...) or, when `signal` aborts, with a `cancelled` one.
   */
  connect(options: ConnectOptions): Promise<SpeechConnection>;
  /** Prepares the provider ahead of the first reply (loads an engine, warms a pool). Optional. */
  warmup?(): Promise<void>;
  /** Releases what the provider holds (worker threads, pooled sockets). Optional. */
  close?(): Promise<void>;
}

/** One segment of text to synthesize. */
export interface TextRequest {
  /** The reply this text belongs to (a context id in `'context'` mode). */
  readonly utteranceId: string;
  /** The segment's index in its reply; a request id in `'request'` mode. */
  readonly segmentId: number;
  /** Speakable text (never empty). */
  readonly text: string;
}

/** A word timing reported by the provider. */
export interface ProviderWord {
  /** The word, as in the sent text. */
  readonly text: string;
  /** Start, in ms from the start of the segment's audio (or the reply's, without `segmentId`). */
  readonly startMs: number;
  /** End, in ms, on the same time base as `startMs`. */
  readonly endMs: number;
  /** UTF-16 offset of the word in the sent text of its segment, when known. */
  readonly textOffset?: number;
}

/** Events a connection reports, in the order they came off the wire. */
export type ConnectionEvent =
  | {
      readonly type: 'audio';
      readonly utteranceId: string;
      /** Present when the wire says which segment (request) this audio belongs to. */
      readonly segmentId?: number;
      readonly pcm: Int16Array;
      readonly sampleRate: number;
    }
  | {
      readonly type: 'word';
      readonly utteranceId: string;
      readonly segmentId?: number;
      readonly word: ProviderWord;
    }
  | {
      /** All audio of one segment has arrived (only with `segmentAcks`). */
      readonly type: 'segment-done';
      readonly utteranceId: string;
      readonly segmentId: number;
    }
  | {
      /** All audio of the reply has arrived (after `finish`). */
      readonly type: 'utterance-done';
      readonly utteranceId: string;
    }
  | {
      /**
       * A failure. With an `utteranceId` (and maybe a `segmentId`) it concerns that reply only and
       * the connection stays usable; without one the connection is unusable and will close.
       */
      readonly type: 'error';
      readonly error: SpeechError;
      readonly utteranceId?: string;
      readonly segmentId?: number;
    }
  | {
      /** The connection closed. `error` is set when it was not closed by `close()`. */
      readonly type: 'closed';
      readonly error?: SpeechError;
    };

/**
 * An open connection to a provider. Methods never throw for wire problems: those arrive as
 * `error`/`closed` events. Calls after `close()` are ignored.
 */
export interface SpeechConnection {
  /** Everything the provider reports. Hot; completes after the `closed` event. */
  readonly events: Observable<ConnectionEvent>;
  /** Sends one segment of a reply. */
  send(request: TextRequest): void;
  /** No more text for this reply: flush / end the context. `utterance-done` follows its last audio. */
  finish(utteranceId: string): void;
  /**
   * Cancels a reply: natively (cancel/clear/close-context) where the provider can. Audio that still
   * arrives for it is dropped by the core. With `cancel: 'close'` the session closes the connection instead.
   */
  cancel(utteranceId: string): void;
  /** Keeps an idle connection open (sent every `keepAliveIntervalMs` of idleness). Optional. */
  keepAlive?(): void;
  /** Closes the connection. Emits `closed` (without error) and completes `events`. */
  close(): void;
}
