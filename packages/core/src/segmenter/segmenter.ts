/**
 * The streaming text segmenter: decides when a piece of an LLM's text goes to the speech engine.
 *
 * Design: the pending text (code units in a growable `Uint16Array`, so that a push costs in
 * proportion to its delta) is scanned once, left to right, by a cursor (`pos`). Every
 * position before the cursor has been decided "no cut here" and its lexical state (code block,
 * inline code, tag, line start, quote depth, best clause/word candidates) is folded into fields.
 * A decision that needs text that has not arrived yet (a period at the end of the buffer, an
 * abbreviation waiting for the next word) leaves the cursor where it is and returns; the next push
 * resumes there. Look-ahead is bounded, so the total work is linear in the input.
 */
import {
  CLAUSE,
  CLOSER,
  FLAGS,
  NL,
  OPEN,
  SPECIAL,
  TERM,
  WS,
  isCjkFullStop,
  isArmenian,
  isDigit,
  isGreek,
  isLetter,
  isLower,
  isMark,
  isNoSpaceScript,
  isQuoteCloser,
  isStrongTerminal,
  isThai,
  isUnambiguousTerminal,
  isWordChar,
} from './chars.js';
import { type AbbrevClass, MAX_LOOKAHEAD_WORD, ROMAN, getLanguageData, isMonth, isStarter } from './lang.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { type CutPiece, ReleasePolicy } from './release-policy.js';
import type { CutReason, Segment, Segmenter, SegmenterOptions } from './types.js';

/** A code block longer than this (in skip/phrase mode) is released in pieces at line ends. */
const MAX_CODE_BLOCK = 4096;
/** Longest whitespace run we look across when deciding a sentence end. */
const MAX_WS_LOOKAHEAD = 64;

type Next = { kind: 'end' } | { kind: 'char'; first: number; word: string; dotAfter: boolean };

/**
 * What a period after a token means: an abbreviation class, a plain sentence end (`cut`), an
 * initial, a short number (maybe a date: "am 3. Oktober"), an ordinal number (German "am 3."),
 * or a longer number (a year).
 */
type PeriodClass = AbbrevClass | 'cut' | 'initial' | 'number' | 'ordinal' | 'year';

/** Thai conjunctions that continue a sentence after a space (but, and, or, which, because, so, if...). */
const THAI_CONJUNCTIONS = ['แต่', 'และ', 'หรือ', 'ซึ่ง', 'เพราะ', 'จึง', 'ถ้า', 'โดย', 'เพื่อ', 'ว่า', 'ที่'];

/** Words after which a number with a period is a German ordinal ("am 3.", "das 21."). */
const ORDINAL_CUES = new Set(['der', 'die', 'das', 'dem', 'den', 'des', 'am', 'im', 'vom', 'zum', 'zur', 'beim', 'ab', 'bis', 'seit']);

/** Capital letter of a cased script (has a distinct lower-case form). */
function isCapital(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a;
  if (!isLetter(cp)) return false;
  const ch = String.fromCodePoint(cp);
  return ch.toLowerCase() !== ch;
}

const VOWEL = /[aeiouyаеёиоуыэюяіїєөαεηιουω]/;
const CASED_WORD = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]+$/u;

/**
 * True for a token that reads as an abbreviation rather than a word: letters of a cased script
 * without any vowel ("tsp", "MwSt", "Hr", "str").
 */
function looksAbbreviated(token: string): boolean {
  if (token.length > 6) return false;
  let ascii = true;
  for (let i = 0; i < token.length; i++) {
    const raw = token.charCodeAt(i);
    if (raw >= 0x80) {
      ascii = false;
      break;
    }
    const c = raw | 0x20;
    if (c < 0x61 || c > 0x7a || c === 0x61 || c === 0x65 || c === 0x69 || c === 0x6f || c === 0x75 || c === 0x79) return false;
  }
  if (ascii) return true;
  if (!CASED_WORD.test(token)) return false;
  return !VOWEL.test(token.normalize('NFD').toLowerCase());
}
const WAIT = null;

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** List bullets that may precede an inline enumerator ("• 9.", "⁃10."). */
function isBullet(c: number): boolean {
  return c === 0x2022 || c === 0x2043 || c === 0x2023 || c === 0x25e6 || c === 0x25aa || c === 0x25cf;
}

let wordSegmenter: Intl.Segmenter | undefined;



class StreamingSegmenter implements Segmenter {
  private readonly o: ResolvedOptions;
  private readonly max: number;
  private readonly readCode: boolean;
  // Pending text, as UTF-16 code units in `codes[head, head + len)`: appending a delta copies only
  // the delta, the scanner reads code units directly (no string concatenation or flattening per
  // push), and a segment's text is built once, when it is cut. All positions below are relative to
  // the pending start.
  private codes = new Uint16Array(256);
  private head = 0;
  private len = 0;
  private base = 0;
  private pos = 0;
  private firstContent = -1;
  private lineStart = 0;
  private lastClause = -1;
  private lastSpace = -1;
  private quoteDepth = 0;
  private guillemets = 0;
  private fence = false;
  private fenceCh = 0;
  private fenceLen = 0;
  private fenceOpened = false;
  private fenceLineStart = 0;
  private segInFence = false;
  private inline = 0;
  private inlineStart = 0;
  private tagStart = -1;
  private tagQuote = 0;
  private lastToken = '';
  private classAt = -1;
  private tokenCache = '';
  private classCache: PeriodClass = 'cut';
  // inline list: the last enumerator seen ("1.", "b)", "• 9."), to cut before the next one
  private listKind = 0; // 0 none, 1 number, 2 letter
  private listValue = 0;
  private listDelim = 0; // 1 ".", 2 ".)", 3 ")"
  private listBullet = 0;
  // output
  private readonly policy: ReleasePolicy;

  constructor(options: ResolvedOptions) {
    this.o = options;
    this.max = options.maxLength;
    this.readCode = options.code === 'read';
    this.policy = new ReleasePolicy(options);
  }

  push(delta: string): Segment[] {
    if (typeof delta !== 'string') throw new TypeError(`Segmenter.push expects a string, got ${typeof delta}`);
    if (delta.length > 0) {
      this.append(delta);
      this.scan(false);
    }
    return this.policy.take();
  }

  releaseNow(): Segment[] {
    this.policy.releaseHeld();
    if (!this.fence) {
      // the best boundary in the text already decided "no sentence end here": a clause, else a
      // word (both are recorded outside inline code and tags only, so they lie before any open one)
      const fc = this.firstContent;
      let at = -1;
      if (this.lastClause > fc && fc >= 0) at = this.lastClause;
      else if (this.lastSpace > fc && fc >= 0) at = this.lastSpace;
      if (at > 0 && at <= this.pos) this.cut(at, 'deadline');
    }
    return this.policy.take();
  }

