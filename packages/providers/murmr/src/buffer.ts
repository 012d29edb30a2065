/**
 * Predicts how many generations (and so how many `done` messages) murmr produces for a text, from
 * murmr's documented server-side buffering:
 *
 * - after each `text` message, with at least 50 characters buffered and a sentence end (`.!?`) or
 *   clause end (`,;:`) followed by whitespace, the server generates up to the last such boundary;
 * - with 200 or more characters buffered it generates the whole buffer;
 * - `flush` generates what is left; whitespace-only text generates nothing.
 *
 * The adapter sends each segment as one `text` message followed by `flush`, so the buffer is empty at
 * the start of every segment and the prediction depends on the segment's text alone. The test
 * server in `@utter/testing` implements the same rule independently; a test checks they agree.
 */

const MIN_CHARS = 50;
const FORCE_CHARS = 200;
const BOUNDARY = /[.!?,;:](?=\s)/g;

/** The texts murmr generates for one `text` message sent on an empty buffer followed by `flush`. */
export function predictGenerations(text: string): string[] {
  const out: string[] = [];
  const push = (t: string): void => {
    if (t.trim() !== '') out.push(t);
  };
  let buf = text;
  for (;;) {
    if (buf.length >= MIN_CHARS) {
      let last = -1;
      for (const m of buf.matchAll(BOUNDARY)) last = m.index;
      if (last >= 0) {
        push(buf.slice(0, last + 1));
        buf = buf.slice(last + 1);
        continue;
      }
    }
    if (buf.length >= FORCE_CHARS) {
      push(buf);
      buf = '';
    }
    break;
  }
  push(buf); // flush
  return out;
}

/** How many `done` messages murmr sends for one segment sent as `text` + `flush`. */
export function expectedDones(text: string): number {
  return predictGenerations(text).length;
}
