/**
 * The streaming text segmenter: decides when a piece of an LLM's text goes to the speech engine.
 *
 * A house of named parts, each in its own file:
 * - `chars.ts`: character and script classes;
 * - `languages.ts` / `lang.ts`: language data and its lookup (the `language` option);
 * - `pending-text.ts`: the unreleased text;
 * - `scanner-state.ts`, `markup-scanner.ts`, `period-rules.ts`, `boundaries.ts`: boundary
 *   detection (state and cuts, markup and lines, what a period means, the scanning loop);
 * - `release-policy.ts`: what is released when (certainty, speech merging, nothing-to-say pieces),
 *   and the deadline hook below;
 * - `speakable.ts`: speakable text and its offset map; `segment.ts`: the released segment;
 * - `options.ts`: option validation.
 */
import * as charsModule from './chars.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { CLOSER, FLAGS, TERM, WS, isWordChar } = charsModule;
import { BoundaryScanner } from './boundaries.js';
import { resolveOptions } from './options.js';
import type { Segment, Segmenter, SegmenterOptions } from './types.js';

class StreamingSegmenter extends BoundaryScanner implements Segmenter {
  push(delta: string): Segment[] {
    if (typeof delta !== 'string') throw new TypeError(`Segmenter.push expects a string, got ${typeof delta}`);
    if (delta.length > 0) {
      this.text.append(delta);
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
      // or the whole rest, when all that is left is a plain sentence end waiting for what follows
      const whole = this.waitsOnPlainSentenceEnd();
      if (whole) at = this.text.len;
      if (at > 0 && (whole || at <= this.pos)) this.cut(at, 'deadline');
    }
    return this.policy.take();
  }

  /**
   * True when the scanner waits at a sentence end that is all that is left ("Hello world." with
   * nothing after it yet) and the word before it is a plain word: not a number, an abbreviation, an
   * initial, a URL, an e-mail address or a file name, so releasing through it splits nothing.
   */
  private waitsOnPlainSentenceEnd(): boolean {
    const t = this.text;
    const p = this.pos;
    if (this.inline > 0 || this.tagStart >= 0 || p >= t.len || !(FLAGS[t.unit(p)]! & TERM)) return false;
    let k = p;
    while (k < t.len && FLAGS[t.unit(k)]! & (TERM | CLOSER)) k++;
    while (k < t.len && FLAGS[t.unit(k)]! & WS) k++;
    if (k < t.len) return false;
    const c = t.unit(p);
    if (c !== 0x2e) return c !== 0x2026; // ! ? and the other scripts' marks; an ellipsis may go on
    if (t.unit(p + 1) === 0x2e) return false;
    let s = p;
    while (s > 0 && isWordChar(t.codePointBefore(s))) s -= t.codePointBefore(s) > 0xffff ? 2 : 1;
    const before = t.unit(s - 1);
    if (s === p || !(s === 0 || FLAGS[before]! & WS || before === 0x22 || before === 0x28)) return false;
    for (let i = s; i < p; i++) if (t.unit(i) >= 0x30 && t.unit(i) <= 0x39) return false;
    return this.classifyPeriod(p) === 'cut';
  }

  firstPendingSpeakable(): number | undefined {
    const waiting = this.policy.holdsSpeech() ? this.policy.waitingSince() : undefined;
    if (waiting !== undefined) return waiting;
    // a skipped code block is not speakable; text before a fence is cut before the fence opens
    if (this.fence && !this.readCode) return undefined;
    const codes = this.text.codes;
    const h = this.text.head;
    for (let k = 0; k < this.text.len; k++) {
      const c = codes[h + k]!;
      if ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || (c >= 0x80 && !(FLAGS[c]! & WS))) return this.text.base + k;
    }
    return undefined;
  }

  end(): Segment[] {
    this.scan(true);
    if (this.fence) {
      this.fence = false;
      if (this.text.len > 0) this.cut(this.text.len, 'code');
    }
    while (this.text.len > 0) {
      if (this.text.len > this.maxLength) {
        this.pos = Math.max(this.pos, this.maxLength);
        this.forceCut();
      } else this.cut(this.text.len, 'end');
    }
    this.policy.flush();
    const out = this.policy.take();
    this.reset();
    return out;
  }

  private reset(): void {
    this.resetState();
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
