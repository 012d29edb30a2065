/**
 * Speakable text: markdown made speakable, emoji dropped, provider control tags kept, with a map
 * from speakable offsets back to original offsets.
 */

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

const EMPTY_MAP = new Uint32Array(0);
const EXT_PICT = /\p{Extended_Pictographic}/u;

class Builder {
  private readonly parts: string[] = [];
  private readonly anchors: number[] = [];
  private runLenSlot = -1; // index in anchors of the open copy run's length
  private runOrigEnd = -1;
  len = 0;
  constructor(
    private readonly text: string,
    private readonly offset: number,
  ) {}

  copy(from: number, to: number): void {
    if (to <= from) return;
    if (this.runLenSlot >= 0 && this.runOrigEnd === from) {
      this.anchors[this.runLenSlot]! += to - from;
    } else {
      this.anchors.push(this.len, this.offset + from, to - from);
      this.runLenSlot = this.anchors.length - 1;
    }
    this.runOrigEnd = to;
    this.parts.push(this.text.slice(from, to));
    this.len += to - from;
  }

  insert(str: string, at: number): void {
    if (!str) return;
    this.anchors.push(this.len, this.offset + at, 0);
    this.runLenSlot = -1;
    this.runOrigEnd = -1;
    this.parts.push(str);
    this.len += str.length;
  }

  finish(): SpeakableText {
    const text = this.parts.join('');
    if (!/\S/.test(text)) return { text: '', map: EMPTY_MAP };
    return { text, map: Uint32Array.from(this.anchors) };
  }
}

/** ASCII characters that start markdown syntax anywhere in a line. */
const MD_SPECIAL = new Uint8Array(128);
for (const ch of '\\`*_~[<|') MD_SPECIAL[ch.charCodeAt(0)] = 1;
/** ASCII characters that start markdown syntax only as the first visible character of a line. */
const MD_LINE_START = new Uint8Array(128);
for (const ch of '#>-+') MD_LINE_START[ch.charCodeAt(0)] = 1;

/** Extended_Pictographic flags for U+2000..U+2BFF (the BMP block range where emoji live), built once. */
let pictBmp: Uint8Array | undefined;
function isPictBmp(c: number): boolean {
  if (pictBmp === undefined) {
    pictBmp = new Uint8Array(0x0c00);
    for (let k = 0; k < 0x0c00; k++) if (EXT_PICT.test(String.fromCharCode(0x2000 + k))) pictBmp[k] = 1;
  }
  return pictBmp[c - 0x2000] === 1;
}

/**
 * True when `text` has nothing to convert: no markdown syntax (inline markers anywhere, block
 * markers at a line start) and no possible emoji. Its speakable text is then the text itself.
 */
function isPlain(text: string, markdown: boolean, dropEmoji: boolean): boolean {
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (c === 0x0a) {
        lineStart = true;
        continue;
      }
      if (lineStart) {
        if (c === 0x20 || c === 0x09) continue;
        lineStart = false;
        if (markdown && MD_LINE_START[c] === 1) return false;
      }
      if (markdown && MD_SPECIAL[c] === 1) return false;
    } else {
      if (lineStart) {
        lineStart = false;
        if (markdown && c === 0x2022) return false;
      }
      if (dropEmoji && c >= 0x2000) {
        if (c < 0x2c00) {
          if (c === 0x20e3 || isPictBmp(c)) return false;
        } else if (c >= 0xd800 && (c <= 0xdfff || (c >= 0xfe00 && c <= 0xfe0f))) return false;
        else if (c === 0x3030 || c === 0x303d || c === 0x3297 || c === 0x3299) return false;
      }
    }
  }
  return true;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0x80;
}

