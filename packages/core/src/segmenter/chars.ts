/**
 * Character classes used by the segmenter's hot loop. A 64 KiB table of flags per UTF-16 code unit.
 * @internal
 */

/** Whitespace (any). */
export const WS = 1;
/** Line break. */
export const NL = 2;
/** Sentence-final punctuation. */
export const TERM = 4;
/** Closing quote, bracket or markdown emphasis that may follow a sentence end. */
export const CLOSER = 8;
/** Clause punctuation. */
export const CLAUSE = 16;
/** Needs a dedicated handler (backtick, tilde, `<`). */
export const SPECIAL = 32;
/** Opening quote or bracket tracked for quote depth. */
export const OPEN = 64;

/** Per code unit flags. */
export const FLAGS = new Uint8Array(65536);

function set(chars: string, flag: number): void {
  for (const ch of chars) FLAGS[ch.charCodeAt(0)]! |= flag;
}

set(' \t\u000b\u000c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff', WS);
set('\n\r\u0085\u2028\u2029', WS | NL);
// Latin and general: . ! ? … ‽ ⁇ ⁈ ⁉; CJK 。｡！？．; Devanagari । ॥; Arabic ؟ ۔; Greek ; (U+037E);
// Armenian ։; Ethiopic ።; Myanmar ။; Khmer ។; Tibetan ། is too ambiguous (also a word separator).
set('.!?\u2026\u203d\u2047\u2048\u2049\u3002\uff61\uff01\uff1f\uff0e\u0964\u0965\u061f\u06d4\u037e\u0589\u1362\u104b\u17d4', TERM);
set('"\')]}\u201d\u2019\u00bb\u203a\u300d\u300f\uff09\uff3d\uff5d\u3011\u3015\u3009\u300b\u3017\u3019\u301b*_~', CLOSER);
set(',;:\u2014\u3001\uff0c\uff1b\uff1a\u060c\u061b\u0387\ufe50\ufe51\u2013', CLAUSE);
set('`<~', SPECIAL);
set('\u300c\u300e\u201c\u00ab\u2039\uff08\u3010\u300a\u3008', OPEN);

/** Terminals that end a sentence even when no space follows (CJK, Devanagari, Arabic...). */
export function isUnambiguousTerminal(c: number): boolean {
  return (
    c === 0x3002 || c === 0xff61 || c === 0xff01 || c === 0xff1f || c === 0x0964 || c === 0x0965 ||
    c === 0x061f || c === 0x06d4 || c === 0x037e || c === 0x0589 || c === 0x1362 || c === 0x104b || c === 0x17d4
  );
}

/** CJK full stops released at once even at the end of the buffer. */
export function isCjkFullStop(c: number): boolean {
  return c === 0x3002 || c === 0xff61;
}

/** Question and exclamation marks (any script). */
export function isStrongTerminal(c: number): boolean {
  return (
    c === 0x21 || c === 0x3f || c === 0x203d || c === 0x2047 || c === 0x2048 || c === 0x2049 ||
    c === 0xff01 || c === 0xff1f || c === 0x061f || c === 0x037e
  );
}

/** Closers that are quotation marks. */
export function isQuoteCloser(c: number): boolean {
  return c === 0x22 || c === 0x27 || c === 0x201d || c === 0x2019 || c === 0x00bb || c === 0x203a || c === 0x300d || c === 0x300f;
}

/** Characters of scripts written without spaces between words or sentences. */
export function isNoSpaceScript(cp: number): boolean {
  return (
    (cp >= 0x3040 && cp <= 0x30ff) || // kana
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x3000 && cp <= 0x303f) || // CJK punctuation
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x20000 && cp <= 0x3134f) ||
    (cp >= 0x0e00 && cp <= 0x0eff) || // Thai, Lao
    (cp >= 0x1000 && cp <= 0x109f) || // Myanmar
    (cp >= 0x1780 && cp <= 0x17ff) // Khmer
  );
}

/** Thai or Lao letters (sentences separated by spaces). */
export function isThai(cp: number): boolean {
  return cp >= 0x0e01 && cp <= 0x0eff;
}

/** Armenian letters (the script's full stop "։" is often typed as ":"). */
export function isArmenian(cp: number): boolean {
  return (cp >= 0x0531 && cp <= 0x058a) || (cp >= 0xfb13 && cp <= 0xfb17);
}

/** Greek letters. */
export function isGreek(cp: number): boolean {
  return (cp >= 0x0370 && cp <= 0x03ff) || (cp >= 0x1f00 && cp <= 0x1fff);
}

const LETTER = /\p{L}/u;
const WORDISH = /[\p{L}\p{N}\p{M}]/u;
const MARK = /\p{M}/u;

/** Letter test for one code point. */
export function isLetter(cp: number): boolean {
  if (!(cp >= 0 && cp <= 0x10ffff)) return false;
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return LETTER.test(String.fromCodePoint(cp));
}

/** Letter, digit or combining mark. */
export function isWordChar(cp: number): boolean {
  if (!(cp >= 0 && cp <= 0x10ffff)) return false;
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return WORDISH.test(String.fromCodePoint(cp));
}

/** Combining mark. */
export function isMark(cp: number): boolean {
  if (!(cp >= 0 && cp <= 0x10ffff)) return false;
  if (cp < 0x300) return false;
  return MARK.test(String.fromCodePoint(cp));
}

/** Lower-case letter (has an upper-case form different from itself). */
export function isLower(cp: number): boolean {
  if (!(cp >= 0 && cp <= 0x10ffff)) return false;
  if (cp < 0x80) return cp >= 0x61 && cp <= 0x7a;
  const s = String.fromCodePoint(cp);
  return s !== s.toUpperCase() && s === s.toLowerCase();
}

/** ASCII digit or other decimal digit. */
export function isDigit(cp: number): boolean {
  if (!(cp >= 0 && cp <= 0x10ffff)) return false;
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return /\p{Nd}/u.test(String.fromCodePoint(cp));
}

/** Capital letter of a cased script (has a distinct lower-case form). */
export function isCapital(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a;
  if (!isLetter(cp)) return false;
  const ch = String.fromCodePoint(cp);
  return ch.toLowerCase() !== ch;
}

/** ASCII digit. */
export function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** ASCII letter. */
export function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** List bullets that may precede an inline enumerator ("• 9.", "⁃10."). */
export function isBullet(c: number): boolean {
  return c === 0x2022 || c === 0x2043 || c === 0x2023 || c === 0x25e6 || c === 0x25aa || c === 0x25cf;
}
