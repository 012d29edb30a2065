/**
 * Private adapter between the session engine and the segmenter: turns the segmenter's segments into
 * the engine's {@link EngineSegment}s (speakable text + a map back to original offsets), and splits
 * segments longer than a provider's `maxCharsPerRequest` at word boundaries.
 * @internal
 */
import { createSegmenter, type Segment, type SegmenterOptions } from '../segmenter/index.js';

/** A unit of text the engine sends to a provider. @internal */
export interface EngineSegment {
  /** Exact slice of the original text. */
  readonly text: string;
  /** Original offsets of `text`. */
  readonly start: number;
  readonly end: number;
  /** Speakable text (may be empty: then nothing is sent). */
  readonly speakable: string;
  readonly reason: string;
  /** Maps an offset in `speakable` (0..speakable.length) to an absolute original offset. */
  readonly toOriginal: (speakableOffset: number) => number;
}

/** The streaming segmenter as the engine uses it. @internal */
export interface EngineSegmenter {
  push(delta: string): EngineSegment[];
  end(): EngineSegment[];
}

interface RawSegment {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly speakable: string;
  readonly reason: string;
}

/**
 * Builds a speakable->original offset function from whatever map the segmenter provides.
 * Falls back to a proportional map when the segment carries none (exact when speakable === text).
 */
function offsetMapper(segment: RawSegment): (offset: number) => number {
  const seg = segment as RawSegment & Record<string, unknown>;
  const { start, end, speakable, text } = segment;
  const clamp = (value: number): number => Math.max(start, Math.min(end, value));
  for (const key of ['toOriginal', 'mapOffset', 'originalOffset']) {
    const fn = seg[key];
    if (typeof fn === 'function') {
      return (offset) => {
        const mapped = (fn as (n: number) => unknown).call(segment, offset);
        return typeof mapped === 'number' && Number.isFinite(mapped) ? clamp(mapped) : clamp(start + offset);
      };
    }
  }
  for (const key of ['offsetMap', 'map', 'offsets', 'sourceMap']) {
    const arr = seg[key];
    if (Array.isArray(arr) || ArrayBuffer.isView(arr)) {
      const list = arr as ArrayLike<number>;
      return (offset) => {
        if (offset >= speakable.length) return end;
        const v = list[Math.max(0, offset)];
        if (typeof v !== 'number') return clamp(start + offset);
        // Maps may hold absolute offsets or offsets relative to the segment.
        return clamp(v >= start ? v : start + v);
      };
    }
  }
  if (speakable === text) return (offset) => clamp(start + offset);
  return (offset) => (speakable.length === 0 ? end : clamp(start + Math.round((offset / speakable.length) * (end - start))));
}

function adapt(raw: RawSegment): EngineSegment {
  return {
    text: raw.text,
    start: raw.start,
    end: raw.end,
    speakable: raw.speakable,
    reason: raw.reason,
    toOriginal: offsetMapper(raw),
  };
}

/**
 * Benchmark probe: called when the segmenter has released segments, before the engine handles them
 * (so the bench can tell segmentation time from engine time). @internal
 */
export const releaseProbe: { onRelease: (() => void) | undefined } = { onRelease: undefined };

function released(list: readonly Segment[]): EngineSegment[] {
  if (list.length === 0) return [];
  releaseProbe.onRelease?.();
  return list.map((s) => adapt(s));
}

/** Creates the engine's segmenter over core's streaming segmenter. @internal */
export function createEngineSegmenter(options: SegmenterOptions | undefined): EngineSegmenter {
  const segmenter = createSegmenter(options ?? {});
  return {
    push: (delta) => released(segmenter.push(delta)),
    end: () => released(segmenter.end()),
  };
}

/**
 * Splits a segment whose speakable text is longer than `maxChars` at word boundaries (or hard, for a
 * single over-long word), keeping exact original offsets for each piece.
 * @internal
 */
export function splitSegment(segment: EngineSegment, original: (start: number, end: number) => string, maxChars: number | undefined): EngineSegment[] {
  const { speakable } = segment;
  if (maxChars === undefined || speakable.length <= maxChars) return [segment];
  const pieces: Array<[number, number]> = [];
  let from = 0;
  while (speakable.length - from > maxChars) {
    let cut = -1;
    for (let i = from + maxChars; i > from; i--) {
      if (/\s/.test(speakable[i] ?? '')) {
        cut = i;
        break;
      }
    }
    if (cut <= from) {
      cut = from + maxChars;
      // never cut a surrogate pair
      const code = speakable.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    } else {
      while (cut < speakable.length && /\s/.test(speakable[cut] ?? '')) cut++;
    }
    pieces.push([from, cut]);
    from = cut;
  }
  pieces.push([from, speakable.length]);
  const out: EngineSegment[] = [];
  let prevEnd = segment.start;
  pieces.forEach(([a, b], index) => {
    const last = index === pieces.length - 1;
    const start = prevEnd;
    const end = last ? segment.end : Math.max(start, segment.toOriginal(b));
    prevEnd = end;
    out.push({
      text: original(start, end),
      start,
      end,
      speakable: speakable.slice(a, b),
      reason: last ? segment.reason : 'max-length',
      toOriginal: (offset) => Math.max(start, Math.min(end, segment.toOriginal(a + offset))),
    });
  });
  return out;
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