function isAsciiPunct(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/** Length of the emoji sequence at `i` (0 if none). */
function emojiLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x2000) return 0;
  if (c === 0xfe0f || c === 0x20e3) return 1;
  const cp = s.codePointAt(i) ?? c;
  const size = cp > 0xffff ? 2 : 1;
  const isRegional = cp >= 0x1f1e6 && cp <= 0x1f1ff;
  const isTone = cp >= 0x1f3fb && cp <= 0x1f3ff;
  const isTag = cp >= 0xe0020 && cp <= 0xe007f;
  if (!(isRegional || isTone || isTag || EXT_PICT.test(String.fromCodePoint(cp)))) return 0;
  // absorb modifiers, variation selectors, keycaps, tags and ZWJ sequences
  let j = i + size;
  for (;;) {
    const d = s.charCodeAt(j);
    if (d === 0xfe0f || d === 0x20e3) {
      j++;
      continue;
    }
    const dp = s.codePointAt(j) ?? 0;
    if ((dp >= 0x1f3fb && dp <= 0x1f3ff) || (dp >= 0xe0020 && dp <= 0xe007f) || (isRegional && dp >= 0x1f1e6 && dp <= 0x1f1ff)) {
      j += 2;
      continue;
    }
    if (d === 0x200d) {
      const np = s.codePointAt(j + 1) ?? 0;
      if (np > 0 && EXT_PICT.test(String.fromCodePoint(np))) {
        j += 1 + (np > 0xffff ? 2 : 1);
        continue;
      }
    }
    break;
  }
  return j - i;
}

function fenceRun(text: string, from: number, to: number): { ch: number; len: number } | null {
  let p = from;
  let spaces = 0;
  while (p < to && text.charCodeAt(p) === 0x20 && spaces < 4) {
    p++;
    spaces++;
  }
  if (spaces > 3) return null;
  const ch = text.charCodeAt(p);
  if (ch !== 0x60 && ch !== 0x7e) return null;
  let q = p;
  while (q < to && text.charCodeAt(q) === ch) q++;
  if (q - p < 3) return null;
  return { ch, len: q - p };
}

const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const HR = /^ {0,3}([-*_])( *\1){2,} *$/;
const TAG = /^<\/?[A-Za-z][A-Za-z0-9:_.-]*(\s[^<>]*)?\/?>/;
const COMMENT = /^<!--[\s\S]*?-->/;
const AUTOLINK = /^<((?:https?|ftp|mailto|tel):[^\s<>]*|[^\s<>@]+@[^\s<>]+\.[^\s<>]+)>/;

class Converter {
  private inFence: boolean;
  private fenceCh = 0;
  private fenceLen = 0;
  constructor(
    private readonly text: string,
    private readonly b: Builder,
    private readonly markdown: boolean,
    private readonly code: string,
    private readonly dropEmoji: boolean,
    inFence: boolean,
  ) {
    this.inFence = inFence;
  }

  run(): void {
    const { text } = this;
    const n = text.length;
    if (!this.markdown) {
      this.inline(0, n, false, false);
      return;
    }
    let i = 0;
    while (i < n) {
      const e = text.indexOf('\n', i);
      const lineEnd = e < 0 ? n : e;
      const next = e < 0 ? n : e + 1;
      this.line(i, lineEnd, next);
      i = next;
    }
  }

