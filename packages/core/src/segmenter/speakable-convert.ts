/**
 * The speakable-text conversion: a builder of speakable text with its anchor map, and the
 * markdown converter that drives it.
 * @internal
 */
import type { SpeakableText } from './speakable.js';
import { AUTOLINK, COMMENT, HR, TABLE_SEP, TAG, emojiLength, fenceRun, findRun, isAlnum, isAsciiPunct, isWs, matchBracket } from './speakable-syntax.js';

export const EMPTY_MAP = new Uint32Array(0);

export class Builder {
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


export class Converter {
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

