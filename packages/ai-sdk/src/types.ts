/**
 * Structural types for the parts of the Vercel AI SDK that this package touches.
 *
 * `ai` is a peer dependency with the range `^5 || ^6 || ^7`. Importing its types would pin one major
 * (their generics and unions differ between majors), so these minimal interfaces describe only
 * what we read, and every major's real objects satisfy them (checked by tests against ai 5, 6 and 7).
 */

/**
 * One part of a `streamText` full stream (`result.stream` on ai@7, `result.fullStream` on ai 5 and 6).
 * Only `type` is required; the parts this package reads are described by {@link TextDeltaPartLike}
 * and {@link ErrorPartLike}. Everything else (reasoning, tool input, sources, files, ...) is skipped.
 */
export interface StreamPartLike {
  /** The part's kind, e.g. `'text-delta'`, `'reasoning-delta'`, `'tool-input-delta'`, `'finish-step'`. */
  readonly type: string;
}

/** A `text-delta` part (ai 5, 6 and 7 all carry the delta in `text`). */
export interface TextDeltaPartLike extends StreamPartLike {
  readonly type: 'text-delta';
  readonly text: string;
}

/** An `error` part of a full stream. */
export interface ErrorPartLike extends StreamPartLike {
  readonly type: 'error';
  readonly error: unknown;
}

/**
 * What this package needs of a `streamText` result: its full stream of parts. ai@7 names it
 * `stream` (and keeps `fullStream` as a deprecated alias); ai 5 and 6 name it `fullStream`.
 */
export type StreamTextResultLike =
  | { readonly stream: AsyncIterable<StreamPartLike>; readonly fullStream?: AsyncIterable<StreamPartLike> }
  | { readonly fullStream: AsyncIterable<StreamPartLike> };

/**
 * The shape of an AI SDK `experimental_transform` (`StreamTextTransform` in ai 5, 6 and 7):
 * called once per `streamText` call, it returns a TransformStream over the full stream's parts.
 *
 * The part type is generic so that the function is assignable to each major's own
 * `StreamTextTransform<TOOLS>` without naming it.
 */
export type StreamTextTransformLike = <PART extends StreamPartLike>(options: {
  readonly tools?: unknown;
  readonly stopStream: () => void;
}) => TransformStream<PART, PART>;

/**
 * A data part of a UI message stream (`{ type: 'data-<name>', id?, data, transient? }`), as
 * written by {@link writeSpeechToUIStream}.
 */
export interface DataUIChunkLike<NAME extends string = string, DATA = unknown> {
  readonly type: `data-${NAME}`;
  readonly id?: string;
  readonly data: DATA;
  readonly transient?: boolean;
}

/**
 * What {@link writeSpeechToUIStream} needs of the `writer` that `createUIMessageStream({ execute })`
 * hands out (ai 5, 6 and 7): a `write` method. Declared as a method so that a writer typed for a
 * specific `UIMessage` (with {@link SpeechUIDataTypes} in its data types) is accepted too.
 */
export interface UIMessageStreamWriterLike {
  /** Appends a chunk to the UI message stream. */
  write(part: SpeechUIChunk): void;
}

/** Data of a `data-speech-segment` part: a segment is starting to play (captions). Transient. */
export interface SpeechSegmentData {
  readonly utteranceId: string;
  readonly segmentId: number;
  /** The original text of the segment. */
  readonly text: string;
  /** UTF-16 offset of `text` in the reply's text. */
  readonly start: number;
  /** UTF-16 offset just past `text`. */
  readonly end: number;
  /** Where this segment starts in the reply's audio, in ms (for syncing captions to playback). */
  readonly audioOffsetMs: number;
}

/** Data of a `data-speech-audio` part: one segment's audio (only with the `audio` option). Transient. */
export interface SpeechAudioData {
  readonly utteranceId: string;
  readonly segmentId: number;
  /** A complete WAV file (PCM16 mono) of the segment's audio, base64-encoded. */
  readonly wavBase64: string;
  readonly sampleRate: number;
  /** Where this audio starts in the reply's audio, in ms. */
  readonly offsetMs: number;
  readonly durationMs: number;
}

/** Data of a `data-speech-interrupted` part: what the user actually heard. Stored with the message. */
export interface SpeechInterruptedData {
  readonly utteranceId: string;
  /** The original text actually heard (a prefix of the reply). */
  readonly spokenText: string;
  readonly spokenEnd: number;
  readonly playedMs: number;
}

/** Data of a `data-speech-metrics` part: latency and cost figures of the reply. Stored with the message. */
export interface SpeechMetricsData {
  readonly utteranceId: string;
  readonly outcome: 'completed' | 'interrupted';
  readonly provider: string;
  readonly timeToFirstAudioMs: number | undefined;
  readonly audioDurationMs: number;
  readonly totalMs: number;
  readonly charactersSent: number;
  readonly retries: number;
  readonly wastedCharacters: number;
}

/** Data of a `data-speech-error` part: speech failed (the text reply is unaffected). Stored. */
export interface SpeechErrorData {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * The data part types this package writes, for a typed `UIMessage`:
 *
 * @example
 * ```ts
 * type MyMessage = UIMessage<never, SpeechUIDataTypes>;
 * ```
 */
export type SpeechUIDataTypes = {
  'speech-segment': SpeechSegmentData;
  'speech-audio': SpeechAudioData;
  'speech-interrupted': SpeechInterruptedData;
  'speech-metrics': SpeechMetricsData;
  'speech-error': SpeechErrorData;
};

/** Every chunk {@link writeSpeechToUIStream} writes. */
export type SpeechUIChunk = {
  [NAME in keyof SpeechUIDataTypes & string]: DataUIChunkLike<NAME, SpeechUIDataTypes[NAME]>;
}[keyof SpeechUIDataTypes & string];
