/**
 * The released segment: an exact slice of the input with its speakable text and offset map.
 * @internal
 */
import { mapSpeakableOffset } from './speakable.js';
import type { CutReason, Segment } from './types.js';

const NO_MAP = new Uint32Array(0);

/** A {@link Segment}; the identity map of plain text is built on first use. @internal */
export class SegmentImpl implements Segment {
  /**
   * @param index - index in the utterance
   * @param text - the exact slice of the input
   * @param start - offset of `text` in the utterance
   * @param end - offset after `text`
   * @param reason - why it was cut here
   * @param speakable - what the engine says
   * @param map - anchor map, or `null` when `speakable` is `text` itself
   */
  constructor(
    readonly index: number,
    readonly text: string,
    readonly start: number,
    readonly end: number,
    readonly reason: CutReason,
    readonly speakable: string,
    private map: Uint32Array | null,
  ) {}

  /** Anchor triples from speakable offsets to original offsets (see {@link Segment.speakableMap}). */
  get speakableMap(): Uint32Array {
    if (this.map === null) this.map = this.speakable.length === 0 ? NO_MAP : Uint32Array.of(0, this.start, this.text.length);
    return this.map;
  }

  /** Original offset of `speakable[speakableOffset]` (see {@link Segment.toOriginal}). */
  toOriginal(speakableOffset: number): number {
    return mapSpeakableOffset(this.speakableMap, this.speakable.length, speakableOffset, this.end);
  }
}
