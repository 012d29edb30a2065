/**
 * murmr's documented server-side text buffering, as the test server implements it:
 *
 * - after each `text` message, when the buffer holds at least {@link MURMR_MIN_CHARS} characters and
 *   a sentence end (`.!?`) or clause end (`,;:`) followed by whitespace, the server generates up to
 *   the last such boundary (the rest stays buffered);
 * - at {@link MURMR_FORCE_CHARS} characters or more it generates the whole buffer;
 * - `flush` generates whatever is buffered;
 * - a buffer over {@link MURMR_MAX_BUFFER} characters is an error.
 *
 * Whitespace-only text is never generated (no audio, no `done`). Each generation ends with exactly
 * one `done`. The murmr adapter predicts the same generations from the text it sent.
 */

/** Minimum buffered characters before a boundary triggers a generation. */
export const MURMR_MIN_CHARS = 50;
/** Buffered characters that force a generation without a boundary. */
export const MURMR_FORCE_CHARS = 200;
/** Largest buffer murmr accepts. */
export const MURMR_MAX_BUFFER = 4096;

const BOUNDARY = /[.!?,;:](?=\s)/g;

function lastBoundary(text: string): number {
  let last = -1;
  for (const m of text.matchAll(BOUNDARY)) last = m.index;
  return last;
}

/** The result of a buffering step: the texts generated now, and what stays buffered. */
export interface MurmrBufferStep {
  readonly generations: string[];
  readonly buffer: string;
}

/** Appends `text` to `buffer` and applies the auto-generation rule. */
export function murmrAppend(buffer: string, text: string): MurmrBufferStep {
  let buf = buffer + text;
  const generations: string[] = [];
  const push = (t: string): void => {
    if (t.trim() !== '') generations.push(t);
  };
  for (;;) {
    if (buf.length >= MURMR_MIN_CHARS) {
      const idx = lastBoundary(buf);
      if (idx >= 0) {
        push(buf.slice(0, idx + 1));
        buf = buf.slice(idx + 1);
        continue;
      }
    }
    if (buf.length >= MURMR_FORCE_CHARS) {
      push(buf);
      buf = '';
    }
    break;
  }
  return { generations, buffer: buf };
}

/** `flush`: generates everything buffered (nothing when it is only whitespace). */
export function murmrFlush(buffer: string): MurmrBufferStep {
  return { generations: buffer.trim() === '' ? [] : [buffer], buffer: '' };
}
