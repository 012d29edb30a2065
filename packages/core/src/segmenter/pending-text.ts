/**
 * The pending text: what has been pushed and not yet released, as UTF-16 code units in
 * `codes[head, head + len)`. Appending a delta copies only the delta; the scanner reads code
 * units directly (no string concatenation or flattening per push); a segment's string is built
 * once, when it is cut. Offsets are relative to the pending start; `base` is the absolute offset
 * of that start in the utterance.
 * @internal
 */
import * as charsModule from './chars.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { isMark } = charsModule;

/** Growable code-unit buffer of the unreleased text. @internal */
export class PendingText {
  /** Code units; the pending ones are `[head, head + len)`. */
  codes = new Uint16Array(256);
  /** Index in `codes` of the first pending code unit. */
  head = 0;
  /** Number of pending code units. */
  len = 0;
  /** Absolute utterance offset of the first pending code unit. */
  base = 0;

  /** Appends a delta: copies its code units after the pending ones (cost proportional to the delta). */
  append(delta: string): void {
    const n = delta.length;
    let codes = this.codes;
    let end = this.head + this.len;
    if (end + n > codes.length) {
      // drop the released prefix; grow geometrically when still too small
      const need = this.len + n;
      if (need > codes.length >> 1) {
        let size = codes.length * 2;
        while (size < need * 2) size *= 2;
        const grown = new Uint16Array(size);
        grown.set(codes.subarray(this.head, end));
        codes = this.codes = grown;
      } else codes.copyWithin(0, this.head, end);
      this.head = 0;
      end = this.len;
    }
    for (let i = 0; i < n; i++) codes[end + i] = delta.charCodeAt(i);
    this.len += n;
  }

  /** Releases the first `n` code units. */
  drop(n: number): void {
    this.head += n;
    this.len -= n;
    this.base += n;
  }

  /** Empties the buffer for the next utterance. */
  clear(): void {
    this.head = 0;
    this.len = 0;
    this.base = 0;
    if (this.codes.length > 65536) this.codes = new Uint16Array(256);
  }

  /** Code unit at pending offset `i`; NaN outside the pending text (like `String#charCodeAt`). */
  unit(i: number): number {
    return i >= 0 && i < this.len ? this.codes[this.head + i]! : NaN;
  }

  /** Code point at `i` (joins a surrogate pair; a lone surrogate is returned as is); 0 outside. */
  codePoint(i: number): number {
    const hi = this.unit(i);
    if (hi >= 0xd800 && hi <= 0xdbff) {
      const lo = this.unit(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    }
    return hi === hi ? hi : 0;
  }

  /** Code point ending just before `i` (joins a surrogate pair). */
  codePointBefore(i: number): number {
    const lo = this.unit(i - 1);
    if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
      const hi = this.unit(i - 2);
      if (hi >= 0xd800 && hi <= 0xdbff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    }
    return lo;
  }

  /** The pending text `[a, b)` as a string. */
  slice(a: number, b: number): string {
    if (a < 0) a = 0;
    if (b > this.len) b = this.len;
    if (b <= a) return '';
    const codes = this.codes;
    const h = this.head + a;
    switch (b - a) {
      case 1:
        return String.fromCharCode(codes[h]!);
      case 2:
        return String.fromCharCode(codes[h]!, codes[h + 1]!);
      case 3:
        return String.fromCharCode(codes[h]!, codes[h + 1]!, codes[h + 2]!);
      case 4:
        return String.fromCharCode(codes[h]!, codes[h + 1]!, codes[h + 2]!, codes[h + 3]!);
      default: {
        // fromCharCode keeps lone surrogates exactly (a UTF-16 decoder would replace them, and is
        // no faster here); in slices, to stay far below the engine's argument count limit
        if (b - a <= 4096) return String.fromCharCode.apply(null, codes.subarray(h, h + b - a) as unknown as number[]);
        let out = '';
        for (let k = a; k < b; k += 4096) out += this.slice(k, Math.min(b, k + 4096));
        return out;
      }
    }
  }

  /** First index of code unit `c` in `[from, to)` of the pending text, or -1. */
  indexOf(c: number, from: number, to: number): number {
    const codes = this.codes;
    const h = this.head;
    if (to > this.len) to = this.len;
    for (let i = from > 0 ? from : 0; i < to; i++) if (codes[h + i] === c) return i;
    return -1;
  }

  /** Index of the `-->` that closes an HTML comment, searching from `from`, or -1. */
  indexOfCommentEnd(from: number): number {
    for (let i = Math.max(0, from); i + 2 < this.len; i++) {
      if (this.unit(i) === 0x2d && this.unit(i + 1) === 0x2d && this.unit(i + 2) === 0x3e) return i;
    }
    return -1;
  }

  /** True if a cut at `i` would split a surrogate pair or detach a combining mark / joiner. */
  badCut(i: number): boolean {
    if (i <= 0 || i >= this.len) return false;
    const c = this.unit(i);
    if (c >= 0xdc00 && c <= 0xdfff) return true;
    if (c === 0x200d || c === 0x20e3 || (c >= 0xfe00 && c <= 0xfe0f)) return true;
    if (this.unit(i - 1) === 0x200d) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const cp = this.codePoint(i);
      // skin tones, tags
      return (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f);
    }
    return isMark(c);
  }
}
