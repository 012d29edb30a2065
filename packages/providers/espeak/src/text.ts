/**
 * Text preparation for eSpeak NG: its SSML parser is always on, so plain (LLM) text must have
 * `& < >` escaped; and it reports word positions as 1-based code-point indices into the text it
 * was given. {@link prepareText} builds the text to send and a map back to UTF-16 offsets of the
 * original text.
 */

/** Text ready for the engine, with a map from its code points back to the original text. */
export interface PreparedText {
  /** The original text (what the caller sent). */
  readonly original: string;
  /** What the engine receives. */
  readonly sent: string;
  /** For code point `i` (0-based) of `sent`: UTF-16 offset in `original` of the character it came from. */
  readonly starts: Int32Array;
  /** For code point `i` of `sent`: UTF-16 offset in `original` just past the character it came from. */
  readonly ends: Int32Array;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Characters the engine must not see: NUL ends its C string early, other C0 controls (except tab,
 * newline, carriage return) and lone surrogates have no speakable meaning. Each is replaced by one
 * space, which keeps the code-point map one-to-one.
 */
function sanitize(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return ' ';
  if (code === 0x7f) return ' ';
  if (code >= 0xd800 && code <= 0xdfff) return ' '; // a lone surrogate (pairs iterate as one code point)
  return char;
}

/**
 * Prepares `text` for the engine. Without `ssml`, `& < >` are escaped as entities; with `ssml` the
 * text is passed through as markup (only unusable control characters are replaced).
 */
export function prepareText(text: string, ssml: boolean): PreparedText {
  const starts: number[] = [];
  const ends: number[] = [];
  let sent = '';
  let offset = 0;
  for (const char of text) {
    const end = offset + char.length;
    const clean = sanitize(char);
    const out = ssml ? clean : (ESCAPES[clean] ?? clean);
    // `out` is ASCII (an entity or a space) or the original code point: one code point per entry.
    for (const piece of out) {
      sent += piece;
      starts.push(offset);
      ends.push(end);
    }
    offset = end;
  }
  if (ssml) {
    // The engine reports a word spelled as an entity at the entity's `;`: map the whole entity to itself.
    let unit = 0;
    let point = 0;
    for (const match of sent.matchAll(ENTITY)) {
      for (; unit < match.index; unit++, point++) {
        const code = sent.charCodeAt(unit);
        if (code >= 0xd800 && code <= 0xdbff && unit + 1 < sent.length) {
          const next = sent.charCodeAt(unit + 1);
          if (next >= 0xdc00 && next <= 0xdfff) unit++;
        }
      }
      const last = point + match[0].length - 1; // entities are ASCII: one code point per UTF-16 unit
      const start = starts[point] ?? 0;
      const end = ends[last] ?? start;
      for (let i = point; i <= last; i++) {
        starts[i] = start;
        ends[i] = end;
      }
    }
  }
  return { original: text, sent, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

const ENTITY = /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/giu;

/** A word located in the original text. */
export interface LocatedWord {
  /** UTF-16 offset in the original text. */
  readonly offset: number;
  /** The word as it appears in the original text. */
  readonly text: string;
}

/**
 * Maps an engine word event (1-based code-point `position` and `length` in the sent text) to the
 * word in the original text. Returns `undefined` when it covers only whitespace (the engine sometimes reports such "words", e.g. after an emoji).
 */
export function locateWord(prepared: PreparedText, position: number, length: number): LocatedWord | undefined {
  const count = prepared.starts.length;
  if (count === 0 || position < 1) return undefined;
  const first = Math.min(position - 1, count - 1);
  const last = Math.min(Math.max(first, position - 1 + Math.max(length, 1) - 1), count - 1);
  const start = prepared.starts[first] ?? 0;
  const end = prepared.ends[last] ?? start;
  const raw = prepared.original.slice(start, end);
  const leading = raw.length - raw.trimStart().length;
  const text = raw.trim();
  if (text.length === 0) return undefined;
  return { offset: start + leading, text };
}
