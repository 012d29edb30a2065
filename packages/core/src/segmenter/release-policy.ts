/**
 * The release policy: what happens to a piece of text once boundary detection has cut it.
 * - Certainty: a cut is released at once ('sentence' granularity).
 * - Speech: after the first speakable segment, a very short sentence is held and merged with what
 *   follows (never beyond `maxLength`, never with code).
 * - Nothing to say: a piece made only of punctuation and whitespace (". . .", a lone ")") is never
 *   sent on its own: it joins the next piece; at the end of the input it goes out with an empty
 *   `speakable`.
 * - Speakable text: markdown, emoji and skipped code are turned into what the engine says.
 * @internal
 */
import type { ResolvedOptions } from './options.js';
import { SegmentImpl } from './segment.js';
import { plainSpeakable, toSpeakable } from './speakable.js';
import type { CutReason, Segment } from './types.js';

/** A cut piece before the policy: the exact text and where it came from. @internal */
export interface CutPiece {
  readonly text: string;
  readonly start: number;
  readonly reason: CutReason;
  /** The piece starts inside a fenced code block. */
  readonly inFence: boolean;
  /** The piece is (or is inside) a code block. */
  readonly code: boolean;
}

/** Letters, digits and pictographs: a piece without any has nothing to say. */
const SAYABLE = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;

function merge(a: CutPiece, b: CutPiece): CutPiece {
  return { text: a.text + b.text, start: a.start, reason: b.reason, inFence: a.inFence, code: a.code || b.code };
}

/** Turns cut pieces into released segments. @internal */
export class ReleasePolicy {
  private index = 0;
  /** A short sentence held to be merged with the next piece (speech granularity). */
  private held: CutPiece | null = null;
  /** Punctuation or whitespace waiting to join the next piece. */
  private carry: CutPiece | null = null;
  private out: Segment[] = [];
  /** True once a segment with speakable text was released in this utterance. */
  spoken = false;

  /** @param options - the resolved segmenter options */
  constructor(private readonly options: ResolvedOptions) {}

  /** Takes a cut piece; released segments are collected until {@link ReleasePolicy.take}. */
  accept(piece: CutPiece): void {
    const max = this.options.maxLength;
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      if (piece.code || carry.text.length + piece.text.length > max) {
        // keep the order: a held sentence came before the carried punctuation
        this.releaseHeld();
        this.release(carry);
      } else piece = merge(carry, piece);
    }
    if (!piece.code && !SAYABLE.test(piece.text)) {
      this.carry = piece;
      return;
    }
    const o = this.options;
    if (o.granularity === 'sentence' || o.minLength === 0) {
      this.release(piece);
      return;
    }
    const held = this.held;
    if (held) {
      this.held = null;
      if (piece.code || held.text.length + piece.text.length > max) this.release(held);
      else piece = merge(held, piece);
    }
    if (this.spoken && piece.reason === 'sentence' && !piece.code && piece.text.trim().length < o.minLength) {
      this.held = piece;
      return;
    }
    this.release(piece);
  }

  /** Releases the held short sentence, if any (before a code block, on a deadline). */
  releaseHeld(): void {
    if (this.held) {
      const held = this.held;
      this.held = null;
      this.release(held);
    }
  }

  /** Releases everything still waiting (end of input). */
  flush(): void {
    if (this.held && this.carry && this.held.text.length + this.carry.text.length <= this.options.maxLength) {
      this.held = merge(this.held, this.carry);
      this.carry = null;
    }
    this.releaseHeld();
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      this.release(carry);
    }
  }

  /** Absolute offset of the held or carried text, or `undefined`. */
  waitingSince(): number | undefined {
    return this.held?.start ?? this.carry?.start;
  }

  /** True when a held sentence waits (it is speakable). */
  holdsSpeech(): boolean {
    return this.held !== null;
  }

  /** The segments released since the last call. */
  take(): Segment[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Forgets everything (next utterance). */
  reset(): void {
    this.index = 0;
    this.held = null;
    this.carry = null;
    this.out = [];
    this.spoken = false;
  }

  private release(piece: CutPiece): void {
    const o = this.options;
    const end = piece.start + piece.text.length;
    let speakable: string;
    let map: Uint32Array | null = null;
    const plain = piece.inFence ? null : plainSpeakable(piece.text, o.markdown, o.emoji === 'drop');
    if (plain !== null) speakable = plain;
    else {
      const sp = toSpeakable(piece.text, { markdown: o.markdown, code: o.code, emoji: o.emoji, offset: piece.start, inFence: piece.inFence });
      speakable = sp.text;
      map = sp.map;
    }
    // punctuation alone is not sent to the engine
    if (speakable.length > 0 && !piece.code && !SAYABLE.test(speakable)) {
      speakable = '';
      map = null;
    }
    if (speakable.length > 0) this.spoken = true;
    this.out.push(new SegmentImpl(this.index++, piece.text, piece.start, end, piece.reason, speakable, map));
  }
}
