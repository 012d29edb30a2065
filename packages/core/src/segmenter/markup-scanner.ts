/**
 * Markup the boundary scanner must not cut inside, and the line structure it cuts at: fenced
 * code blocks (one segment, or pieces at line ends when very long), inline code, tags and HTML
 * comments, headings, list items, table rows and paragraphs.
 * @internal
 */
import * as charsModule from './chars.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { CLAUSE, CLOSER, FLAGS, NL, TERM, WS, isLower } = charsModule;
import { ScannerState } from './scanner-state.js';

/** A code block longer than this (in skip/phrase mode) is released in pieces at line ends. */
const MAX_CODE_BLOCK = 4096;

/** Line ends, code blocks, inline code and tags. @internal */
export abstract class MarkupScanner extends ScannerState {
  protected onNewline(p: number, c: number, eof: boolean): boolean {
    const len = this.text.len;
    if (c === 0x0d) {
      if (p + 1 >= len && !eof) return false;
      if (this.text.unit(p + 1) === 0x0a) {
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
      while (q < p && (this.text.unit(q) === 0x20 || this.text.unit(q) === 0x09)) q++;
      const h = this.text.unit(q);
      const h1 = this.text.unit(q + 1);
      if (h === 0x23 /* # */ || h === 0x7c /* | */) kind = 'block';
      else if ((h === 0x2d || h === 0x2a || h === 0x2b || h === 0x2022) && (h1 === 0x20 || h1 === 0x09)) kind = 'block';
      else if (h >= 0x30 && h <= 0x39) {
        let r = q;
        while (r < p && this.text.unit(r) >= 0x30 && this.text.unit(r) <= 0x39) r++;
        const d = this.text.unit(r);
        if ((d === 0x2e || d === 0x29) && (this.text.unit(r + 1) === 0x20 || this.text.unit(r + 1) === 0x09)) kind = 'block';
      }
    }
    if (kind === 'plain') {
      // last visible character of the line
      let e = p;
      while (e > 0 && e > ls) {
        const d = this.text.unit(e - 1);
        if (FLAGS[d]! & (WS | CLOSER)) e--;
        else break;
      }
      const last = e > 0 ? this.text.unit(e - 1) : 0;
      if (e <= ls || e <= 0) {
        // blank line while text is pending: paragraph end
        kind = 'block';
      } else if (FLAGS[last]! & (TERM | CLAUSE)) kind = 'block';
    }
    if (kind === 'plain') {
      // A plain line without final punctuation: a soft line break if the next line continues in
      // lower case, otherwise the end of the line.
      let n = p + 1;
      while (n < len && (this.text.unit(n) === 0x20 || this.text.unit(n) === 0x09) && n - p < 16) n++;
      if (n >= len) {
        if (!eof) return false;
        this.cut(len, 'line');
        return true;
      }
      const nc = this.text.unit(n);
      if (nc >= 0xd800 && nc <= 0xdbff && n + 1 >= len && !eof) return false;
      const ncp = this.text.codePoint(n);
      if (isLower(ncp)) {
        this.lineStart = p + 1;
        this.lastSpace = p + 1;
        this.pos = p + 1;
        return true;
      }
    }
    const w = this.wsEnd(p + 1);
    let para = false;
    for (let k = p + 1; k < w; k++) if (FLAGS[this.text.unit(k)]! & NL) para = true;
    this.cut(w, para ? 'paragraph' : 'line');
    return true;
  }

  protected onSpecial(p: number, c: number, eof: boolean): boolean {
    const len = this.text.len;
    if (c === 0x3c) {
      // '<' starts a tag when a letter, '/', '!' or '?' follows
      if (p + 1 >= len) {
        if (!eof) return false;
        this.pos = p + 1;
        return true;
      }
      const d = this.text.unit(p + 1);
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
    while (r < len && this.text.unit(r) === c) r++;
    if (r >= len && !eof) return false;
    const n = r - p;
    let atLineStart = false;
    if (n >= 3 && this.lineStart >= 0 && p - this.lineStart <= 3) {
      atLineStart = true;
      for (let k = this.lineStart; k < p; k++) if (this.text.unit(k) !== 0x20) atLineStart = false;
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

  protected scanFence(eof: boolean): boolean {
    const nl = this.text.indexOf(0x0a, this.pos, this.text.len);
    if (nl < 0) {
      if (!eof) {
        this.pos = this.text.len;
        return false;
      }
      this.fence = false;
      this.cut(this.text.len, 'code');
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
      if (nl + 1 > this.maxLength) {
        this.pos = Math.min(nl + 1, this.text.len);
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

  protected isClosingFence(a: number, b: number): boolean {
    let p = a;
    while (p < b && this.text.unit(p) === 0x20 && p - a < 4) p++;
    if (p - a > 3) return false;
    let q = p;
    while (q < b && this.text.unit(q) === this.fenceCh) q++;
    if (q - p < this.fenceLen) return false;
    for (; q < b; q++) {
      const d = this.text.unit(q);
      if (d !== 0x20 && d !== 0x09 && d !== 0x0d) return false;
    }
    return true;
  }

  protected scanInline(eof: boolean): boolean {
    const len = this.text.len;
    const lim = len < this.maxLength ? len : this.maxLength;
    let q = this.pos;
    while (q < lim) {
      const d = this.text.unit(q);
      if (d === 0x0a) {
        // not code after all: rescan after the opening run as ordinary text (the run may have
        // been released already by a forced cut)
        this.pos = Math.max(0, this.inlineStart + this.inline);
        this.inline = 0;
        return true;
      }
      if (d === 0x60) {
        let r = q;
        while (r < len && this.text.unit(r) === 0x60) r++;
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
    if (q >= this.maxLength) return true; // forced cut happens in scan()
    if (eof) {
      this.pos = Math.max(0, this.inlineStart + this.inline);
      this.inline = 0;
      return true;
    }
    return false;
  }

  protected scanTag(eof: boolean): boolean {
    const len = this.text.len;
    const lim = len < this.maxLength ? len : this.maxLength;
    let q = this.pos;
    const ts = this.tagStart;
    if (this.text.unit(ts + 1) === 0x21 && this.text.unit(ts + 2) === 0x2d && this.text.unit(ts + 3) === 0x2d) {
      const close = this.text.indexOfCommentEnd(Math.max(q - 2, ts + 4));
      if (close >= 0) {
        this.tagStart = -1;
        this.pos = close + 3;
        return true;
      }
      if (eof || len - this.tagStart > 4096) return this.abandonTag();
      this.pos = Math.max(this.pos, len - 2);
      if (len >= this.maxLength) {
        this.pos = Math.max(this.pos, this.maxLength);
        return true;
      }
      return false;
    }
    while (q < lim) {
      const d = this.text.unit(q);
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
        if (q + 1 < len && FLAGS[this.text.unit(q + 1)]! & WS) return this.abandonTag();
      }
      q++;
    }
    this.pos = q;
    if (q >= this.maxLength) return true;
    if (eof) return this.abandonTag();
    return false;
  }

  protected abandonTag(): boolean {
    this.pos = this.tagStart + 1;
    this.tagStart = -1;
    this.tagQuote = 0;
    return true;
  }
}
