/**
 * The one output vocabulary of utter: every way of speaking (RxJS, AI SDK, LangChain) emits
 * these events. Offsets are UTF-16 offsets into the reply's original text (what the LLM wrote).
 */
import type { SpeechError } from './errors.js';
import type { CutReason } from './segmenter/types.js';

/**
 * A segment of the reply starts: its `audio` and `word` events follow, then its `segment-end`.
 * Emitted when the segment becomes the one being output (so captions shown on this event are in
 * sync with the voice); the text may have been sent to the provider earlier, for pipelining.
 */
export interface SegmentEvent {
  readonly type: 'segment';
  /** The reply this segment belongs to. */
  readonly utteranceId: string;
  /** Index of the segment in its reply, from 0. */
  readonly segmentId: number;
  /** The exact slice of the original text. */
  readonly text: string;
  /** UTF-16 offset of `text` in the reply's original text. */
  readonly start: number;
  /** UTF-16 offset just past `text`. */
  readonly end: number;
  /** What is sent to the engine (markdown made speakable, code skipped, ...). */
  readonly speakable: string;
  /** Why the segmenter cut here. */
  readonly reason: CutReason;
}

/** A chunk of synthesized audio: 16-bit signed PCM, mono. */
export interface AudioEvent {
  readonly type: 'audio';
  readonly utteranceId: string;
  /** The segment this audio belongs to. */
  readonly segmentId: number;
  /** Mono PCM16 samples. */
  readonly pcm: Int16Array;
  /** Samples per second of `pcm`. */
  readonly sampleRate: number;
  /** Position of this chunk's first sample in the reply's audio, in ms. */
  readonly offsetMs: number;
}

/** A word's timing in the reply's audio, when the engine reports it. */
export interface WordEvent {
  readonly type: 'word';
  readonly utteranceId: string;
  readonly segmentId: number;
  /** The word as spoken (from the speakable text). */
  readonly text: string;
  /** Start of the word in the reply's audio, in ms. */
  readonly startMs: number;
  /** End of the word in the reply's audio, in ms. */
  readonly endMs: number;
  /** UTF-16 offsets of the word in the original text, when they can be mapped. */
  readonly start?: number;
  readonly end?: number;
}

/** All audio of a segment has been emitted. */
export interface SegmentEndEvent {
  readonly type: 'segment-end';
  readonly utteranceId: string;
  readonly segmentId: number;
  /** Duration of the segment's audio, in ms. */
  readonly audioMs: number;
}

/** Per-segment latency figures. */
export interface SegmentMetrics {
  readonly segmentId: number;
  /** Characters of speakable text sent for the segment. */
  readonly characters: number;
  /** From sending the segment's text to its first audio, in ms. */
  readonly timeToFirstByteMs: number | undefined;
  /** Duration of the segment's audio, in ms. */
  readonly audioMs: number;
}

/** Figures for one reply. All times come from the session's scheduler (virtual in tests). */
export interface UtteranceMetrics {
  /** From the first input token to the first audio event, in ms. */
  readonly timeToFirstAudioMs: number | undefined;
  /** From the first text sent to the provider to the first audio event, in ms. */
  readonly timeToFirstAudioFromTextMs: number | undefined;
  /** Total audio emitted, in ms. */
  readonly audioDurationMs: number;
  /** Wall time from first token to the end of the reply, in ms. */
  readonly totalMs: number;
  /** Synthesis time over audio duration (below 1 is faster than real time). */
  readonly realTimeFactor: number | undefined;
  /** Characters of speakable text sent to the provider (replays included). */
  readonly charactersSent: number;
  /** Reconnections/retries during the reply. */
  readonly retries: number;
  /** Characters synthesized (sent) but never heard because of an interruption or cancellation. */
  readonly wastedCharacters: number;
  /** Per-segment figures. */
  readonly segments: readonly SegmentMetrics[];
  /** The provider that produced the audio (the last one, with fallbacks). */
  readonly provider: string;
}

/** The reply has been spoken completely. */
export interface UtteranceEndEvent {
  readonly type: 'utterance-end';
  readonly utteranceId: string;
  /** The whole original text of the reply. */
  readonly text: string;
  readonly metrics: UtteranceMetrics;
}

/** Speech was interrupted (barge-in). No audio of this reply follows. */
export interface InterruptedEvent {
  readonly type: 'interrupted';
  readonly utteranceId: string;
  /** The original text actually heard, ending at a word boundary. A prefix of the reply. */
  readonly spokenText: string;
  /** UTF-16 offset in the original text where `spokenText` ends. */
  readonly spokenEnd: number;
  /** Audio heard before the interruption, in ms. */
  readonly playedMs: number;
  /** How the position was known: reported playback, word timestamps, or an estimate. */
  readonly basis: 'playback' | 'words' | 'estimate';
  readonly metrics: UtteranceMetrics;
}

/** Everything utter emits while speaking. Discriminate on `type`. */
export type SpeechEvent =
  | SegmentEvent
  | AudioEvent
  | WordEvent
  | SegmentEndEvent
  | UtteranceEndEvent
  | InterruptedEvent;

/** The `type` of each {@link SpeechEvent}. */
export type SpeechEventType = SpeechEvent['type'];

/** A failure reported as a value (for APIs that report rather than throw, e.g. metrics streams). */
export interface SpeechFailure {
  readonly type: 'error';
  readonly utteranceId: string;
  readonly error: SpeechError;
}
