/**
 * The engine's state of one segment of a reply. The segment itself is the segmenter's {@link Segment}
 * (one type from the segmenter through the engine to the events); the state adds what the engine
 * learns while the segment is sent, synthesized and emitted.
 * @internal
 */
import type { ProviderWord } from '../provider.js';
import type { Segment } from '../segmenter/index.js';

/** Audio or a word of a segment that is not yet at the head of the output. @internal */
export type HeldItem = { readonly kind: 'audio'; readonly pcm: Int16Array } | { readonly kind: 'word'; readonly word: ProviderWord };

/**
 * A stretch of a segment's audio that one generation spoke: speakable text `[textFrom, textTo)` as
 * `samples` samples starting `sampleFrom` samples into the segment's emitted audio. A segment resumed
 * after a failure has one piece per generation that spoke part of it. @internal
 */
export interface SpokenPiece {
  readonly textFrom: number;
  /** End of the text this generation was given (narrowed to what was heard when it is cut short). */
  textTo: number;
  readonly sampleFrom: number;
  samples: number;
}

/** A word heard in a segment: its original end offset and its end in reply time. @internal */
export interface HeardWord {
  readonly end: number;
  readonly endMs: number;
}

/** Engine state of one segment. @internal */
export interface SegmentState {
  readonly segment: Segment;
  /** Index of the segment in its reply (the `segmentId` of its events). */
  readonly index: number;
  /** True when nothing in it is speakable: it is announced and ended without being sent. */
  readonly silent: boolean;
  /** `segment` event emitted. */
  announced: boolean;
  /** `segment-end` emitted. */
  ended: boolean;
  /** All of its audio (for the current generation) has arrived, or nothing needs sending. */
  done: boolean;
  /** Sent in the current generation. */
  sent: boolean;
  /** Offset in `speakable` where the text to send begins (after a resume at a word). */
  sendOffset: number;
  /** Items waiting until the segment is at the head. */
  held: HeldItem[];
  /** Samples of audio in `held` (audio held out of order: bounded by the dispatcher's backpressure). */
  heldSamples: number;
  /** Samples emitted (output rate). */
  emitted: number;
  /** Reply sample position where its audio starts (set when it becomes the head). */
  startSample: number;
  /** Which generation spoke which part (see {@link SpokenPiece}). */
  pieces: SpokenPiece[];
  /** Words emitted, for spoken-text accounting. */
  words: HeardWord[];
  /** Samples of the segment emitted before the current generation's audio for it (its words' time base). */
  generationBase: number;
  /** Reply sample where the next segment starts, known from word timings (no acks). */
  boundary: number | undefined;
  /** Search position for words in `speakable` that come without a text offset. */
  wordCursor: number;
  firstSentAt: number | undefined;
  firstAudioAt: number | undefined;
  /** Characters sent for this segment, over all generations. */
  charsSent: number;
}

/** A fresh state for `segment`, the `index`-th segment of its reply. @internal */
export function createSegmentState(segment: Segment, index: number): SegmentState {
  const silent = segment.speakable.trim().length === 0;
  return {
    segment,
    index,
    silent,
    announced: false,
    ended: false,
    done: silent,
    sent: false,
    sendOffset: 0,
    held: [],
    heldSamples: 0,
    emitted: 0,
    startSample: 0,
    pieces: [],
    words: [],
    generationBase: 0,
    boundary: undefined,
    wordCursor: 0,
    firstSentAt: undefined,
    firstAudioAt: undefined,
    charsSent: 0,
  };
}

/** The speakable text still to send for `state` in the current generation. @internal */
export function textToSend(state: SegmentState): string {
  return state.segment.speakable.slice(state.sendOffset);
}

/**
 * End offset (in `text`) of the last whole word that ends at or before `position`; 0 when none.
 * @internal
 */
export function wordBoundaryBefore(text: string, position: number): number {
  if (position >= text.length) return text.trimEnd().length;
  let best = 0;
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (end <= position) best = end;
    else break;
  }
  return best;
}

/** The first non-space offset at or after `position` in `text` (the start of the next word). @internal */
export function nextWordStart(text: string, position: number): number {
  let at = position;
  while (at < text.length && /\s/.test(text[at] ?? '')) at++;
  return at;
}

/** Finds `word` in `text` from `from` (exact, then case-insensitive, then by its letters). @internal */
export function findWord(text: string, word: string, from: number): number {
  const w = word.trim();
  if (w.length === 0) return -1;
  let at = text.indexOf(w, from);
  if (at >= 0) return at;
  const lower = text.toLowerCase();
  at = lower.indexOf(w.toLowerCase(), from);
  if (at >= 0) return at;
  const core = w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (core.length === 0 || core === w) return -1;
  return lower.indexOf(core.toLowerCase(), from);
}
