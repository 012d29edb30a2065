/**
 * Speakable text: markdown made speakable, emoji dropped, provider control tags kept, with a map
 * from speakable offsets back to original offsets.
 */
import { Builder, Converter, EMPTY_MAP } from './speakable-convert.js';
import { isPlain, isWs } from './speakable-syntax.js';

/** Options of {@link toSpeakable}. */
export interface SpeakableOptions {
  /** Make markdown speakable (default true). */
  markdown?: boolean;
  /** Fenced code: `'skip'` (default), `'read'`, or a phrase to say instead. */
  code?: string;
  /** Emoji: `'drop'` (default) or `'keep'`. */
  emoji?: 'drop' | 'keep';
  /** Added to every original offset in the map (the offset of `text` in its utterance). Default 0. */
  offset?: number;
  /** The text starts inside a fenced code block (default false). */
  inFence?: boolean;
}

/** Result of {@link toSpeakable}. */
export interface SpeakableText {
  /** The speakable text; `''` when nothing is speakable (only whitespace, markup, emoji, skipped code). */
  readonly text: string;
  /** Anchor triples `[speakableIndex, originalOffset, length, ...]`; see {@link Segment.speakableMap}. */
  readonly map: Uint32Array;
}

/**
 * Speakable text of `text` when nothing in it needs converting: the text itself, or `''` when it
 * is only whitespace; `null` when it needs the full conversion (its map is then not the identity).
 * @internal
 */
export function plainSpeakable(text: string, markdown: boolean, dropEmoji: boolean): string | null {
  if (!isPlain(text, markdown, dropEmoji)) return null;
  for (let k = 0; k < text.length; k++) if (!isWs(text.charCodeAt(k))) return text;
  return '';
}

/**
 * Converts text to what a speech engine should read: markdown emphasis, heading hashes, bullets,
 * blockquote markers, table pipes and link targets removed (links read as their text), fenced code
 * skipped / read / replaced by a phrase, emoji dropped; provider control tags (`<break time="1s"/>`,
 * SSML) kept intact. Returns `''` when nothing is speakable.
 *
 * @example
 * ```ts
 * toSpeakable('**Note:** see [the docs](https://x.dev) 🎉').text; // 'Note: see the docs '
 * ```
 */
export function toSpeakable(text: string, options: SpeakableOptions = {}): SpeakableText {
  const markdown = options.markdown ?? true;
  const dropEmoji = (options.emoji ?? 'drop') === 'drop';
  if (!options.inFence && isPlain(text, markdown, dropEmoji)) {
    // nothing to change: one anchor
    let k = 0;
    while (k < text.length && isWs(text.charCodeAt(k))) k++;
    if (k === text.length) return { text: '', map: EMPTY_MAP };
    return { text, map: Uint32Array.of(0, options.offset ?? 0, text.length) };
  }
  const b = new Builder(text, options.offset ?? 0);
  const conv = new Converter(
    text,
    b,
    options.markdown ?? true,
    options.code ?? 'skip',
    (options.emoji ?? 'drop') === 'drop',
    options.inFence ?? false,
  );
  conv.run();
  return b.finish();
}

/**
 * Maps a speakable offset back to an original offset with an anchor map from {@link toSpeakable}
 * (or {@link Segment.speakableMap}). Offsets at or past the end of the speakable text map to `end`.
 *
 * @param map - anchor triples
 * @param speakableLength - length of the speakable text
 * @param speakableOffset - offset in the speakable text
 * @param end - original offset returned for `speakableOffset >= speakableLength`
 */
export function mapSpeakableOffset(map: Uint32Array, speakableLength: number, speakableOffset: number, end: number): number {
  if (speakableOffset >= speakableLength || map.length === 0) return end;
  const i = Math.max(0, Math.floor(speakableOffset));
  // binary search the last anchor with s <= i
  let lo = 0;
  let hi = map.length / 3 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid * 3]! <= i) lo = mid;
    else hi = mid - 1;
  }
  const s = map[lo * 3]!;
  const o = map[lo * 3 + 1]!;
  const len = map[lo * 3 + 2]!;
  if (len === 0) return o;
  return o + Math.min(i - s, len - 1);
}
