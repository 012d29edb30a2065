/**
 * The streaming text segmenter: decides when a piece of an LLM's text goes to the speech engine.
 *
 * Design: the pending text (`buf`) is scanned once, left to right, by a cursor (`pos`). Every
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
  cpAt,
  cpBefore,
  isBadCut,
  isCjkFullStop,
  isDigit,
  isGreek,
  isLetter,
  isLower,
  isNoSpaceScript,
  isQuoteCloser,
  isStrongTerminal,
  isThai,
  isUnambiguousTerminal,
  isWordChar,
} from './chars.js';
import { type AbbrevClass, type LanguageData, MAX_LOOKAHEAD_WORD, ROMAN, getLanguageData, isMonth, isStarter } from './lang.js';
import { mapSpeakableOffset, toSpeakable } from './speakable.js';
import {
  type CutReason,
  type Granularity,
  type Segment,
  type Segmenter,
  type SegmenterOptions,
  SegmenterOptionsError,
} from './types.js';

/** Options after validation and defaults. @internal */
interface Resolved {
  readonly language: string | undefined;
  readonly granularity: Granularity;
  readonly maxLength: number;
  readonly firstSegmentMinLength: number; // Infinity = disabled
  readonly minLength: number;
  readonly markdown: boolean;
  readonly code: string;
  readonly emoji: 'drop' | 'keep';
  readonly lang: LanguageData;
}

/** A code block longer than this (in skip/phrase mode) is released in pieces at line ends. */
const MAX_CODE_BLOCK = 4096;
/** Longest whitespace run we look across when deciding a sentence end. */
const MAX_WS_LOOKAHEAD = 64;

function validate(options: SegmenterOptions | undefined): Resolved {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new SegmenterOptionsError('options', 'must be an object');
  const o = options;
  let language: string | undefined;
  if (o.language !== undefined) {
    if (typeof o.language !== 'string' || !/^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/.test(o.language)) {
      throw new SegmenterOptionsError('language', `expected a BCP 47 tag such as "en" or "de-AT", got ${JSON.stringify(o.language)}`);
    }
    language = o.language.split(/[-_]/)[0]!.toLowerCase();
    if (language === 'nb' || language === 'nn') language = 'no';
  }
  const granularity = o.granularity ?? 'speech';
  if (granularity !== 'sentence' && granularity !== 'speech') {
    throw new SegmenterOptionsError('granularity', `expected 'sentence' or 'speech', got ${JSON.stringify(granularity)}`);
  }
  const int = (name: string, v: unknown, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new SegmenterOptionsError(name, `expected an integer from ${min} to ${max}, got ${String(v)}`);
    }
    return v;
  };
  const maxLength = o.maxLength === undefined ? 200 : int('maxLength', o.maxLength, 8, 1_000_000);
  let firstSegmentMinLength = 24;
  if (o.firstSegmentMinLength === false) firstSegmentMinLength = Infinity;
  else if (o.firstSegmentMinLength !== undefined) firstSegmentMinLength = int('firstSegmentMinLength', o.firstSegmentMinLength, 1, maxLength);
  const minLength = o.minLength === undefined ? 20 : int('minLength', o.minLength, 0, maxLength);
  if (o.markdown !== undefined && typeof o.markdown !== 'boolean') throw new SegmenterOptionsError('markdown', 'expected a boolean');
  const code = o.code ?? 'skip';
  if (typeof code !== 'string') throw new SegmenterOptionsError('code', "expected 'skip', 'read' or a phrase");
  const emoji = o.emoji ?? 'drop';
  if (emoji !== 'drop' && emoji !== 'keep') throw new SegmenterOptionsError('emoji', `expected 'drop' or 'keep', got ${JSON.stringify(emoji)}`);
  const extra = o.abbreviations ?? [];
  if (!Array.isArray(extra) || extra.some((a) => typeof a !== 'string')) {
    throw new SegmenterOptionsError('abbreviations', 'expected an array of strings');
  }
  return {
    language,
    granularity,
    maxLength,
    firstSegmentMinLength,
    minLength,
    markdown: o.markdown ?? true,
    code,
    emoji,
    lang: getLanguageData(language, extra as readonly string[]),
  };
}