  private line(a: number, b: number, next: number): void {
    const { text } = this;
    const fence = fenceRun(text, a, b);
    if (this.inFence) {
      if (fence && (this.fenceCh === 0 || (fence.ch === this.fenceCh && fence.len >= this.fenceLen)) && /^\s*$/.test(text.slice(a, b).replace(/^\s*[`~]+/, ''))) {
        this.inFence = false;
        return;
      }
      if (this.code === 'read') this.copyRaw(a, next);
      return;
    }
    if (fence) {
      this.inFence = true;
      this.fenceCh = fence.ch;
      this.fenceLen = fence.len;
      if (this.code !== 'skip' && this.code !== 'read') {
        this.b.insert(this.code.endsWith(' ') ? this.code : `${this.code} `, a);
      }
      return;
    }
    const lineText = text.slice(a, b);
    if (lineText.includes('|') && TABLE_SEP.test(lineText)) return;
    if (HR.test(lineText)) return;
    let p = a;
    // indentation, blockquote markers
    for (;;) {
      while (p < b && (text.charCodeAt(p) === 0x20 || text.charCodeAt(p) === 0x09)) p++;
      if (p < b && text.charCodeAt(p) === 0x3e /* > */) {
        p++;
        continue;
      }
      break;
    }
    // heading
    if (text.charCodeAt(p) === 0x23) {
      let q = p;
      while (q < b && text.charCodeAt(q) === 0x23) q++;
      if (q - p <= 6 && (q === b || text.charCodeAt(q) === 0x20 || text.charCodeAt(q) === 0x09)) {
        p = q;
        while (p < b && text.charCodeAt(p) === 0x20) p++;
        // closing hashes
        let end = b;
        while (end > p && text.charCodeAt(end - 1) === 0x20) end--;
        let h = end;
        while (h > p && text.charCodeAt(h - 1) === 0x23) h--;
        if (h < end && (h === p || text.charCodeAt(h - 1) === 0x20)) {
          while (h > p && text.charCodeAt(h - 1) === 0x20) h--;
          this.inline(p, h, false, false);
          this.copyRaw(b, next);
          return;
        }
      }
    } else {
      // bullets: - * + •  (then optional task box)
      const c = text.charCodeAt(p);
      if ((c === 0x2d || c === 0x2a || c === 0x2b || c === 0x2022) && (text.charCodeAt(p + 1) === 0x20 || text.charCodeAt(p + 1) === 0x09)) {
        p += 2;
        while (p < b && text.charCodeAt(p) === 0x20) p++;
        if (/^\[[ xX]\] /.test(text.slice(p, p + 4))) p += 4;
      }
    }
    const table = text.charCodeAt(p) === 0x7c;
    this.inline(p, b, table, true);
    this.copyRaw(b, next);
  }

  private copyRaw(a: number, b: number): void {
    if (!this.dropEmoji) {
      this.b.copy(a, b);
      return;
    }
    this.inline(a, b, false, false, true);
  }

  /** Inline markdown between a and b. */
  private inline(a: number, b: number, table: boolean, md: boolean, rawOnly = false): void {
    const { text, b: out } = this;
    const markdown = md && this.markdown && !rawOnly;
    let run = a;
    let k = a;
    let tableTrailing = b;
    if (table) {
      while (tableTrailing > a && isWs(text.charCodeAt(tableTrailing - 1))) tableTrailing--;
      if (text.charCodeAt(tableTrailing - 1) !== 0x7c) tableTrailing = b;
      else tableTrailing--;
    }
    while (k < b) {
      const c = text.charCodeAt(k);
      if (c < 0x80) {
        if (!markdown) {
          k++;
          continue;
        }
        switch (c) {
          case 0x5c: {
            // backslash escape
            const d = text.charCodeAt(k + 1);
            if (k + 1 < b && isAsciiPunct(d)) {
              out.copy(run, k);
              run = k + 1;
              k += 2;
              continue;
            }
            k++;
            continue;
          }
          case 0x60: {
            let r = k;
            while (r < b && text.charCodeAt(r) === 0x60) r++;
            const n = r - k;
            const close = findRun(text, r, b, 0x60, n);
            out.copy(run, k);
            if (close >= 0) {
              let s = r;
              let e = close;
              if (e - s >= 2 && text.charCodeAt(s) === 0x20 && text.charCodeAt(e - 1) === 0x20) {
                s++;
                e--;
              }
              this.inline(s, e, false, false, true);
              k = close + n;
            } else {
              k = r;
            }
            run = k;
            continue;
          }
          case 0x2a:
          case 0x5f:
          case 0x7e: {
            let r = k;
            while (r < b && text.charCodeAt(r) === c) r++;
            const n = r - k;
            const prev = k > a ? text.charCodeAt(k - 1) : 0x20;
            const next = r < b ? text.charCodeAt(r) : 0x20;
            const left = !isWs(next);
            const right = !isWs(prev);
            let drop = (left || right) && n <= 3;
            if (c === 0x7e && n !== 2) drop = false;
            if (c === 0x5f && isAlnum(prev) && isAlnum(next)) drop = false;
            if (c === 0x2a && n === 1 && isAlnum(prev) && isAlnum(next) && prev < 0x80 && next < 0x80 && (prev <= 0x39 || next <= 0x39)) drop = false;
            if (drop) {
              out.copy(run, k);
              run = r;
            }
            k = r;
            continue;
          }
          case 0x21: // ! before [ : image
            if (text.charCodeAt(k + 1) === 0x5b) {
              const end = this.link(k + 1, b, run, k);
              if (end > 0) {
                run = k = end;
                continue;
              }
            }
            k++;
            continue;
          case 0x5b: {
            const end = this.link(k, b, run, k);
            if (end > 0) {
              run = k = end;
              continue;
            }
            k++;
            continue;
          }
          case 0x3c: {
            const rest = text.slice(k, Math.min(b, k + 2048));
            const auto = AUTOLINK.exec(rest);
            if (auto) {
              out.copy(run, k);
              out.copy(k + 1, k + auto[0].length - 1);
              k += auto[0].length;
              run = k;
              continue;
            }
            const tag = TAG.exec(rest) ?? COMMENT.exec(rest);
            if (tag) {
              // provider control tags and markup are kept intact
              k += tag[0].length;
              continue;
            }
            k++;
            continue;
          }
          case 0x7c:
            if (table) {
              out.copy(run, k);
              const first = !/\S/.test(text.slice(a, k));
              if (!first && k < tableTrailing) out.insert(',', k);
              run = k + 1;
              if (first) {
                while (run < b && isWs(text.charCodeAt(run))) run++;
                k = run;
                continue;
              }
            }
            k++;
            continue;
          default:
            k++;
            continue;
        }
      }
      if (this.dropEmoji) {
        const e = emojiLength(text, k);
        if (e > 0) {
          out.copy(run, k);
          k += e;
          run = k;
          continue;
        }
      }
      k++;
    }
    out.copy(run, b);
  }

  /** Markdown link or image at `k` ('['). Returns the index after it, or -1 if not a link. */
  private link(k: number, b: number, run: number, from: number): number {
    const { text, b: out } = this;
    const close = matchBracket(text, k, b, 0x5b, 0x5d);
    if (close < 0) return -1;
    if (text.charCodeAt(k + 1) === 0x5e) {
      // footnote reference [^1]
      out.copy(run, from);
      return close + 1;
    }
    const after = text.charCodeAt(close + 1);
    let end = -1;
    if (after === 0x28) {
      const paren = matchBracket(text, close + 1, b, 0x28, 0x29);
      if (paren < 0) return -1;
      end = paren + 1;
    } else if (after === 0x5b) {
      const ref = matchBracket(text, close + 1, b, 0x5b, 0x5d);
      if (ref < 0) return -1;
      end = ref + 1;
    } else {
      return -1;
    }
    out.copy(run, from);
    this.inline(k + 1, close, false, true);
    return end;
  }
}

function findRun(text: string, from: number, to: number, ch: number, n: number): number {
  let i = from;
  while (i < to) {
    if (text.charCodeAt(i) === ch) {
      let r = i;
      while (r < to && text.charCodeAt(r) === ch) r++;
      if (r - i === n) return i;
      i = r;
    } else i++;
  }
  return -1;
}

function matchBracket(text: string, open: number, to: number, o: number, c: number): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) {
      i++;
      continue;
    }
    if (ch === o) depth++;
    else if (ch === c) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
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