  firstPendingSpeakable(): number | undefined {
    const waiting = this.policy.holdsSpeech() ? this.policy.waitingSince() : undefined;
    if (waiting !== undefined) return waiting;
    // a skipped code block is not speakable; text before a fence is cut before the fence opens
    if (this.fence && !this.readCode) return undefined;
    const codes = this.codes;
    const h = this.head;
    for (let k = 0; k < this.len; k++) {
      const c = codes[h + k]!;
      if ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || (c >= 0x80 && !(FLAGS[c]! & WS))) return this.base + k;
    }
    return undefined;
  }

  end(): Segment[] {
    this.scan(true);
    if (this.fence) {
      this.fence = false;
      if (this.len > 0) this.cut(this.len, 'code');
    }
    while (this.len > 0) {
      if (this.len > this.max) {
        this.pos = Math.max(this.pos, this.max);
        this.forceCut();
      } else this.cut(this.len, 'end');
    }
    this.policy.flush();
    const out = this.policy.take();
    this.reset();
    return out;
  }

  private reset(): void {
    this.head = 0;
    this.len = 0;
    if (this.codes.length > 65536) this.codes = new Uint16Array(256);
    this.base = 0;
    this.pos = 0;
    this.firstContent = -1;
    this.lineStart = 0;
    this.lastClause = -1;
    this.lastSpace = -1;
    this.quoteDepth = 0;
    this.guillemets = 0;
    this.fence = false;
    this.fenceOpened = false;
    this.segInFence = false;
    this.inline = 0;
    this.tagStart = -1;
    this.policy.reset();
    this.classAt = -1;
    this.listKind = 0;
  }

  // ---------------------------------------------------------------- pending text

  /** Appends a delta: copies its code units after the pending ones (cost proportional to the delta). */
  private append(delta: string): void {
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

  /** Code unit at pending offset `i`; NaN outside the pending text (like `String#charCodeAt`). */
  private cc(i: number): number {
    return i >= 0 && i < this.len ? this.codes[this.head + i]! : NaN;
  }

  /** Code point at `i` (joins a surrogate pair; a lone surrogate is returned as is); 0 outside. */
  private cp(i: number): number {
    const hi = this.cc(i);
    if (hi >= 0xd800 && hi <= 0xdbff) {
      const lo = this.cc(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    }
    return hi === hi ? hi : 0;
  }

  /** Code point ending just before `i` (joins a surrogate pair). */
  private cpb(i: number): number {
    const lo = this.cc(i - 1);
    if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
      const hi = this.cc(i - 2);
      if (hi >= 0xd800 && hi <= 0xdbff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    }
    return lo;
  }

  /** The pending text `[a, b)` as a string. */
  private sub(a: number, b: number): string {
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
        for (let k = a; k < b; k += 4096) out += this.sub(k, Math.min(b, k + 4096));
        return out;
      }
    }
  }

  /** First index of code unit `c` in `[from, to)` of the pending text, or -1. */
  private indexOf(c: number, from: number, to: number): number {
    const codes = this.codes;
    const h = this.head;
    if (to > this.len) to = this.len;
    for (let i = from > 0 ? from : 0; i < to; i++) if (codes[h + i] === c) return i;
    return -1;
  }

  /** Index of the `-->` that closes an HTML comment, searching from `from`, or -1. */
  private indexOfCommentEnd(from: number): number {
    for (let i = Math.max(0, from); i + 2 < this.len; i++) {
      if (this.cc(i) === 0x2d && this.cc(i + 1) === 0x2d && this.cc(i + 2) === 0x3e) return i;
    }
    return -1;
  }

  /** True if a cut at `i` would split a surrogate pair or detach a combining mark / joiner. */
  private badCut(i: number): boolean {
    if (i <= 0 || i >= this.len) return false;
    const c = this.cc(i);
    if (c >= 0xdc00 && c <= 0xdfff) return true;
    if (c === 0x200d || c === 0x20e3 || (c >= 0xfe00 && c <= 0xfe0f)) return true;
    if (this.cc(i - 1) === 0x200d) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const cp = this.cp(i);
      // skin tones, tags
      return (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f);
    }
    return isMark(c);
  }

  // ---------------------------------------------------------------- scanning

  private scan(eof: boolean): void {
    for (;;) {
      const len = this.len;
      if (this.pos >= len) return;
      if (this.fence) {
        if (!this.scanFence(eof)) return;
        continue;
      }
      if (this.pos >= this.max) {
        this.forceCut();
        continue;
      }
      if (this.inline > 0) {
        if (!this.scanInline(eof)) return;
        continue;
      }
      if (this.tagStart >= 0) {
        if (!this.scanTag(eof)) return;
        continue;
      }
      // fast path over ordinary characters
      let p = this.pos;
      const lim = len < this.max ? len : this.max;
      const codes = this.codes;
      const h = this.head;
      let c = 0;
      if (this.firstContent >= 0) {
        // hot loop: ordinary characters, and single spaces after them (word boundaries)
        while (p < lim) {
          c = codes[h + p]!;
          if (FLAGS[c] === 0) p++;
          else if (c === 0x20 && p > 0) {
            const b = codes[h + p - 1]!;
            if (FLAGS[b] === 0 && b < 0x0e00) this.lastSpace = ++p;
            else break;
          } else break;
        }
      } else {
        while (p < lim && FLAGS[codes[h + p]!] === 0) p++;
        if (p > this.pos) this.firstContent = this.pos;
      }
      this.pos = p;
      if (p >= lim) continue;
      c = codes[h + p]!;
      const f = FLAGS[c]!;
      let ok: boolean;
      if (f & WS) ok = this.onWhitespace(p, c, eof);
      else {
        if (this.firstContent < 0) this.firstContent = p;
        if (f & TERM) ok = this.onTerminal(p, eof, false);
        else if (f & SPECIAL) ok = this.onSpecial(p, c, eof);
        else if (f & CLAUSE) ok = this.onClause(p, c, eof);
        else {
          if (f & OPEN) {
            this.quoteDepth++;
            if (c === 0xab) this.guillemets++;
          } else if (f & CLOSER) {
            if (c === 0x29) {
              const en = this.onEnumerator(p, eof);
              if (en === 'wait') return;
              if (en !== 'none') continue;
            }
            this.closeQuote(c);
          }
          this.pos = p + 1;
          ok = true;
        }
      }
      if (!ok) return;
    }
  }

  private closeQuote(c: number): void {
    if (isQuoteCloser(c) || c === 0xff09 || c === 0x3011 || c === 0x300b || c === 0x3009) {
      if (this.quoteDepth > 0) this.quoteDepth--;
      if (c === 0xbb && this.guillemets > 0) this.guillemets--;
    }
  }

  private onWhitespace(p: number, c: number, eof: boolean): boolean {
    if (FLAGS[c]! & NL) return this.onNewline(p, c, eof);
    if (p > 0) {
      const prev = this.cc(p - 1);
      if (!(FLAGS[prev]! & WS)) {
        if (prev === 0x2c || prev === 0x3b || prev === 0x3a || prev === 0x060c || prev === 0x061b || prev === 0x0387) {
          // "1, 2" and "10:30" are not clause boundaries; ", " after a word is
          if (!(prev === 0x2c && isDigit(this.cc(p - 2)) && isDigit(this.cc(p + 1)))) {
            if (this.recordClause(p + 1)) return true;
          }
        } else if ((prev === 0x2d || prev === 0x2013 || prev === 0x2014) && p >= 2 && FLAGS[this.cc(p - 2)]! & WS) {
          if (this.recordClause(p + 1)) return true;
        } else if (this.firstContent >= 0) {
          const pcp = this.cpb(p);
          if (isThai(pcp) && !(pcp === 0x0e2f && this.cc(p - 2) !== 0x0e25)) {
            // Thai separates sentences (and phrases) with a space; not after an abbreviation
            // ("กรุงเทพฯ") nor before a conjunction that continues the sentence ("แต่", "และ").
            if (p + 1 >= this.len) {
              if (!eof) return false;
            } else if (isThai(this.cp(p + 1))) {
              const joined = this.thaiConjunctionAt(p + 1, eof);
              if (joined === null) return false;
              if (!joined) {
                this.cut(this.wsEnd(p), 'sentence');
                return true;
              }
            }
          }
        }
      }
    }
    if (this.firstContent >= 0) this.lastSpace = p + 1;
    this.pos = p + 1;
    return true;
  }

  /** Whether a Thai conjunction starts at `at`; `null` when more text is needed to tell. */
  private thaiConjunctionAt(at: number, eof: boolean): boolean | null {
    const avail = this.len - at;
    for (const word of THAI_CONJUNCTIONS) {
      const n = Math.min(word.length, avail);
      let k = 0;
      while (k < n && this.cc(at + k) === word.charCodeAt(k)) k++;
      if (k === word.length) return true;
      if (k === avail && !eof) return null;
    }
    return false;
  }

  /** Records a clause boundary; in the speech policy may release the first segment. */
  private recordClause(at: number): boolean {
    if (this.firstContent < 0 || at > this.max) return false;
    this.lastClause = at;
    if (this.o.granularity === 'speech' && !this.policy.spoken && at >= this.o.firstSegmentMinLength) {
      this.cut(at, 'clause');
      return true;
    }
    return false;
  }

  private wsEnd(from: number): number {
    let w = from;
    while (w < this.len && FLAGS[this.cc(w)]! & WS && w - from < MAX_WS_LOOKAHEAD) w++;
    return w;
  }

  private onNewline(p: number, c: number, eof: boolean): boolean {
    const len = this.len;
    if (c === 0x0d) {
      if (p + 1 >= len && !eof) return false;
      if (this.cc(p + 1) === 0x0a) {
        this.pos = p + 1;
        return true;
      }
    }
    if (this.firstContent < 0) {
      this.lineStart = p + 1;
      this.quoteDepth = 0;
      this.guillemets = 0;
      this.pos = p + 1;
      return true;
    }
    const ls = this.lineStart;
    let kind: 'plain' | 'block' = 'plain';
    let q = Math.max(ls, 0);
    if (ls >= 0) {
      while (q < p && (this.cc(q) === 0x20 || this.cc(q) === 0x09)) q++;
      const h = this.cc(q);
      const h1 = this.cc(q + 1);
      if (h === 0x23 /* # */ || h === 0x7c /* | */) kind = 'block';
      else if ((h === 0x2d || h === 0x2a || h === 0x2b || h === 0x2022) && (h1 === 0x20 || h1 === 0x09)) kind = 'block';
      else if (h >= 0x30 && h <= 0x39) {
        let r = q;
        while (r < p && this.cc(r) >= 0x30 && this.cc(r) <= 0x39) r++;
        const d = this.cc(r);
        if ((d === 0x2e || d === 0x29) && (this.cc(r + 1) === 0x20 || this.cc(r + 1) === 0x09)) kind = 'block';
      }
    }
    if (kind === 'plain') {
      // last visible character of the line
      let e = p;
      while (e > 0 && e > ls) {
        const d = this.cc(e - 1);
        if (FLAGS[d]! & (WS | CLOSER)) e--;
        else break;
      }
      const last = e > 0 ? this.cc(e - 1) : 0;
      if (e <= ls || e <= 0) {
        // blank line while text is pending: paragraph end
        kind = 'block';
      } else if (FLAGS[last]! & (TERM | CLAUSE)) kind = 'block';
    }
    if (kind === 'plain') {
      // A plain line without final punctuation: a soft line break if the next line continues in
      // lower case, otherwise the end of the line.
      let n = p + 1;
      while (n < len && (this.cc(n) === 0x20 || this.cc(n) === 0x09) && n - p < 16) n++;
      if (n >= len) {
        if (!eof) return false;
        this.cut(len, 'line');
        return true;
      }
      const nc = this.cc(n);
      if (nc >= 0xd800 && nc <= 0xdbff && n + 1 >= len && !eof) return false;
      const ncp = this.cp(n);
      if (isLower(ncp)) {
        this.lineStart = p + 1;
        this.lastSpace = p + 1;
        this.pos = p + 1;
        return true;
      }
    }
    const w = this.wsEnd(p + 1);
    let para = false;
    for (let k = p + 1; k < w; k++) if (FLAGS[this.cc(k)]! & NL) para = true;
    this.cut(w, para ? 'paragraph' : 'line');
    return true;
  }

  private onClause(p: number, c: number, eof: boolean): boolean {
    if (c === 0x3b && p > 0) {
      // Greek question mark written as ';'
      let k = p;
      while (k > 0 && FLAGS[this.cc(k - 1)]! & CLOSER) k--;
      if (k > 0 && isGreek(this.cpb(k))) return this.onTerminal(p, eof, true);
    }
    if (c === 0x3a && p > 0 && isArmenian(this.cpb(p))) {
      // Armenian full stop "։" is commonly typed as a colon
      if (p + 1 >= this.len && !eof) return false;
      if (p + 1 >= this.len || FLAGS[this.cc(p + 1)]! & WS) return this.onTerminal(p, eof, true);
    }
    if (c === 0x3001 || c === 0xff0c || c === 0xff1b || c === 0xff1a || c === 0x2014 || c === 0xfe50 || c === 0xfe51) {
      if (this.recordClause(p + 1)) return true;
    }
    this.pos = p + 1;
    return true;
  }

  private onSpecial(p: number, c: number, eof: boolean): boolean {
    const len = this.len;
    if (c === 0x3c) {
      // '<' starts a tag when a letter, '/', '!' or '?' follows
      if (p + 1 >= len) {
        if (!eof) return false;
        this.pos = p + 1;
        return true;
      }
      const d = this.cc(p + 1);
      if ((d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a) || d === 0x2f || d === 0x21 || d === 0x3f) {
        this.tagStart = p;
        this.tagQuote = 0;
        this.pos = p + 1;
        return true;
      }
      this.pos = p + 1;
      return true;
    }
    // backtick or tilde run
    let r = p;
    while (r < len && this.cc(r) === c) r++;
    if (r >= len && !eof) return false;
    const n = r - p;
    let atLineStart = false;
    if (n >= 3 && this.lineStart >= 0 && p - this.lineStart <= 3) {
      atLineStart = true;
      for (let k = this.lineStart; k < p; k++) if (this.cc(k) !== 0x20) atLineStart = false;
    }
    if (atLineStart) {
      // fenced code block; text before it goes first
      if (this.firstContent >= 0 && this.firstContent < this.lineStart) {
        this.cut(this.lineStart, 'line');
        return true;
      }
      this.policy.releaseHeld();
      this.fence = true;
      this.fenceCh = c;
      this.fenceLen = n;
      this.fenceOpened = false;
      this.pos = r;
      return true;
    }
    if (c === 0x60) {
      this.inline = n;
      this.inlineStart = p;
    }
    this.pos = r;
    return true;
  }

  private scanFence(eof: boolean): boolean {
    const nl = this.indexOf(0x0a, this.pos, this.len);
    if (nl < 0) {
      if (!eof) {
        this.pos = this.len;
        return false;
      }
      this.fence = false;
      this.cut(this.len, 'code');
      return true;
    }
    if (!this.fenceOpened) {
      this.fenceOpened = true;
      this.fenceLineStart = nl + 1;
      this.pos = nl + 1;
      return true;
    }
    if (this.isClosingFence(this.fenceLineStart, nl)) {
      this.fence = false;
      this.cut(nl + 1, 'code');
      return true;
    }
    if (this.readCode) {
      if (nl + 1 > this.max) {
        this.pos = Math.min(nl + 1, this.len);
        this.forceCut();
        return true;
      }
      if (this.firstContent < 0) this.firstContent = 0;
      this.lastClause = nl + 1;
    } else if (nl + 1 > MAX_CODE_BLOCK) {
      this.fenceLineStart = nl + 1;
      this.cut(nl + 1, 'code');
      return true;
    }
    this.fenceLineStart = nl + 1;
    this.pos = nl + 1;
    return true;
  }

  private isClosingFence(a: number, b: number): boolean {
    let p = a;
    while (p < b && this.cc(p) === 0x20 && p - a < 4) p++;
    if (p - a > 3) return false;
    let q = p;
    while (q < b && this.cc(q) === this.fenceCh) q++;
    if (q - p < this.fenceLen) return false;
    for (; q < b; q++) {
      const d = this.cc(q);
      if (d !== 0x20 && d !== 0x09 && d !== 0x0d) return false;
    }
    return true;
  }

  private scanInline(eof: boolean): boolean {
    const len = this.len;
    const lim = len < this.max ? len : this.max;
    let q = this.pos;
    while (q < lim) {
      const d = this.cc(q);
      if (d === 0x0a) {
        // not code after all: rescan after the opening run as ordinary text (the run may have
        // been released already by a forced cut)
        this.pos = Math.max(0, this.inlineStart + this.inline);
        this.inline = 0;
        return true;
      }
      if (d === 0x60) {
        let r = q;
        while (r < len && this.cc(r) === 0x60) r++;
        if (r >= len && !eof) {
          this.pos = q;
          return false;
        }
        if (r - q === this.inline) {
          this.inline = 0;
          this.pos = r;
          return true;
        }
        q = r;
        continue;
      }
      q++;
    }
    this.pos = q;
    if (q >= this.max) return true; // forced cut happens in scan()
    if (eof) {
      this.pos = Math.max(0, this.inlineStart + this.inline);
      this.inline = 0;
      return true;
    }
    return false;
  }

  private scanTag(eof: boolean): boolean {
    const len = this.len;
    const lim = len < this.max ? len : this.max;
    let q = this.pos;
    const ts = this.tagStart;
    if (this.cc(ts + 1) === 0x21 && this.cc(ts + 2) === 0x2d && this.cc(ts + 3) === 0x2d) {
      const close = this.indexOfCommentEnd(Math.max(q - 2, ts + 4));
      if (close >= 0) {
        this.tagStart = -1;
        this.pos = close + 3;
        return true;
      }
      if (eof || len - this.tagStart > 4096) return this.abandonTag();
      this.pos = Math.max(this.pos, len - 2);
      if (len >= this.max) {
        this.pos = Math.max(this.pos, this.max);
        return true;
      }
      return false;
    }
    while (q < lim) {
      const d = this.cc(q);
      if (this.tagQuote !== 0) {
        if (d === this.tagQuote) this.tagQuote = 0;
        else if (d === 0x0a) return this.abandonTag();
        q++;
        continue;
      }
      if (d === 0x3e) {
        this.tagStart = -1;
        this.pos = q + 1;
        return true;
      }
      if (d === 0x22 || d === 0x27) this.tagQuote = d;
      else if (d === 0x0a || d === 0x3c || q - this.tagStart > 512) return this.abandonTag();
      else if (d === 0x2e || d === 0x21 || d === 0x3f) {
        if (q + 1 >= len && !eof) {
          this.pos = q;
          return false;
        }
        if (q + 1 < len && FLAGS[this.cc(q + 1)]! & WS) return this.abandonTag();
      }
      q++;
    }
    this.pos = q;
    if (q >= this.max) return true;
    if (eof) return this.abandonTag();
    return false;
  }

  private abandonTag(): boolean {
    this.pos = this.tagStart + 1;
    this.tagStart = -1;
    this.tagQuote = 0;
    return true;
  }

  // ---------------------------------------------------------------- sentence ends

  private onTerminal(p: number, eof: boolean, greekQuestion: boolean): boolean {
    const len = this.len;
    if (!greekQuestion && this.cc(p) === 0x2e) {
      const en = this.onEnumerator(p, eof);
      if (en !== 'none') return en !== 'wait';
      // an ellipsis in brackets ("[...]", "(…)") marks an omission, never a sentence end
      const open = this.cc(p - 1);
      if (open === 0x5b || open === 0x28) {
        let k = p;
        while (k < len && (this.cc(k) === 0x2e || this.cc(k) === 0x2026)) k++;
        if (k >= len && !eof) return false;
        if (k - p >= 2 && (this.cc(k) === 0x5d || this.cc(k) === 0x29)) {
          this.pos = k;
          return true;
        }
      }
    }
    let j = p;
    let strong = greekQuestion;
    let exclaim = false;
    let spacedDots = false;
    let bracketClosed = false;
    let dots = 0;
    let ellipsis = false;
    let unambiguous = greekQuestion;
    let cjkStop = false;
    let quoteClosed = false;
    let depth = this.quoteDepth;
    let guil = this.guillemets;
    if (greekQuestion) j++;
    for (;;) {
      while (j < len) {
        const d = this.cc(j);
        const fl = FLAGS[d]!;
        if (fl & TERM) {
          if (d === 0x2e) dots++;
          else if (d === 0x2026) ellipsis = true;
          if (isStrongTerminal(d)) {
            strong = true;
            if (d === 0x21 || d === 0x3f) exclaim = true;
          }
          if (isUnambiguousTerminal(d)) unambiguous = true;
          if (isCjkFullStop(d)) cjkStop = true;
          j++;
        } else if (fl & CLOSER) {
          if (isQuoteCloser(d) || d === 0x29 || d === 0x5d) {
            if (isQuoteCloser(d)) quoteClosed = true;
            else bracketClosed = true;
            if (depth > 0) depth--;
            if (d === 0xbb && guil > 0) guil--;
          }
          j++;
        } else if (d === 0x20 && this.cc(j - 1) === 0x2e) {
          // a spaced ellipsis: ". . ." (one space between the dots)
          if (j + 1 >= len) {
            // ". " may go on as a spaced ellipsis (". . ."): decided by the next character
            if (!eof) return false;
            break;
          }
          if (this.cc(j + 1) !== 0x2e) break;
          const after = this.cc(j + 2);
          if (j + 2 >= len && !eof) return false;
          if (!(j + 2 >= len || after === 0x2e || after === 0x20 || FLAGS[after]! & (WS | CLOSER))) break;
          spacedDots = true;
          j++;
        } else if (d === 0x3c && j + 1 >= len && !eof) {
          return false;
        } else if (d === 0x3c && j + 1 < len && this.cc(j + 1) === 0x2f) {
          // a closing tag after a sentence end belongs to that sentence: "World.</speak> Next"
          const gt = this.indexOf(0x3e, j, j + 65);
          if (gt < 0 && len - j < 64 && !eof && /^<\/[A-Za-z0-9:_-]*$/.test(this.sub(j, len))) return false;
          if (gt < 0 || !/^[A-Za-z][A-Za-z0-9:_-]*$/.test(this.sub(j + 2, gt))) break;
          j = gt + 1;
        } else if ((d === 0x201c || d === 0x2018 || d === 0xab || d === 0x2039) && j > p) {
          // right after a sentence end, “ ‘ « ‹ close a quotation („Ja.“, »Ja.«)
          quoteClosed = true;
          if (d === 0x201c && depth > 0) depth--;
          j++;
        } else break;
      }
      if (dots >= 2) ellipsis = true;
      if (j >= len) {
        if (eof) {
          this.commitQuotes(depth, guil);
          this.cut(len, 'sentence');
          return true;
        }
        // 。 is released at once, unless a closing bracket follows it (「…。」と: wait for the next character)
        const last = this.cc(j - 1);
        if (cjkStop && !strong && depth === 0 && last !== 0x300d && last !== 0x300f) {
          this.commitQuotes(depth, guil);
          this.cut(j, 'sentence');
          return true;
        }
        return false;
      }
      const n = this.cc(j);
      if (!(FLAGS[n]! & WS)) {
        if (n >= 0xd800 && n <= 0xdbff && j + 1 >= len && !eof) return false;
        const ncp = this.cp(j);
        let cutHere = unambiguous;
        // Japanese quotes a sentence inside a sentence: 「また明日。」と言った
        const before = this.cc(j - 1);
        if ((before === 0x300d || before === 0x300f) && (n === 0x3068 || n === 0x3063)) cutHere = false;
        if (!cutHere && strong && !ellipsis) {
          const k = p > 0 ? this.cpb(p) : 0;
          cutHere = isNoSpaceScript(ncp) || isNoSpaceScript(k);
        }
        if (!cutHere && dots === 1 && !strong && isNoSpaceScript(ncp) && p > 0 && isNoSpaceScript(this.cpb(p))) cutHere = true;
        this.commitQuotes(depth, guil);
        if (cutHere) {
          this.cut(j, 'sentence');
          return true;
        }
        this.pos = j;
        return true;
      }
      // whitespace follows
      const w = this.wsEnd(j);
      if (w >= len && this.cc(w - 1) === 0x0d && !eof) return false;
      let nl = false;
      for (let k = j; k < w; k++) if (FLAGS[this.cc(k)]! & NL) nl = true;
      if (guil > 0 && !nl) {
        // French: « Bonjour. » — the closing guillemet follows a space
        if (w >= len && !eof) return false;
        if (w < len && this.cc(w) === 0xbb) {
          j = w;
          continue;
        }
      }
      const end = w;
      if (nl || unambiguous) return this.finishCut(end, depth, guil);
      let cls: PeriodClass | 'ellipsis' | 'quoted' | 'exclaim';
      if (spacedDots) {
        const spaced = this.spacedEllipsis(p, dots, w, eof);
        if (spaced === WAIT) return false;
        if (spaced < 0) {
          this.commitQuotes(depth, guil);
          this.pos = j;
          return true;
        }
        return this.finishCut(spaced, depth, guil);
      }
      if (strong) cls = quoteClosed || bracketClosed ? 'quoted' : exclaim ? 'exclaim' : 'cut';
      else if (ellipsis) cls = bracketClosed ? 'quoted' : 'ellipsis';
      else {
        cls = this.classifyPeriod(p);
        if (cls === 'cut' && (quoteClosed || bracketClosed)) cls = 'quoted';
        // "At 5 a.m. Mr. Smith went": a preposition and a time are a fronted phrase, not a sentence
        if (cls === 'suffix' && this.isFrontedPhrase(p)) cls = 'never';
        // a short token may start a spaced abbreviation ("p. ej.", "т. д."): look at the next word
        if (cls !== 'never' && this.lastToken.length <= 4 && this.o.lang.compoundHeads.has(this.lastToken.toLowerCase())) {
          if (w - j >= MAX_WS_LOOKAHEAD) return this.finishCut(w, depth, guil);
          const nx = this.nextWord(w, eof, true);
          if (nx === WAIT) return false;
          if (nx.kind === 'char' && nx.dotAfter && nx.word.length <= 4 && this.o.lang.abbreviations.has(`${this.lastToken.toLowerCase()}.${nx.word.toLowerCase()}`)) {
            cls = 'never';
          }
        }
      }
      if (cls === 'cut') return this.finishCut(end, depth, guil);
      if (cls === 'never') {
        this.commitQuotes(depth, guil);
        this.pos = j;
        return true;
      }
      if (w - j >= MAX_WS_LOOKAHEAD) return this.finishCut(end, depth, guil);
      let next = this.nextWord(w, eof, false);
      if (next === WAIT) return false;
      const singleLetter = this.lastToken.length === 1;
      if (
        next.kind === 'char' &&
        (cls === 'title' || cls === 'initial' || cls === 'number' || cls === 'ordinal' || cls === 'year' || cls === 'suffix' || singleLetter) &&
        isLetter(next.first) &&
        !isLower(next.first)
      ) {
        next = this.nextWord(w, eof, true);
        if (next === WAIT) return false;
        // a chain of initials ("P. A. M. Dirac") never ends a sentence inside
        if (singleLetter && next.kind === 'char' && next.dotAfter && next.word.length === 1 && isCapital(next.first) && isCapital(this.lastToken.charCodeAt(0))) {
          this.commitQuotes(depth, guil);
          this.pos = j;
          return true;
        }
      }
      if (this.decide(cls, next)) return this.finishCut(end, depth, guil);
      this.commitQuotes(depth, guil);
      this.pos = j;
      return true;
    }
  }

  private commitQuotes(depth: number, guil: number): void {
    this.quoteDepth = depth;
    this.guillemets = guil;
  }

  private finishCut(end: number, depth: number, guil: number): boolean {
    this.commitQuotes(depth, guil);
    this.cut(end, 'sentence');
    return true;
  }

  /**
   * A spaced ellipsis (". . ." or ". . . ."), whose dots start at `p` and whose whitespace ends
   * at `w`: where to cut, or -1 for no cut. Three spaced dots mark an omission inside a sentence;
   * four are a period and an omission. A period attached to its word followed by three spaced dots
   * ("compounds. . . . The") ends the sentence at that period; the omission starts the next one.
   */
  private spacedEllipsis(p: number, dots: number, w: number, eof: boolean): number | null {
    const next = this.nextWord(w, eof, false);
    if (next === WAIT) return WAIT;
    if (next.kind === 'end') return w;
    const upper = isLetter(next.first) && !isLower(next.first);
    if (!upper || dots < 4) return -1;
    const attached = p > 0 && isWordChar(this.cpb(p));
    return attached ? p + 2 : w;
  }

  private decide(cls: PeriodClass | 'ellipsis' | 'quoted' | 'exclaim', next: Next): boolean {
    if (next.kind === 'end') return true;
    const f = next.first;
    const letter = isLetter(f);
    const lower = letter && isLower(f);
    const upper = letter && !lower; // includes caseless scripts
    switch (cls) {
      case 'numeric':
        return !isDigit(f) && f !== 0x23 /* # */;
      case 'suffix':
        return upper && !isMonth(next.word);
      case 'ellipsis':
      case 'quoted':
        return upper;
      case 'exclaim':
        // "Yahoo! in the ...": an exclamation or question mark before a lower-case word is inside the sentence
        return !lower;
      case 'title':
      case 'initial':
        return upper && next.word.length > 0 && isStarter(next.word) && !(next.word.length === 1 && next.dotAfter);
      case 'number':
      case 'ordinal':
      case 'year':
        if (!upper) return false;
        if (isMonth(next.word)) return false;
        if (cls === 'ordinal') return isStarter(next.word);
        return true;
      default:
        return true;
    }
  }

  /** Reads the word after whitespace at `w` (skipping opening quotes and brackets). */
  private nextWord(w: number, eof: boolean, wordNeeded: boolean): Next | null {
    const len = this.len;
    let q = w;
    while (q < len && q - w < 4) {
      const d = this.cc(q);
      if (d === 0x22 || d === 0x27 || d === 0x28 || d === 0x5b || d === 0xbf || d === 0xa1 || d === 0x2a || d === 0x5f || FLAGS[d]! & OPEN) q++;
      else break;
    }
    if (q >= len) return eof ? { kind: 'end' } : WAIT;
    const fc = this.cc(q);
    if (fc >= 0xd800 && fc <= 0xdbff && q + 1 >= len && !eof) return WAIT;
    const first = this.cp(q);
    if (!isLetter(first)) return { kind: 'char', first, word: '', dotAfter: false };
    if (!wordNeeded) return { kind: 'char', first, word: '', dotAfter: false };
    let r = q;
    while (r < len && r - q <= MAX_LOOKAHEAD_WORD) {
      const d = this.cc(r);
      if (d === 0x27 || d === 0x2019) {
        r++;
        continue;
      }
      const cp = this.cp(r);
      if (!isWordChar(cp)) break;
      r += cp > 0xffff ? 2 : 1;
    }
    if (r >= len && !eof && r - q <= MAX_LOOKAHEAD_WORD) return WAIT;
    const word = this.sub(q, r);
    return { kind: 'char', first, word: word.includes('’') ? word.replace(/’/g, "'") : word, dotAfter: this.cc(r) === 0x2e };
  }

  /** What a single period at `p` (followed by whitespace) means, from the token before it. */
  private classifyPeriod(p: number): PeriodClass {
    if (this.classAt === this.base + p) {
      this.lastToken = this.tokenCache;
      return this.classCache;
    }
    const cls = this.classifyPeriodUncached(p);
    this.classAt = this.base + p;
    this.classCache = cls;
    this.tokenCache = this.lastToken;
    return cls;
  }

  private classifyPeriodUncached(p: number): PeriodClass {
    let s = p;
    while (s > 0 && p - s < 40) {
      const d = this.cc(s - 1);
      if (d === 0x2e || d === 0x2d || d === 0x27 || d === 0x2019 || d === 0xb0) {
        s--;
        continue;
      }
      const cp = this.cpb(s);
      if (!isWordChar(cp)) break;
      s -= cp > 0xffff ? 2 : 1;
    }
    while (s < p && !isWordChar(this.cc(s))) s++;
    this.lastToken = '';
    if (s >= p) return 'cut';
    const token = this.sub(s, p);
    this.lastToken = token;
    const enumerator = this.isEnumeratorPosition(s);
    const t0 = token.charCodeAt(0);
    if (t0 >= 0x30 && t0 <= 0x39) {
      if (/^\d+$/.test(token)) {
        if (enumerator) return 'never';
        // the end of a time, decimal or grouped number ("10:30.", "3,5.") is not an ordinal
        const b = this.cc(s - 1);
        if ((b === 0x3a || b === 0x2c || b === 0x2e) && isDigit(this.cc(s - 2))) return 'year';
        if (token.length > 2 || this.afterNumericAbbreviation(s)) return 'year';
        return this.ordinalContext(s) ? 'ordinal' : 'number';
      }
      if (/^\d+(\.\d+)+$/.test(token)) return enumerator ? 'never' : 'cut';
    }
    const lower = token.toLowerCase();
    const abbr = this.o.lang.abbreviations;
    const first = token.codePointAt(0) ?? 0;
    const single = token.length === (first > 0xffff ? 2 : 1);
    // An initial is a single capital letter of a cased script that stands as a word of its own
    // ("J. R. R. Tolkien"), not a unit ("25 °C.") nor a letter of a caseless script.
    const initial = single && isCapital(first) && !isWordChar(this.cpb(s)) && this.cc(s - 1) !== 0xb0;
    // "C. S. Lewis", "P. A. M. Dirac": a capital letter after another initial is an initial,
    // whatever the abbreviation lists say ("S." page, "a. m." time)
    if (initial && this.cc(s - 1) === 0x20 && this.cc(s - 2) === 0x2e && isCapital(this.cpb(s - 2)) && !isWordChar(this.cpb(s - 3))) {
      return 'initial';
    }
    // spaced abbreviations: "p. ej.", "и т. д.", "a. m."
    if (token.length <= 4 && !token.includes('.') && s >= 3 && this.cc(s - 1) === 0x20 && this.cc(s - 2) === 0x2e) {
      let t = s - 2;
      while (t > 0 && s - 2 - t < 6 && isWordChar(this.cc(t - 1))) t--;
      if (t < s - 2) {
        const compound = `${this.sub(t, s - 2).toLowerCase()}.${lower}`;
        const hit = abbr.get(compound);
        if (hit !== undefined) return hit;
      }
    }
    const hit = abbr.get(lower);
    if (hit !== undefined) return hit;
    if (enumerator && (single || (token.length <= 4 && ROMAN.test(token)))) return 'never';
    if (single) return initial ? 'initial' : isLower(first) ? 'suffix' : 'cut';
    if (token.charCodeAt(1) === 0x2e && /^(?:\p{L}\.)+\p{L}$/u.test(token)) return 'initial';
    // an unlisted abbreviation ("tsp.", "MwSt."): ends a sentence only before a capital
    if (looksAbbreviated(token)) return 'suffix';
    // a long word ending in three consonants is a clipped compound before a number ("Hauptstr. 5")
    if (token.length > 4 && /[bcdfghjklmnpqrstvwxzß]{3}$/i.test(token)) return 'numeric';
    // a short capitalized word before a number is a reference ("Abs. 1", "Kap. 3", "Vol. 2")
    if (token.length <= 4 && isCapital(first) && CASED_WORD.test(token) && token.slice(1) === token.slice(1).toLowerCase()) return 'numeric';
    return 'cut';
  }

  /**
   * True when the pending sentence up to the period at `p` is at most three words, starts with a
   * preposition of the language and holds a number ("At 5 a.m.", "Gegen 9 Uhr."): a fronted time
   * phrase, not a sentence.
   */
  private isFrontedPhrase(p: number): boolean {
    const from = this.firstContent;
    if (from < 0 || p - from > 32) return false;
    let words = 0;
    let firstEnd = -1;
    let digit = false;
    for (let k = from; k < p; k++) {
      if (isAsciiDigit(this.cc(k))) digit = true;
      const ws = (FLAGS[this.cc(k)]! & WS) !== 0;
      if (!ws && (k === from || FLAGS[this.cc(k - 1)]! & WS)) words++;
      if (ws && firstEnd < 0) firstEnd = k;
    }
    if (words > 3 || firstEnd < 0 || !digit) return false;
    return this.o.lang.prepositions.has(this.sub(from, firstEnd).toLowerCase());
  }

  /**
   * True when the number token at `s` follows a word that makes it a German ordinal ("am 3.",
   * "das 21."): in languages that write ordinals with a period, or when no language is set.
   */
  private ordinalContext(s: number): boolean {
    if (this.o.lang.ordinals) return true;
    if (this.o.language !== undefined) return false;
    if (this.cc(s - 1) !== 0x20) return false;
    let t = s - 1;
    while (t > 0 && s - 1 - t < 5 && isLetter(this.cc(t - 1))) t--;
    if (t === s - 1 || (t > 0 && isWordChar(this.cpb(t)))) return false;
    return ORDINAL_CUES.has(this.sub(t, s - 1).toLowerCase());
  }

  /**
   * An enumerator ("1.", "1.)", "2)", "b.", "• 10.") whose delimiter starts at `p`: at a segment
   * or line start it starts an inline list (`start`); when it continues the list (next number or
   * letter, same delimiter and bullet) it ends the item before it (`cut`, before the marker).
   */
  private onEnumerator(p: number, eof: boolean): 'none' | 'wait' | 'cut' | 'start' {
    const len = this.len;
    let e = p + 1;
    let delim = this.cc(p) === 0x29 ? 3 : 1;
    if (delim === 1 && this.cc(e) === 0x29) {
      e++;
      delim = 2;
    }
    let s = p;
    while (s > 0 && p - s < 4 && isAsciiDigit(this.cc(s - 1))) s--;
    let kind = 0;
    let value = 0;
    if (s < p) {
      if (p - s > 3 || isWordChar(this.cpb(s))) return 'none';
      kind = 1;
      value = Number(this.sub(s, p));
    } else {
      const c = this.cc(p - 1);
      if (!isAsciiLetter(c) || isWordChar(this.cpb(p - 1))) return 'none';
      kind = 2;
      value = c;
      s = p - 1;
    }
    let m = s;
    let bullet = 0;
    if (isBullet(this.cc(s - 1))) m = s - 1;
    else if (this.cc(s - 1) === 0x20 && isBullet(this.cc(s - 2))) m = s - 2;
    if (m < s) bullet = this.cc(m);
    else if (s > 0 && !(FLAGS[this.cc(s - 1)]! & WS) && this.cc(s - 1) !== 0x28) return 'none';
    if (e >= len) return eof ? 'none' : 'wait';
    if (this.cc(e) !== 0x20) return 'none';
    const continues = this.listKind === kind && value === this.listValue + 1 && this.listDelim === delim && this.listBullet === bullet;
    if (continues && m > 0 && FLAGS[this.cc(m - 1)]! & WS) {
      this.listValue = value;
      this.cut(m, 'sentence');
      return 'cut';
    }
    // a bullet marks a list item wherever it stands
    if (bullet !== 0 || this.isEnumeratorPosition(m)) {
      this.listKind = kind;
      this.listValue = value;
      this.listDelim = delim;
      this.listBullet = bullet;
      this.pos = e;
      return 'start';
    }
    return 'none';
  }

  /** True when the number at `s` follows a reference abbreviation ("br. 3.", "Nr. 5."): a cardinal. */
  private afterNumericAbbreviation(s: number): boolean {
    if (this.cc(s - 1) !== 0x20 || this.cc(s - 2) !== 0x2e) return false;
    let t = s - 2;
    while (t > 0 && s - 2 - t < 6 && isWordChar(this.cpb(t))) t--;
    if (t === s - 2) return false;
    return this.o.lang.abbreviations.get(this.sub(t, s - 2).toLowerCase()) === 'numeric';
  }

  /** True when a token starting at `s` stands at a line start, segment start or after a colon. */
  private isEnumeratorPosition(s: number): boolean {
    let k = s;
    while (k > 0) {
      const d = this.cc(k - 1);
      if ((FLAGS[d]! & (WS | NL)) === WS || d === 0x3e || d === 0x28 || isBullet(d)) k--;
      else break;
    }
    if (k === 0) return true;
    const d = this.cc(k - 1);
    // "Steps: 1. Open it" is an enumeration; "at 10:30. Then" is a time
    return d === 0x0a || (d === 0x3a && k < s);
  }

  // ---------------------------------------------------------------- cutting

  private forceCut(): void {
    const max = this.max;
    let at = -1;
    const fc = this.firstContent;
    if (this.lastClause > fc && this.lastClause <= max && this.lastClause >= max * 0.3) at = this.lastClause;
    else if (this.lastSpace > fc && fc >= 0 && this.lastSpace <= max) at = this.lastSpace;
    else if (this.lastClause > fc && this.lastClause <= max) at = this.lastClause;
    if (at <= 0) {
      at = Math.min(max, this.len);
      const around = this.cpb(at);
      if (isNoSpaceScript(around)) {
        wordSegmenter ??= new Intl.Segmenter(this.o.language ?? 'und', { granularity: 'word' });
        const from = Math.max(0, at - 32);
        const slice = this.sub(from, Math.min(this.len, at + 8));
        let best = -1;
        for (const part of wordSegmenter.segment(slice)) {
          const b = from + part.index;
          if (b > from && b <= at && b > max * 0.5) best = b;
        }
        if (best > 0) at = best;
      }
      while (at > 1 && this.badCut(at)) at--;
    }
    this.cut(at, 'max-length');
  }

  private cut(end: number, reason: CutReason): void {
    const codeSkip = reason === 'code' && !this.readCode;
    if (!codeSkip && end > this.max) end = this.max;
    if (end > this.len) end = this.len;
    if (end <= 0) return;
    if (!codeSkip && end < this.len && this.badCut(end)) {
      let e = end;
      while (e > 1 && this.badCut(e)) e--;
      end = e;
    }
    const text = this.sub(0, end);
    const inFence = this.segInFence;
    // line state for whitespace consumed beyond the cursor
    for (let k = this.pos; k < end; k++) {
      if (FLAGS[this.cc(k)]! & NL) {
        this.lineStart = k + 1;
        this.quoteDepth = 0;
        this.guillemets = 0;
      }
    }
    this.head += end;
    this.len -= end;
    this.base += end;
    this.pos = this.pos > end ? this.pos - end : 0;
    this.lineStart -= end;
    this.lastClause = this.lastClause > end ? this.lastClause - end : -1;
    this.lastSpace = this.lastSpace > end ? this.lastSpace - end : -1;
    this.inlineStart -= end;
    this.fenceLineStart -= end;
    if (this.tagStart >= 0) this.tagStart = Math.max(0, this.tagStart - end);
    this.firstContent = -1;
    for (let k = 0; k < this.pos; k++) {
      if (!(FLAGS[this.cc(k)]! & WS)) {
        this.firstContent = k;
        break;
      }
    }
    if (this.fence && this.firstContent < 0 && this.pos > 0) this.firstContent = 0;
    this.segInFence = this.fence;
    const piece: CutPiece = { text, start: this.base - end, reason, inFence, code: reason === 'code' || inFence };
    this.policy.accept(piece);
  }

}

/**
 * Creates a streaming segmenter: feed it LLM text deltas with `push`, get back the segments whose
 * boundary became certain; call `end()` when the text is complete.
 *
 * Lossless (the segments' texts concatenate to exactly the input, for any chunking, surrogate
 * pairs split across pushes included), pure and synchronous, linear time.
 *
 * @example
 * ```ts
 * const seg = createSegmenter({ granularity: 'sentence' });
 * seg.push('Hello world.'); // []
 * seg.push(' Dr. Smith'); // [{ text: 'Hello world. ', reason: 'sentence', ... }]
 * seg.end(); // [{ text: 'Dr. Smith', reason: 'end', ... }]
 * ```
 * @throws {@link SegmenterOptionsError} for an invalid option.
 */
export function createSegmenter(options?: SegmenterOptions): Segmenter {
  return new StreamingSegmenter(resolveOptions(options));
}

/**
 * Segments a complete text at once (convenience over {@link createSegmenter}).
 * @throws {@link SegmenterOptionsError} for an invalid option.
 */
export function segmentText(text: string, options?: SegmenterOptions): Segment[] {
  const s = createSegmenter(options);
  return [...s.push(text), ...s.end()];
}