class SegmentImpl implements Segment {
  constructor(
    readonly index: number,
    readonly text: string,
    readonly start: number,
    readonly end: number,
    readonly reason: CutReason,
    readonly speakable: string,
    readonly speakableMap: Uint32Array,
  ) {}
  toOriginal(speakableOffset: number): number {
    return mapSpeakableOffset(this.speakableMap, this.speakable.length, speakableOffset, this.end);
  }
}

interface Raw {
  text: string;
  start: number;
  reason: CutReason;
  inFence: boolean;
  code: boolean;
}

type Next = { kind: 'end' } | { kind: 'char'; first: number; word: string; dotAfter: boolean };
const WAIT = null;

let wordSegmenter: Intl.Segmenter | undefined;

class StreamingSegmenter implements Segmenter {
  private readonly o: Resolved;
  private readonly max: number;
  private readonly readCode: boolean;
  // pending text and scan state
  private buf = '';
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
  private classCache: AbbrevClass | 'cut' | 'initial' | 'number' | 'year' = 'cut';
  // output
  private cuts = 0;
  private index = 0;
  private held: Raw | null = null;
  private out: Segment[] = [];

  constructor(options: Resolved) {
    this.o = options;
    this.max = options.maxLength;
    this.readCode = options.code === 'read';
  }

  push(delta: string): Segment[] {
    if (typeof delta !== 'string') throw new TypeError(`Segmenter.push expects a string, got ${typeof delta}`);
    this.out = [];
    if (delta.length > 0) {
      this.buf += delta;
      this.scan(false);
    }
    return this.out;
  }

  end(): Segment[] {
    this.out = [];
    this.scan(true);
    if (this.fence) {
      this.fence = false;
      if (this.buf.length > 0) this.cut(this.buf.length, 'code');
    }
    while (this.buf.length > 0) {
      if (this.buf.length > this.max) {
        this.pos = Math.max(this.pos, this.max);
        this.forceCut();
      } else this.cut(this.buf.length, 'end');
    }
    if (this.held) {
      this.emit(this.held);
      this.held = null;
    }
    const out = this.out;
    this.reset();
    return out;
  }

  private reset(): void {
    this.buf = '';
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
    this.cuts = 0;
    this.index = 0;
    this.held = null;
    this.out = [];
    this.classAt = -1;
  }

  // ---------------------------------------------------------------- scanning

  private scan(eof: boolean): void {
    for (;;) {
      const buf = this.buf;
      const len = buf.length;
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
      let c = 0;
      if (this.firstContent >= 0) {
        // hot loop: ordinary characters, and single spaces after them (word boundaries)
        while (p < lim) {
          c = buf.charCodeAt(p);
          if (FLAGS[c] === 0) p++;
          else if (c === 0x20 && p > 0 && FLAGS[buf.charCodeAt(p - 1)] === 0 && buf.charCodeAt(p - 1) < 0x0e00) {
            this.lastSpace = ++p;
          } else break;
        }
      } else {
        while (p < lim && FLAGS[buf.charCodeAt(p)] === 0) p++;
        if (p > this.pos) this.firstContent = this.pos;
      }
      this.pos = p;
      if (p >= lim) continue;
      c = buf.charCodeAt(p);
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
          } else if (f & CLOSER) this.closeQuote(c);
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
    const buf = this.buf;
    if (FLAGS[c]! & NL) return this.onNewline(p, c, eof);
    if (p > 0) {
      const prev = buf.charCodeAt(p - 1);
      if (!(FLAGS[prev]! & WS)) {
        if (prev === 0x2c || prev === 0x3b || prev === 0x3a || prev === 0x060c || prev === 0x061b || prev === 0x0387) {
          // "1, 2" and "10:30" are not clause boundaries; ", " after a word is
          if (!(prev === 0x2c && isDigit(buf.charCodeAt(p - 2)) && isDigit(buf.charCodeAt(p + 1)))) {
            if (this.recordClause(p + 1)) return true;
          }
        } else if ((prev === 0x2d || prev === 0x2013 || prev === 0x2014) && p >= 2 && FLAGS[buf.charCodeAt(p - 2)]! & WS) {
          if (this.recordClause(p + 1)) return true;
        } else if (this.firstContent >= 0) {
          const pcp = cpBefore(buf, p);
          if (isThai(pcp)) {
            // Thai separates sentences (and phrases) with a space.
            if (p + 1 >= buf.length) {
              if (!eof) return false;
            } else if (isThai(cpAt(buf, p + 1))) {
              this.cut(this.wsEnd(p), 'sentence');
              return true;
            }
          }
        }
      }
    }
    if (this.firstContent >= 0) this.lastSpace = p + 1;
    this.pos = p + 1;
    return true;
  }

