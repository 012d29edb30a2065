/**
 * The state of the boundary scanner and the two ways it cuts: at a boundary it found (`cut`) and
 * at the maximum length (`forceCut`, the best clause, word or character boundary within it).
 *
 * Every position before the cursor (`pos`) has been decided "no cut here"; its lexical state
 * (code block, inline code, tag, line start, quote depth, best clause/word candidates, inline
 * list) is folded into these fields. A decision that needs text that has not arrived yet leaves
 * the cursor where it is; the next push resumes there. Look-ahead is bounded, so the total work is
 * linear in the input.
 * @internal
 */
import * as charsModule from './chars.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { FLAGS, NL, WS, isNoSpaceScript, isQuoteCloser } = charsModule;
import type { ResolvedOptions } from './options.js';
import { PendingText } from './pending-text.js';
import type { PeriodClass } from './period-rules.js';
import { type CutPiece, ReleasePolicy } from './release-policy.js';
import type { CutReason } from './types.js';

/** Longest whitespace run we look across when deciding a sentence end. @internal */
export const MAX_WS_LOOKAHEAD = 64;

let wordSegmenter: Intl.Segmenter | undefined;

/** Scanner state, cutting and the release policy it feeds. @internal */
export abstract class ScannerState {
  protected readonly options: ResolvedOptions;
  protected readonly maxLength: number;
  protected readonly readCode: boolean;
  /** The pushed text not yet released (positions below are relative to its start). */
  protected readonly text = new PendingText();
  protected pos = 0;
  protected firstContent = -1;
  protected lineStart = 0;
  protected lastClause = -1;
  protected lastSpace = -1;
  protected quoteDepth = 0;
  protected guillemets = 0;
  protected fence = false;
  protected fenceCh = 0;
  protected fenceLen = 0;
  protected fenceOpened = false;
  protected fenceLineStart = 0;
  protected segInFence = false;
  protected inline = 0;
  protected inlineStart = 0;
  protected tagStart = -1;
  protected tagQuote = 0;
  protected lastToken = '';
  protected classAt = -1;
  protected tokenCache = '';
  protected classCache: PeriodClass = 'cut';
  // inline list: the last enumerator seen ("1.", "b)", "• 9."), to cut before the next one
  protected listKind = 0; // 0 none, 1 number, 2 letter
  protected listValue = 0;
  protected listDelim = 0; // 1 ".", 2 ".)", 3 ")"
  protected listBullet = 0;
  /** Where cut pieces go. */
  protected readonly policy: ReleasePolicy;

  /** @param options - the resolved options */
  constructor(options: ResolvedOptions) {
    this.options = options;
    this.maxLength = options.maxLength;
    this.readCode = options.code === 'read';
    this.policy = new ReleasePolicy(options);
  }

  /** Forgets the utterance (offsets restart at 0). */
  protected resetState(): void {
    this.text.clear();
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

  protected wsEnd(from: number): number {
    let w = from;
    while (w < this.text.len && FLAGS[this.text.unit(w)]! & WS && w - from < MAX_WS_LOOKAHEAD) w++;
    return w;
  }

  /** Records a clause boundary; in the speech policy may release the first segment. */
  protected recordClause(at: number): boolean {
    if (this.firstContent < 0 || at > this.maxLength) return false;
    this.lastClause = at;
    if (this.options.granularity === 'speech' && !this.policy.spoken && at >= this.options.firstSegmentMinLength) {
      this.cut(at, 'clause');
      return true;
    }
    return false;
  }

  protected closeQuote(c: number): void {
    if (isQuoteCloser(c) || c === 0xff09 || c === 0x3011 || c === 0x300b || c === 0x3009) {
      if (this.quoteDepth > 0) this.quoteDepth--;
      if (c === 0xbb && this.guillemets > 0) this.guillemets--;
    }
  }

  protected commitQuotes(depth: number, guil: number): void {
    this.quoteDepth = depth;
    this.guillemets = guil;
  }

  protected forceCut(): void {
    const max = this.maxLength;
    let at = -1;
    const fc = this.firstContent;
    if (this.lastClause > fc && this.lastClause <= max && this.lastClause >= max * 0.3) at = this.lastClause;
    else if (this.lastSpace > fc && fc >= 0 && this.lastSpace <= max) at = this.lastSpace;
    else if (this.lastClause > fc && this.lastClause <= max) at = this.lastClause;
    if (at <= 0) {
      at = Math.min(max, this.text.len);
      const around = this.text.codePointBefore(at);
      if (isNoSpaceScript(around)) {
        wordSegmenter ??= new Intl.Segmenter(this.options.language ?? 'und', { granularity: 'word' });
        const from = Math.max(0, at - 32);
        const slice = this.text.slice(from, Math.min(this.text.len, at + 8));
        let best = -1;
        for (const part of wordSegmenter.segment(slice)) {
          const b = from + part.index;
          if (b > from && b <= at && b > max * 0.5) best = b;
        }
        if (best > 0) at = best;
      }
      while (at > 1 && this.text.badCut(at)) at--;
    }
    this.cut(at, 'max-length');
  }

  protected cut(end: number, reason: CutReason): void {
    const codeSkip = reason === 'code' && !this.readCode;
    if (!codeSkip && end > this.maxLength) end = this.maxLength;
    if (end > this.text.len) end = this.text.len;
    if (end <= 0) return;
    if (!codeSkip && end < this.text.len && this.text.badCut(end)) {
      let e = end;
      while (e > 1 && this.text.badCut(e)) e--;
      end = e;
    }
    const text = this.text.slice(0, end);
    const inFence = this.segInFence;
    // line state for whitespace consumed beyond the cursor
    for (let k = this.pos; k < end; k++) {
      if (FLAGS[this.text.unit(k)]! & NL) {
        this.lineStart = k + 1;
        this.quoteDepth = 0;
        this.guillemets = 0;
      }
    }
    this.text.drop(end);
    this.pos = this.pos > end ? this.pos - end : 0;
    this.lineStart -= end;
    this.lastClause = this.lastClause > end ? this.lastClause - end : -1;
    this.lastSpace = this.lastSpace > end ? this.lastSpace - end : -1;
    this.inlineStart -= end;
    this.fenceLineStart -= end;
    if (this.tagStart >= 0) this.tagStart = Math.max(0, this.tagStart - end);
    this.firstContent = -1;
    for (let k = 0; k < this.pos; k++) {
      if (!(FLAGS[this.text.unit(k)]! & WS)) {
        this.firstContent = k;
        break;
      }
    }
    if (this.fence && this.firstContent < 0 && this.pos > 0) this.firstContent = 0;
    this.segInFence = this.fence;
    const piece: CutPiece = { text, start: this.text.base - end, reason, inFence, code: reason === 'code' || inFence };
    this.policy.accept(piece);
  }
}
