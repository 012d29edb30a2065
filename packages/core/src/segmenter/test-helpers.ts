/**
 * Test helpers for the segmenter (not exported from the package).
 * @internal
 */
import { createSegmenter } from './segmenter.js';
import type { Segment, SegmenterOptions } from './types.js';

/** Feeds `chunks` one by one, then ends; returns all segments. @internal */
export function feed(chunks: readonly string[], options?: SegmenterOptions): Segment[] {
  const s = createSegmenter(options);
  const out: Segment[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.end());
  return out;
}

/** Splits a string into pieces of the given sizes (cycled), code units (may split surrogates). @internal */
export function chunk(text: string, sizes: readonly number[]): string[] {
  const out: string[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const n = Math.max(1, sizes[k++ % sizes.length] ?? 1);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** LLM-like tokens: words with their leading space, punctuation separate. @internal */
export function llmTokens(text: string): string[] {
  return text.match(/\s*[\p{L}\p{M}\p{N}]{1,6}|\s*[^\s\p{L}\p{M}\p{N}]|\s+/gu) ?? [];
}

/** Segment texts for `text` pushed whole. @internal */
export function texts(text: string, options?: SegmenterOptions): string[] {
  return feed([text], options).map((s) => s.text);
}

/** The chunkings every table test runs on. @internal */
export function chunkings(text: string): Array<[string, string[]]> {
  return [
    ['whole', [text]],
    ['chars', chunk(text, [1])],
    ['llm', llmTokens(text)],
    ['random', chunk(text, [3, 1, 7, 2, 5, 11, 4])],
  ];
}