  /** Records a clause boundary; in the speech policy may release the first segment. */
  private recordClause(at: number): boolean {
    if (this.firstContent < 0 || at > this.max) return false;
    this.lastClause = at;
    if (this.o.granularity === 'speech' && this.cuts === 0 && at >= this.o.firstSegmentMinLength) {
      this.cut(at, 'clause');
      return true;
    }
    return false;
  }

  private wsEnd(from: number): number {
    const buf = this.buf;
    let w = from;
    while (w < buf.length && FLAGS[buf.charCodeAt(w)]! & WS && w - from < MAX_WS_LOOKAHEAD) w++;
    return w;
  }

  private onNewline(p: number, c: number, eof: boolean): boolean {
    const buf = this.buf;
    const len = buf.length;
    if (c === 0x0d) {
      if (p + 1 >= len && !eof) return false;
      if (buf.charCodeAt(p + 1) === 0x0a) {
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
      while (q < p && (buf.charCodeAt(q) === 0x20 || buf.charCodeAt(q) === 0x09)) q++;
      const h = buf.charCodeAt(q);
      const h1 = buf.charCodeAt(q + 1);
      if (h === 0x23 /* # */ || h === 0x7c /* | */) kind = 'block';
      else if ((h === 0x2d || h === 0x2a || h === 0x2b || h === 0x2022) && (h1 === 0x20 || h1 === 0x09)) kind = 'block';
      else if (h >= 0x30 && h <= 0x39) {
        let r = q;
        while (r < p && buf.charCodeAt(r) >= 0x30 && buf.charCodeAt(r) <= 0x39) r++;
        const d = buf.charCodeAt(r);
        if ((d === 0x2e || d === 0x29) && (buf.charCodeAt(r + 1) === 0x20 || buf.charCodeAt(r + 1) === 0x09)) kind = 'block';
      }
    }
    if (kind === 'plain') {
      // last visible character of the line
      let e = p;
      while (e > 0 && e > ls) {
        const d = buf.charCodeAt(e - 1);
        if (FLAGS[d]! & (WS | CLOSER)) e--;
        else break;
      }
      const last = e > 0 ? buf.charCodeAt(e - 1) : 0;
      if (e <= ls || e <= 0) {
        // blank line while text is pending: paragraph end
        kind = 'block';
      } else if (FLAGS[last]! & (TERM | CLAUSE)) kind = 'block';
    }
    if (kind === 'plain') {
      // A plain line without final punctuation: a soft line break if the next line continues in
      // lower case, otherwise the end of the line.
      let n = p + 1;
      while (n < len && (buf.charCodeAt(n) === 0x20 || buf.charCodeAt(n) === 0x09) && n - p < 16) n++;
      if (n >= len) {
        if (!eof) return false;
        this.cut(len, 'line');
        return true;
      }
      const nc = buf.charCodeAt(n);
      if (nc >= 0xd800 && nc <= 0xdbff && n + 1 >= len && !eof) return false;
      const ncp = cpAt(buf, n);
      if (isLower(ncp)) {
        this.lineStart = p + 1;
        this.lastSpace = p + 1;
        this.pos = p + 1;
        return true;
      }
    }
    const w = this.wsEnd(p + 1);
    let para = false;
    for (let k = p + 1; k < w; k++) if (FLAGS[buf.charCodeAt(k)]! & NL) para = true;
    this.cut(w, para ? 'paragraph' : 'line');
    return true;
  }

  private onClause(p: number, c: number, eof: boolean): boolean {
    const buf = this.buf;
    if (c === 0x3b && p > 0) {
      // Greek question mark written as ';'
      let k = p;
      while (k > 0 && FLAGS[buf.charCodeAt(k - 1)]! & CLOSER) k--;
      if (k > 0 && isGreek(cpBefore(buf, k))) return this.onTerminal(p, eof, true);
    }
    if (c === 0x3001 || c === 0xff0c || c === 0xff1b || c === 0xff1a || c === 0x2014 || c === 0xfe50 || c === 0xfe51) {
      if (this.recordClause(p + 1)) return true;
    }
    this.pos = p + 1;
    return true;
  }

  private onSpecial(p: number, c: number, eof: boolean): boolean {
    const buf = this.buf;
    const len = buf.length;
    if (c === 0x3c) {
      // '<' starts a tag when a letter, '/', '!' or '?' follows
      if (p + 1 >= len) {
        if (!eof) return false;
        this.pos = p + 1;
        return true;
      }
      const d = buf.charCodeAt(p + 1);
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
    while (r < len && buf.charCodeAt(r) === c) r++;
    if (r >= len && !eof) return false;
    const n = r - p;
    let atLineStart = false;
    if (n >= 3 && this.lineStart >= 0 && p - this.lineStart <= 3) {
      atLineStart = true;
      for (let k = this.lineStart; k < p; k++) if (buf.charCodeAt(k) !== 0x20) atLineStart = false;
    }
    if (atLineStart) {
      // fenced code block; text before it goes first
      if (this.firstContent >= 0 && this.firstContent < this.lineStart) {
        this.cut(this.lineStart, 'line');
        return true;
      }
      if (this.held) {
        this.emit(this.held);
        this.held = null;
      }
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
    const buf = this.buf;
    const nl = buf.indexOf('\n', this.pos);
    if (nl < 0) {
      if (!eof) {
        this.pos = buf.length;
        return false;
      }
      this.fence = false;
      this.cut(buf.length, 'code');
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
        this.pos = Math.min(nl + 1, this.buf.length);
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
    const buf = this.buf;
    let p = a;
    while (p < b && buf.charCodeAt(p) === 0x20 && p - a < 4) p++;
    if (p - a > 3) return false;
    let q = p;
    while (q < b && buf.charCodeAt(q) === this.fenceCh) q++;
    if (q - p < this.fenceLen) return false;
    for (; q < b; q++) {
      const d = buf.charCodeAt(q);
      if (d !== 0x20 && d !== 0x09 && d !== 0x0d) return false;
    }
    return true;
  }

  private scanInline(eof: boolean): boolean {
    const buf = this.buf;
    const len = buf.length;
    const lim = len < this.max ? len : this.max;
    let q = this.pos;
    while (q < lim) {
      const d = buf.charCodeAt(q);
      if (d === 0x0a) {
        // not code after all: rescan after the opening run as ordinary text
        this.pos = this.inlineStart + this.inline;
        this.inline = 0;
        return true;
      }
      if (d === 0x60) {
        let r = q;
        while (r < len && buf.charCodeAt(r) === 0x60) r++;
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
      this.pos = this.inlineStart + this.inline;
      this.inline = 0;
      return true;
    }
    return false;
  }

  private scanTag(eof: boolean): boolean {
    const buf = this.buf;
    const len = buf.length;
    const lim = len < this.max ? len : this.max;
    let q = this.pos;
    if (buf.startsWith('<!--', this.tagStart)) {
      const close = buf.indexOf('-->', Math.max(q - 2, this.tagStart + 4));
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
      const d = buf.charCodeAt(q);
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
        if (q + 1 < len && FLAGS[buf.charCodeAt(q + 1)]! & WS) return this.abandonTag();
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
    const buf = this.buf;
    const len = buf.length;
    let j = p;
    let strong = greekQuestion;
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
        const d = buf.charCodeAt(j);
        const fl = FLAGS[d]!;
        if (fl & TERM) {
          if (d === 0x2e) dots++;
          else if (d === 0x2026) ellipsis = true;
          if (isStrongTerminal(d)) strong = true;
          if (isUnambiguousTerminal(d)) unambiguous = true;
          if (isCjkFullStop(d)) cjkStop = true;
          j++;
        } else if (fl & CLOSER) {
          if (isQuoteCloser(d) || d === 0x29) {
            if (isQuoteCloser(d)) quoteClosed = true;
            if (depth > 0) depth--;
            if (d === 0xbb && guil > 0) guil--;
          }
          j++;
        } else if (d === 0x3c && j + 1 >= len && !eof) {
          return false;
        } else if (d === 0x3c && j + 1 < len && buf.charCodeAt(j + 1) === 0x2f) {
          // a closing tag after a sentence end belongs to that sentence: "World.</speak> Next"
          const gt = buf.indexOf('>', j);
          if (gt < 0 && len - j < 64 && !eof && /^<\/[A-Za-z0-9:_-]*$/.test(buf.slice(j))) return false;
          if (gt < 0 || gt - j > 64 || !/^[A-Za-z][A-Za-z0-9:_-]*$/.test(buf.slice(j + 2, gt))) break;
          j = gt + 1;
        } else break;
      }
      if (dots >= 2) ellipsis = true;
      if (j >= len) {
        if (eof) {
          this.commitQuotes(depth, guil);
          this.cut(len, 'sentence');
          return true;
        }
        if (cjkStop && !strong && depth === 0) {
          this.commitQuotes(depth, guil);
          this.cut(j, 'sentence');
          return true;
        }
        return false;
      }
      const n = buf.charCodeAt(j);
      if (!(FLAGS[n]! & WS)) {
        if (n >= 0xd800 && n <= 0xdbff && j + 1 >= len && !eof) return false;
        const ncp = cpAt(buf, j);
        let cutHere = unambiguous;
        if (!cutHere && strong && !ellipsis) {
          const k = p > 0 ? cpBefore(buf, p) : 0;
          cutHere = isNoSpaceScript(ncp) || isNoSpaceScript(k);
        }
        if (!cutHere && dots === 1 && !strong && isNoSpaceScript(ncp) && p > 0 && isNoSpaceScript(cpBefore(buf, p))) cutHere = true;
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
      if (w >= len && buf.charCodeAt(w - 1) === 0x0d && !eof) return false;
      let nl = false;
      for (let k = j; k < w; k++) if (FLAGS[buf.charCodeAt(k)]! & NL) nl = true;
      if (guil > 0 && !nl) {
        // French: « Bonjour. » — the closing guillemet follows a space
        if (w >= len && !eof) return false;
        if (w < len && buf.charCodeAt(w) === 0xbb) {
          j = w;
          continue;
        }
      }
      const end = w;
      if (nl || unambiguous) return this.finishCut(end, depth, guil);
      let cls: AbbrevClass | 'cut' | 'initial' | 'number' | 'year' | 'ellipsis' | 'quoted';
      if (strong) cls = quoteClosed ? 'quoted' : 'cut';
      else if (ellipsis) cls = 'ellipsis';
      else {
        cls = this.classifyPeriod(p);
        if (cls === 'cut' && quoteClosed) cls = 'quoted';
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
      if (next.kind === 'char' && (cls === 'title' || cls === 'initial' || cls === 'number' || cls === 'year' || cls === 'suffix') && isLetter(next.first) && !isLower(next.first)) {
        next = this.nextWord(w, eof, true);
        if (next === WAIT) return false;
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

  private decide(cls: AbbrevClass | 'initial' | 'number' | 'year' | 'ellipsis' | 'quoted', next: Next): boolean {
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
      case 'title':
      case 'initial':
        return upper && next.word.length > 0 && isStarter(next.word) && !(next.word.length === 1 && next.dotAfter);
      case 'number':
      case 'year':
        if (!upper) return false;
        if (isMonth(next.word)) return false;
        if (cls === 'number' && this.o.lang.ordinals) return isStarter(next.word);
        return true;
      default:
        return true;
    }
  }

  /** Reads the word after whitespace at `w` (skipping opening quotes and brackets). */
  private nextWord(w: number, eof: boolean, wordNeeded: boolean): Next | null {
    const buf = this.buf;
    const len = buf.length;
    let q = w;
    while (q < len && q - w < 4) {
      const d = buf.charCodeAt(q);
      if (d === 0x22 || d === 0x27 || d === 0x28 || d === 0x5b || d === 0xbf || d === 0xa1 || d === 0x2a || d === 0x5f || FLAGS[d]! & OPEN) q++;
      else break;
    }
    if (q >= len) return eof ? { kind: 'end' } : WAIT;
    const fc = buf.charCodeAt(q);
    if (fc >= 0xd800 && fc <= 0xdbff && q + 1 >= len && !eof) return WAIT;
    const first = cpAt(buf, q);
    if (!isLetter(first)) return { kind: 'char', first, word: '', dotAfter: false };
    if (!wordNeeded) return { kind: 'char', first, word: '', dotAfter: false };
    let r = q;
    while (r < len && r - q <= MAX_LOOKAHEAD_WORD) {
      const d = buf.charCodeAt(r);
      if (d === 0x27 || d === 0x2019) {
        r++;
        continue;
      }
      const cp = cpAt(buf, r);
      if (!isWordChar(cp)) break;
      r += cp > 0xffff ? 2 : 1;
    }
    if (r >= len && !eof && r - q <= MAX_LOOKAHEAD_WORD) return WAIT;
    const word = buf.slice(q, r);
    return { kind: 'char', first, word: word.includes('’') ? word.replace(/’/g, "'") : word, dotAfter: buf.charCodeAt(r) === 0x2e };
  }

  /** What a single period at `p` (followed by whitespace) means, from the token before it. */
  private classifyPeriod(p: number): AbbrevClass | 'cut' | 'initial' | 'number' | 'year' {
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

  private classifyPeriodUncached(p: number): AbbrevClass | 'cut' | 'initial' | 'number' | 'year' {
    const buf = this.buf;
    let s = p;
    while (s > 0 && p - s < 40) {
      const d = buf.charCodeAt(s - 1);
      if (d === 0x2e || d === 0x2d || d === 0x27 || d === 0x2019 || d === 0xb0) {
        s--;
        continue;
      }
      const cp = cpBefore(buf, s);
      if (!isWordChar(cp)) break;
      s -= cp > 0xffff ? 2 : 1;
    }
    while (s < p && !isWordChar(buf.charCodeAt(s))) s++;
    this.lastToken = '';
    if (s >= p) return 'cut';
    const token = buf.slice(s, p);
    this.lastToken = token;
    const enumerator = this.isEnumeratorPosition(s);
    const t0 = token.charCodeAt(0);
    if (t0 >= 0x30 && t0 <= 0x39) {
      if (/^\d+$/.test(token)) return enumerator ? 'never' : token.length <= 2 ? 'number' : 'year';
      if (/^\d+(\.\d+)+$/.test(token)) return enumerator ? 'never' : 'cut';
    }
    const lower = token.toLowerCase();
    const abbr = this.o.lang.abbreviations;
    // spaced abbreviations: "p. ej.", "и т. д.", "a. m."
    if (token.length <= 4 && !token.includes('.') && s >= 3 && buf.charCodeAt(s - 1) === 0x20 && buf.charCodeAt(s - 2) === 0x2e) {
      let t = s - 2;
      while (t > 0 && s - 2 - t < 6 && isWordChar(buf.charCodeAt(t - 1))) t--;
      if (t < s - 2) {
        const compound = `${buf.slice(t, s - 2).toLowerCase()}.${lower}`;
        const hit = abbr.get(compound);
        if (hit !== undefined) return hit;
      }
    }
    const hit = abbr.get(lower);
    if (hit !== undefined) return hit;
    const first = cpAt(token, 0);
    const single = token.length === (first > 0xffff ? 2 : 1);
    if (enumerator && (single || (token.length <= 4 && ROMAN.test(token)))) return 'never';
    if (single) return isLetter(first) && !isLower(first) && !isNoSpaceScript(first) ? 'initial' : 'cut';
    if (token.charCodeAt(1) === 0x2e && /^(?:\p{L}\.)+\p{L}$/u.test(token)) return 'initial';
    return 'cut';
  }

  /** True when a token starting at `s` stands at a line start, segment start or after a colon. */
  private isEnumeratorPosition(s: number): boolean {
    const buf = this.buf;
    let k = s;
    while (k > 0) {
      const d = buf.charCodeAt(k - 1);
      if ((FLAGS[d]! & (WS | NL)) === WS || d === 0x3e || d === 0x28) k--;
      else break;
    }
    if (k === 0) return true;
    const d = buf.charCodeAt(k - 1);
    return d === 0x0a || d === 0x3a;
  }

  // ---------------------------------------------------------------- cutting

  private forceCut(): void {
    const max = this.max;
    const buf = this.buf;
    let at = -1;
    const fc = this.firstContent;
    if (this.lastClause > fc && this.lastClause <= max && this.lastClause >= max * 0.3) at = this.lastClause;
    else if (this.lastSpace > fc && fc >= 0 && this.lastSpace <= max) at = this.lastSpace;
    else if (this.lastClause > fc && this.lastClause <= max) at = this.lastClause;
    if (at <= 0) {
      at = Math.min(max, buf.length);
      const around = cpBefore(buf, at);
      if (isNoSpaceScript(around)) {
        wordSegmenter ??= new Intl.Segmenter(this.o.language ?? 'und', { granularity: 'word' });
        const from = Math.max(0, at - 32);
        const slice = buf.slice(from, Math.min(buf.length, at + 8));
        let best = -1;
        for (const part of wordSegmenter.segment(slice)) {
          const b = from + part.index;
          if (b > from && b <= at && b > max * 0.5) best = b;
        }
        if (best > 0) at = best;
      }
      while (at > 1 && isBadCut(buf, at)) at--;
    }
    this.cut(at, 'max-length');
  }

  private cut(end: number, reason: CutReason): void {
    const codeSkip = reason === 'code' && !this.readCode;
    if (!codeSkip && end > this.max) end = this.max;
    if (end > this.buf.length) end = this.buf.length;
    if (end <= 0) return;
    if (!codeSkip && end < this.buf.length && isBadCut(this.buf, end)) {
      let e = end;
      while (e > 1 && isBadCut(this.buf, e)) e--;
      end = e;
    }
    const buf = this.buf;
    const text = buf.slice(0, end);
    const inFence = this.segInFence;
    // line state for whitespace consumed beyond the cursor
    for (let k = this.pos; k < end; k++) {
      if (FLAGS[buf.charCodeAt(k)]! & NL) {
        this.lineStart = k + 1;
        this.quoteDepth = 0;
        this.guillemets = 0;
      }
    }
    this.buf = buf.slice(end);
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
      if (!(FLAGS[this.buf.charCodeAt(k)]! & WS)) {
        this.firstContent = k;
        break;
      }
    }
    if (this.fence && this.firstContent < 0 && this.pos > 0) this.firstContent = 0;
    this.segInFence = this.fence;
    this.cuts++;
    this.queue({ text, start: this.base - end, reason, inFence, code: reason === 'code' || inFence });
  }

  /** Applies the speech policy (merging short sentences) and emits. */
  private queue(raw: Raw): void {
    const o = this.o;
    if (o.granularity === 'sentence' || o.minLength === 0) {
      this.emit(raw);
      return;
    }
    let seg = raw;
    const held = this.held;
    if (held) {
      this.held = null;
      if (seg.code || held.text.length + seg.text.length > o.maxLength) this.emit(held);
      else seg = { text: held.text + seg.text, start: held.start, reason: seg.reason, inFence: held.inFence, code: false };
    }
    if (this.index > 0 && seg.reason === 'sentence' && !seg.code && seg.text.trim().length < o.minLength) {
      this.held = seg;
      return;
    }
    this.emit(seg);
  }

  private emit(raw: Raw): void {
    const o = this.o;
    const sp = toSpeakable(raw.text, {
      markdown: o.markdown,
      code: o.code,
      emoji: o.emoji,
      offset: raw.start,
      inFence: raw.inFence,
    });
    this.out.push(new SegmentImpl(this.index++, raw.text, raw.start, raw.start + raw.text.length, raw.reason, sp.text, sp.map));
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
  return new StreamingSegmenter(validate(options));
}

/**
 * Segments a complete text at once (convenience over {@link createSegmenter}).
 * @throws {@link SegmenterOptionsError} for an invalid option.
 */
export function segmentText(text: string, options?: SegmenterOptions): Segment[] {
  const s = createSegmenter(options);
  return [...s.push(text), ...s.end()];
}
