/**
 * Boundary detection: the scanning loop over the pending text and its sentence-end decisions
 * (terminal punctuation with its closers, whitespace, clause marks, script-specific stops: CJK,
 * Devanagari, Arabic, Greek question mark, Armenian, Thai spaces).
 * @internal
 */
import * as charsModule from './chars.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { CLAUSE, CLOSER, FLAGS, NL, OPEN, SPECIAL, TERM, WS, isArmenian, isCapital, isCjkFullStop, isDigit, isGreek, isLetter, isLower, isNoSpaceScript, isQuoteCloser, isStrongTerminal, isThai, isUnambiguousTerminal } = charsModule;
import { WAIT } from './period-rules.js';
import { type PeriodClass, PeriodRules } from './period-rules.js';
import { MAX_WS_LOOKAHEAD } from './scanner-state.js';

/** Thai conjunctions that continue a sentence after a space (but, and, or, which, because, so, if...). */
const THAI_CONJUNCTIONS = ['แต่', 'และ', 'หรือ', 'ซึ่ง', 'เพราะ', 'จึง', 'ถ้า', 'โดย', 'เพื่อ', 'ว่า', 'ที่'];

/** The scanning loop and sentence ends. @internal */
export abstract class BoundaryScanner extends PeriodRules {
  protected scan(eof: boolean): void {
    for (;;) {
      const len = this.text.len;
      if (this.pos >= len) return;
      if (this.fence) {
        if (!this.scanFence(eof)) return;
        continue;
      }
      if (this.pos >= this.maxLength) {
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
      const lim = len < this.maxLength ? len : this.maxLength;
      const codes = this.text.codes;
      const h = this.text.head;
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

  protected onWhitespace(p: number, c: number, eof: boolean): boolean {
    if (FLAGS[c]! & NL) return this.onNewline(p, c, eof);
    if (p > 0) {
      const prev = this.text.unit(p - 1);
      if (!(FLAGS[prev]! & WS)) {
        if (prev === 0x2c || prev === 0x3b || prev === 0x3a || prev === 0x060c || prev === 0x061b || prev === 0x0387) {
          // "1, 2" and "10:30" are not clause boundaries; ", " after a word is
          if (!(prev === 0x2c && isDigit(this.text.unit(p - 2)) && isDigit(this.text.unit(p + 1)))) {
            if (this.recordClause(p + 1)) return true;
          }
        } else if ((prev === 0x2d || prev === 0x2013 || prev === 0x2014) && p >= 2 && FLAGS[this.text.unit(p - 2)]! & WS) {
          if (this.recordClause(p + 1)) return true;
        } else if (this.firstContent >= 0) {
          const pcp = this.text.codePointBefore(p);
          if (isThai(pcp) && !(pcp === 0x0e2f && this.text.unit(p - 2) !== 0x0e25)) {
            // Thai separates sentences (and phrases) with a space; not after an abbreviation
            // ("กรุงเทพฯ") nor before a conjunction that continues the sentence ("แต่", "และ").
            if (p + 1 >= this.text.len) {
              if (!eof) return false;
            } else if (isThai(this.text.codePoint(p + 1))) {
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
  protected thaiConjunctionAt(at: number, eof: boolean): boolean | null {
    const avail = this.text.len - at;
    for (const word of THAI_CONJUNCTIONS) {
      const n = Math.min(word.length, avail);
      let k = 0;
      while (k < n && this.text.unit(at + k) === word.charCodeAt(k)) k++;
      if (k === word.length) return true;
      if (k === avail && !eof) return null;
    }
    return false;
  }

  protected onClause(p: number, c: number, eof: boolean): boolean {
    if (c === 0x3b && p > 0) {
      // Greek question mark written as ';'
      let k = p;
      while (k > 0 && FLAGS[this.text.unit(k - 1)]! & CLOSER) k--;
      if (k > 0 && isGreek(this.text.codePointBefore(k))) return this.onTerminal(p, eof, true);
    }
    if (c === 0x3a && p > 0 && isArmenian(this.text.codePointBefore(p))) {
      // Armenian full stop "։" is commonly typed as a colon
      if (p + 1 >= this.text.len && !eof) return false;
      if (p + 1 >= this.text.len || FLAGS[this.text.unit(p + 1)]! & WS) return this.onTerminal(p, eof, true);
    }
    if (c === 0x3001 || c === 0xff0c || c === 0xff1b || c === 0xff1a || c === 0x2014 || c === 0xfe50 || c === 0xfe51) {
      if (this.recordClause(p + 1)) return true;
    }
    this.pos = p + 1;
    return true;
  }

  protected onTerminal(p: number, eof: boolean, greekQuestion: boolean): boolean {
    const len = this.text.len;
    if (!greekQuestion && this.text.unit(p) === 0x2e) {
      const en = this.onEnumerator(p, eof);
      if (en !== 'none') return en !== 'wait';
      // an ellipsis in brackets ("[...]", "(…)") marks an omission, never a sentence end
      const open = this.text.unit(p - 1);
      if (open === 0x5b || open === 0x28) {
        let k = p;
        while (k < len && (this.text.unit(k) === 0x2e || this.text.unit(k) === 0x2026)) k++;
        if (k >= len && !eof) return false;
        if (k - p >= 2 && (this.text.unit(k) === 0x5d || this.text.unit(k) === 0x29)) {
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
        const d = this.text.unit(j);
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
        } else if (d === 0x20 && this.text.unit(j - 1) === 0x2e) {
          // a spaced ellipsis: ". . ." (one space between the dots)
          if (j + 1 >= len) {
            // ". " may go on as a spaced ellipsis (". . ."): decided by the next character
            if (!eof) return false;
            break;
          }
          if (this.text.unit(j + 1) !== 0x2e) break;
          const after = this.text.unit(j + 2);
          if (j + 2 >= len && !eof) return false;
          if (!(j + 2 >= len || after === 0x2e || after === 0x20 || FLAGS[after]! & (WS | CLOSER))) break;
          spacedDots = true;
          j++;
        } else if (d === 0x3c && j + 1 >= len && !eof) {
          return false;
        } else if (d === 0x3c && j + 1 < len && this.text.unit(j + 1) === 0x2f) {
          // a closing tag after a sentence end belongs to that sentence: "World.</speak> Next"
          const gt = this.text.indexOf(0x3e, j, j + 65);
          if (gt < 0 && len - j < 64 && !eof && /^<\/[A-Za-z0-9:_-]*$/.test(this.text.slice(j, len))) return false;
          if (gt < 0 || !/^[A-Za-z][A-Za-z0-9:_-]*$/.test(this.text.slice(j + 2, gt))) break;
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
        const last = this.text.unit(j - 1);
        if (cjkStop && !strong && depth === 0 && last !== 0x300d && last !== 0x300f) {
          this.commitQuotes(depth, guil);
          this.cut(j, 'sentence');
          return true;
        }
        return false;
      }
      const n = this.text.unit(j);
      if (!(FLAGS[n]! & WS)) {
        if (n >= 0xd800 && n <= 0xdbff && j + 1 >= len && !eof) return false;
        const ncp = this.text.codePoint(j);
        let cutHere = unambiguous;
        // Japanese quotes a sentence inside a sentence: 「また明日。」と言った
        const before = this.text.unit(j - 1);
        if ((before === 0x300d || before === 0x300f) && (n === 0x3068 || n === 0x3063)) cutHere = false;
        if (!cutHere && strong && !ellipsis) {
          const k = p > 0 ? this.text.codePointBefore(p) : 0;
          cutHere = isNoSpaceScript(ncp) || isNoSpaceScript(k);
        }
        if (!cutHere && dots === 1 && !strong && isNoSpaceScript(ncp) && p > 0 && isNoSpaceScript(this.text.codePointBefore(p))) cutHere = true;
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
      if (w >= len && this.text.unit(w - 1) === 0x0d && !eof) return false;
      let nl = false;
      for (let k = j; k < w; k++) if (FLAGS[this.text.unit(k)]! & NL) nl = true;
      if (guil > 0 && !nl) {
        // French: « Bonjour. » — the closing guillemet follows a space
        if (w >= len && !eof) return false;
        if (w < len && this.text.unit(w) === 0xbb) {
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
        if (cls !== 'never' && this.lastToken.length <= 4 && this.options.lang.compoundHeads.has(this.lastToken.toLowerCase())) {
          if (w - j >= MAX_WS_LOOKAHEAD) return this.finishCut(w, depth, guil);
          const nx = this.nextWord(w, eof, true);
          if (nx === WAIT) return false;
          if (nx.kind === 'char' && nx.dotAfter && nx.word.length <= 4 && this.options.lang.abbreviations.has(`${this.lastToken.toLowerCase()}.${nx.word.toLowerCase()}`)) {
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

  protected finishCut(end: number, depth: number, guil: number): boolean {
    this.commitQuotes(depth, guil);
    this.cut(end, 'sentence');
    return true;
  }
}
