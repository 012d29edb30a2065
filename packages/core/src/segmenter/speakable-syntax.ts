/**
 * Character tests and markdown patterns of the speakable-text conversion.
 * @internal
 */
/** Extended_Pictographic test. @internal */
export const EXT_PICT = /\p{Extended_Pictographic}/u;

/** ASCII characters that start markdown syntax anywhere in a line. */
export const MD_SPECIAL = new Uint8Array(128);
for (const ch of '\\`*_~[<|') MD_SPECIAL[ch.charCodeAt(0)] = 1;
/** ASCII characters that start markdown syntax only as the first visible character of a line. */
export const MD_LINE_START = new Uint8Array(128);
for (const ch of '#>-+') MD_LINE_START[ch.charCodeAt(0)] = 1;

/** Extended_Pictographic flags for U+2000..U+2BFF (the BMP block range where emoji live), built once. */
export let pictBmp: Uint8Array | undefined;
export function isPictBmp(c: number): boolean {
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
export function isPlain(text: string, markdown: boolean, dropEmoji: boolean): boolean {
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

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
}

export function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0x80;
}

export function isAsciiPunct(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/** Length of the emoji sequence at `i` (0 if none). */
export function emojiLength(s: string, i: number): number {
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

export function fenceRun(text: string, from: number, to: number): { ch: number; len: number } | null {
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

export const TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
export const HR = /^ {0,3}([-*_])( *\1){2,} *$/;
export const TAG = /^<\/?[A-Za-z][A-Za-z0-9:_.-]*(\s[^<>]*)?\/?>/;
export const COMMENT = /^<!--[\s\S]*?-->/;
export const AUTOLINK = /^<((?:https?|ftp|mailto|tel):[^\s<>]*|[^\s<>@]+@[^\s<>]+\.[^\s<>]+)>/;

export function findRun(text: string, from: number, to: number, ch: number, n: number): number {
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

export function matchBracket(text: string, open: number, to: number, o: number, c: number): number {
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

