/**
 * Public types of the streaming segmenter.
 */

/**
 * Why a segment was cut where it was.
 * - `sentence`: a sentence end (. ! ? … 。 । ؟ ...), with its closing quotes and trailing whitespace.
 * - `line`: the end of a heading, list item, table row or other complete line.
 * - `paragraph`: a blank line.
 * - `clause`: an early release at a clause boundary (speech policy, first segment only).
 * - `code`: the end of a fenced code block (the block is one segment).
 * - `max-length`: the hard maximum length was reached; cut at the best clause, word or character boundary.
 * - `deadline`: the caller's time limit for first audio ran out ({@link Segmenter.releaseNow}); cut
 *   at the best clause, else word boundary of the text received so far.
 * - `end`: the end of the input (`end()`).
 */
export type CutReason = 'sentence' | 'line' | 'paragraph' | 'clause' | 'code' | 'max-length' | 'deadline' | 'end';

/**
 * Cut policy.
 * - `sentence`: cut at every sentence boundary (and line/paragraph ends, code blocks) and nowhere
 *   else except the hard length limit.
 * - `speech` (default): like `sentence`, plus an early first segment at a clause boundary and
 *   merging of very short sentences after it.
 */
export type Granularity = 'sentence' | 'speech';

/** Options of {@link createSegmenter} (all optional). */
export interface SegmenterOptions {
  /**
   * BCP 47 language tag of the text ("en", "de-AT", "zh-Hans"). Selects abbreviation lists and
   * number conventions. When absent, abbreviations of all supported languages are used and the
   * script of each character decides script-specific rules (Greek `;`, Thai spaces, CJK stops).
   */
  language?: string;
  /** Cut policy, default `'speech'`. */
  granularity?: Granularity;
  /** Hard maximum segment length in UTF-16 code units, default 200 (min 8). */
  maxLength?: number;
  /**
   * Speech policy only: the first segment is released at the first clause boundary
   * (", " "; " ": " "— " "、" "，") once it is at least this long. Default 24; `false` disables.
   */
  firstSegmentMinLength?: number | false;
  /**
   * Speech policy only: after the first segment, a sentence shorter than this is held and merged
   * with what follows (never beyond `maxLength`, never with code). Default 20; 0 disables.
   */
  minLength?: number;
  /** Make markdown speakable (default true). When false, `speakable` is the text (minus emoji). */
  markdown?: boolean;
  /**
   * Fenced code blocks: `'skip'` (default, speakable is empty), `'read'` (the code is read), or a
   * phrase spoken instead of the block (e.g. `"Here is a code sample."`).
   */
  code?: 'skip' | 'read' | (string & {});
  /** Emoji: `'drop'` (default) or `'keep'`. */
  emoji?: 'drop' | 'keep';
  /**
   * Extra abbreviations ("Approx.", "Bldg."): a period after them does not end a sentence unless
   * the next word is a common sentence starter ("The", "Der", ...).
   */
  abbreviations?: readonly string[];
}

/**
 * One piece of text the segmenter released.
 *
 * `text` is the exact slice `[start, end)` of the utterance: concatenating the texts of all
 * segments gives back the input exactly, for any chunking of it.
 */
export interface Segment {
  /** Zero-based index of this segment in the utterance. */
  readonly index: number;
  /** The exact slice of the input. */
  readonly text: string;
  /** UTF-16 offset of `text` in the whole utterance. */
  readonly start: number;
  /** UTF-16 offset just after `text` in the whole utterance. */
  readonly end: number;
  /** Why the segment was cut here. */
  readonly reason: CutReason;
  /** What to send to the speech engine; `''` when nothing in the segment is speakable. */
  readonly speakable: string;
  /**
   * Map from `speakable` back to the original text, as anchor triples
   * `[speakableIndex, originalOffset, length, ...]` (original offsets are absolute in the utterance).
   * A triple with `length > 0` says `speakable[s + k]` is the original character at `o + k` for
   * `k < length`; a triple with `length === 0` starts inserted text (a code phrase, a table comma)
   * whose characters all map to `o`. Each run extends to the next anchor. Use {@link Segment.toOriginal}.
   */
  readonly speakableMap: Uint32Array;
  /**
   * Absolute original offset of `speakable[speakableOffset]`; `end` for
   * `speakableOffset >= speakable.length`. The original text spoken when the first `n` speakable
   * characters were spoken is `[start, toOriginal(n))`.
   */
  toOriginal(speakableOffset: number): number;
}

/** A streaming segmenter for one utterance at a time. Pure and synchronous. */
export interface Segmenter {
  /** Appends a text delta; returns the segments whose boundary became certain with it. */
  push(delta: string): Segment[];
  /**
   * The time-based release hook: releases the pending text now, up to the best clause boundary,
   * else the best word boundary, of the text already received (never inside a word, number, URL,
   * abbreviation, inline code, tag or code block), with reason `deadline`; a short sentence held
   * for merging is released too. Returns `[]` when there is no such boundary yet. The segmenter
   * has no clock: the caller decides when (see {@link Segmenter.firstPendingSpeakable}).
   */
  releaseNow(): Segment[];
  /**
   * Absolute input offset of the first speakable character that has not been released, or
   * `undefined` when nothing speakable is pending (whitespace, a skipped code block). A caller
   * arms its first-audio timer when this turns defined and disarms it when it turns undefined.
   */
  firstPendingSpeakable(): number | undefined;
  /**
   * Ends the utterance: returns the remaining segments (possibly one with reason `end`), then
   * resets, so the same segmenter can take the next utterance (offsets restart at 0).
   */
  end(): Segment[];
}

/** Thrown by {@link createSegmenter} for an invalid option. */
export class SegmenterOptionsError extends RangeError {
  /** The offending option name. */
  readonly option: string;
  /** @param option - option name; @param message - what is wrong. */
  constructor(option: string, message: string) {
    super(`Invalid segmenter option "${option}": ${message}`);
    this.name = 'SegmenterOptionsError';
    this.option = option;
  }
}
