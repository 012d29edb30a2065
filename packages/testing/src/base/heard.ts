/**
 * What the listener heard: decodes the audio a client emitted (generation-tagged test audio, see
 * `generatePcm`'s `generation` option) back into runs of generation characters, and judges them
 * against the original text: mid-generation splices, words missing, words heard twice.
 *
 * A *splice* is audio of a generation that starts, in what was heard, somewhere other than at its
 * first character: the client cut a new rendering at a sample offset to continue an old one. Real
 * neural TTS is not deterministic, so such a splice is audible (a different voice take, a jump in the
 * middle of a word). Recovery must instead resume at a word, as new text (a new generation heard from
 * its start).
 */
import type { Generation } from './recorder.js';
import { DEFAULT_MS_PER_CHAR, GENERATION_TAGS } from './pcm.js';

/** A stretch of heard audio: consecutive characters of one generation, or silence, or audio that is no test tag. */
export interface HeardRun {
  /** `'generation'` for decoded test audio; `'silence'` for zeros; `'foreign'` for samples that are no known tag. */
  readonly kind: 'generation' | 'silence' | 'foreign';
  /** The generation heard (for `kind: 'generation'`). */
  readonly generationId?: number;
  /** First character heard (code point index into the generation's text). */
  readonly fromChar: number;
  /** One past the last character heard (its block may be partial, see `partialEnd`). */
  readonly toChar: number;
  /** The generation's text from `fromChar` to `toChar` (empty for silence and foreign audio). */
  readonly text: string;
  /** The first character's audio was not heard from its start (the run begins at a sample offset inside it). */
  readonly partialStart: boolean;
  /** The last character's audio was not heard to its end. */
  readonly partialEnd: boolean;
  /** Index of the run's first sample in the decoded audio. */
  readonly startSample: number;
  /** Samples in the run. */
  readonly samples: number;
}

/** Options of {@link decodeHeard}. */
export interface DecodeHeardOptions {
  /** Sample rate of the audio (the server's rate for the generations). */
  readonly sampleRate: number;
  /** Milliseconds of test audio per character. Default 60 (the servers' default). */
  readonly msPerChar?: number;
}

/** Samples of the block of character `i`, as `generatePcm` lays them out. */
function blockLength(i: number, perChar: number): number {
  return Math.round((i + 1) * perChar) - Math.round(i * perChar);
}

interface Block {
  readonly value: number;
  readonly start: number;
  readonly length: number;
}

function blocksOf(pcm: Int16Array): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < pcm.length) {
    const value = pcm[i] ?? 0;
    let j = i + 1;
    while (j < pcm.length && pcm[j] === value) j++;
    blocks.push({ value, start: i, length: j - i });
    i = j;
  }
  return blocks;
}

/**
 * Decodes `pcm` (everything the client emitted for a reply, joined, at the generations' sample rate)
 * into runs. A run continues while the next block is the next character of the same generation;
 * anything else (another generation, a jump back or ahead, silence, foreign samples) starts a new run.
 * Chunking does not matter: the audio is decoded sample by sample.
 *
 * Generation ids are recovered modulo 120 (the tag's range): among the server's generations with that
 * tag, the one already being heard is preferred, else the earliest whose text is long enough. Character
 * indexes are recovered modulo 256: a run continues upward; a new run of a generation heard before
 * resumes after its last heard character when the tag allows, else starts at the smallest index.
 */
export function decodeHeard(pcm: Int16Array, generations: readonly Generation[], options: DecodeHeardOptions): HeardRun[] {
  const perChar = ((options.msPerChar ?? DEFAULT_MS_PER_CHAR) * options.sampleRate) / 1000;
  const chars = new Map<number, string[]>();
  const charsOf = (g: Generation): string[] => {
    let c = chars.get(g.id);
    if (c === undefined) chars.set(g.id, (c = Array.from(g.text)));
    return c;
  };
  const lastHeard = new Map<number, number>();
  const runs: HeardRun[] = [];
  interface Open {
    kind: HeardRun['kind'];
    gen?: Generation;
    from: number;
    to: number;
    start: number;
    samples: number;
    firstShort: boolean;
    lastShort: boolean;
  }
  let open: Open | undefined;
  const close = (): void => {
    if (open === undefined) return;
    const text = open.gen === undefined ? '' : charsOf(open.gen).slice(open.from, open.to).join('');
    const single = open.to - open.from === 1;
    runs.push({
      kind: open.kind,
      ...(open.gen === undefined ? {} : { generationId: open.gen.id }),
      fromChar: open.from,
      toChar: open.to,
      text,
      // A one-block run that is short is taken as cut at its end (a generation heard for less than a character).
      partialStart: !single && open.firstShort,
      partialEnd: open.lastShort,
      startSample: open.start,
      samples: open.samples,
    });
    if (open.gen !== undefined) lastHeard.set(open.gen.id, open.to - 1);
    open = undefined;
  };
  const other = (kind: 'silence' | 'foreign', block: Block): void => {
    if (open?.kind === kind) {
      open.samples += block.length;
      return;
    }
    close();
    open = { kind, from: 0, to: 0, start: block.start, samples: block.length, firstShort: false, lastShort: false };
  };

  for (const block of blocksOf(pcm)) {
    if (block.value === 0) {
      other('silence', block);
      continue;
    }
    const tagGen = (block.value >> 8) - 1;
    const low = block.value & 0xff;
    if (block.value < 256 || tagGen >= GENERATION_TAGS) {
      other('foreign', block);
      continue;
    }
    const current = open?.gen;
    // Continuing the open run: the next character of the same generation, after a whole block.
    if (open !== undefined && current !== undefined && current.id % GENERATION_TAGS === tagGen && !(open.lastShort && open.to - open.from > 1)) {
      const next = open.to;
      if ((next & 0xff) === low && next < charsOf(current).length) {
        open.to = next + 1;
        open.samples += block.length;
        open.lastShort = block.length < blockLength(next, perChar);
        continue;
      }
    }
    const candidates = generations.filter((g) => g.id % GENERATION_TAGS === tagGen && charsOf(g).length > low);
    const gen = (current !== undefined && candidates.includes(current) ? current : undefined) ?? candidates[0];
    if (gen === undefined) {
      other('foreign', block);
      continue;
    }
    // The character index: after the last heard one of this generation when the tag allows, else the smallest.
    const total = charsOf(gen).length;
    let index = low;
    const before = lastHeard.get(gen.id);
    if (before !== undefined) {
      const after = before + 1;
      const resumed = after + ((low - (after & 0xff) + 256) & 0xff);
      if (resumed < total) index = resumed;
    }
    close();
    const short = block.length < blockLength(index, perChar);
    open = { kind: 'generation', gen, from: index, to: index + 1, start: block.start, samples: block.length, firstShort: short, lastShort: short };
  }
  close();
  return runs;
}


/** A run that starts a generation somewhere other than at its beginning. */
export interface Splice {
  /** Index of the run in the decoded runs. */
  readonly run: number;
  /** The generation spliced in. */
  readonly generationId: number;
  /** The character it was entered at (0 with `atSampleOffset`: inside the first character). */
  readonly atChar: number;
  /** Entered at a sample offset inside a character rather than at a character's start. */
  readonly atSampleOffset: boolean;
  /** The generation heard just before, and how far, when there was one. */
  readonly after?: { readonly generationId: number; readonly toChar: number };
  /** For humans: `generation 3 entered at char 17 ("quickly, and") after generation 2 up to char 17`. */
  readonly description: string;
}

/** A word of the original text, by its index among the words. */
export interface JudgedWord {
  /** Index of the word among the original text's words. */
  readonly index: number;
  /** The word as written in the original text. */
  readonly word: string;
}

/** What {@link judgeHeard} found. */
export interface HeardJudgement {
  /** Mid-generation splices (should be none). */
  readonly splices: readonly Splice[];
  /** The text of every generation run, joined in the order heard. */
  readonly heardText: string;
  /** Words of the original text heard fully more than once (each extra hearing once). */
  readonly repeatedWords: readonly JudgedWord[];
  /** Words of the original text never heard fully. */
  readonly missingWords: readonly JudgedWord[];
  /** Fully heard words that match no nearby word of the original text. */
  readonly unexpectedWords: readonly string[];
  /** Samples of silence and of foreign (undecodable) audio. */
  readonly silenceSamples: number;
  readonly foreignSamples: number;
  /** A one-line summary of the runs, e.g. `g1[0..12) g3[0..40)`, for failure messages. */
  readonly summary: string;
}

/** Normalizes a word for comparison: NFC, lower case, no leading or trailing punctuation. */
function normalizeWord(word: string): string {
  return word.normalize('NFC').toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

interface Word {
  readonly text: string;
  /** Code point range [from, to). */
  readonly from: number;
  readonly to: number;
}

function wordsOf(text: string): Word[] {
  const chars = Array.from(text);
  const out: Word[] = [];
  let i = 0;
  while (i < chars.length) {
    while (i < chars.length && /\s/u.test(chars[i] ?? '')) i++;
    const from = i;
    while (i < chars.length && !/\s/u.test(chars[i] ?? '')) i++;
    if (i > from) out.push({ text: chars.slice(from, i).join(''), from, to: i });
  }
  return out;
}

/** How far (in words) the judge looks back or ahead to re-align a heard word with the original. */
const ALIGN_WINDOW = 64;

/**
 * Judges what was heard against `originalText`:
 * - **splices**: every generation run that does not start at its generation's first character (or
 *   starts inside a character's audio), except the very first run of the reply;
 * - **words**: the fully heard words of every run, aligned with the words of `originalText`
 *   (compared without case and edge punctuation): words never heard (`missingWords`), heard again
 *   (`repeatedWords`) and heard but not in the text (`unexpectedWords`).
 *
 * Recovery done right gives no splice, no missing word and at most one repeated word (the cut one).
 * `generations` must be the server's (for the texts of the runs). For a reply that was interrupted,
 * pass the `interrupted` event's `spokenText` as `originalText` (words after it are not missing).
 */
export function judgeHeard(runs: readonly HeardRun[], originalText: string, generations: readonly Generation[]): HeardJudgement {
  const byId = new Map(generations.map((g) => [g.id, g]));
  const splices: Splice[] = [];
  let previous: HeardRun | undefined;
  let first = true;
  runs.forEach((run, index) => {
    if (run.kind !== 'generation' || run.generationId === undefined) return;
    if (!first && (run.fromChar !== 0 || run.partialStart)) {
      const after = previous === undefined || previous.generationId === undefined ? undefined : { generationId: previous.generationId, toChar: previous.toChar };
      splices.push({
        run: index,
        generationId: run.generationId,
        atChar: run.fromChar,
        atSampleOffset: run.partialStart,
        ...(after === undefined ? {} : { after }),
        description:
          `generation ${run.generationId} entered at char ${run.fromChar}${run.partialStart ? ' (inside its audio)' : ''} (${JSON.stringify(run.text.slice(0, 24))})` +
          (after === undefined ? '' : ` after generation ${after.generationId} up to char ${after.toChar}`),
      });
    }
    first = false;
    previous = run;
  });

  const expected = wordsOf(originalText).map((w) => ({ word: w.text, norm: normalizeWord(w.text) })).filter((w) => w.norm !== '');
  const heardCount = new Array<number>(expected.length).fill(0);
  const repeatedWords: JudgedWord[] = [];
  const unexpectedWords: string[] = [];
  let p = 0;
  const hear = (q: number): void => {
    if ((heardCount[q] ?? 0) > 0) repeatedWords.push({ index: q, word: expected[q]?.word ?? '' });
    heardCount[q] = (heardCount[q] ?? 0) + 1;
    p = q + 1;
  };
  let silenceSamples = 0;
  let foreignSamples = 0;
  const texts: string[] = [];
  for (const run of runs) {
    if (run.kind === 'silence') silenceSamples += run.samples;
    if (run.kind === 'foreign') foreignSamples += run.samples;
    const gen = run.generationId === undefined ? undefined : byId.get(run.generationId);
    if (run.kind !== 'generation' || gen === undefined) continue;
    texts.push(run.text);
    for (const w of wordsOf(gen.text)) {
      const whole = w.from >= run.fromChar && w.to <= run.toChar && !(run.partialStart && w.from === run.fromChar) && !(run.partialEnd && w.to === run.toChar);
      if (!whole) continue;
      const norm = normalizeWord(w.text);
      if (norm === '') continue;
      if (p < expected.length && expected[p]?.norm === norm) {
        hear(p);
        continue;
      }
      let back = -1;
      for (let q = p - 1; q >= Math.max(0, p - ALIGN_WINDOW); q--) if (expected[q]?.norm === norm) { back = q; break; }
      let ahead = -1;
      for (let q = p; q < Math.min(expected.length, p + ALIGN_WINDOW); q++) if (expected[q]?.norm === norm) { ahead = q; break; }
      if (back < 0 && ahead < 0) unexpectedWords.push(w.text);
      else if (ahead < 0 || (back >= 0 && p - 1 - back <= ahead - p)) hear(back);
      else hear(ahead);
    }
  }
  const missingWords = expected.flatMap((w, index) => ((heardCount[index] ?? 0) === 0 ? [{ index, word: w.word }] : []));
  const summary = runs
    .map((r) =>
      r.kind === 'generation'
        ? `g${r.generationId ?? '?'}[${r.partialStart ? '~' : ''}${r.fromChar}..${r.toChar}${r.partialEnd ? '~' : ''})`
        : `${r.kind}(${r.samples})`,
    )
    .join(' ');
  return { splices, heardText: texts.join(''), repeatedWords, missingWords, unexpectedWords, silenceSamples, foreignSamples, summary };
}

/** Joins audio chunks (e.g. the `pcm` of a reply's `audio` events) into one array. */
export function joinPcm(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** {@link decodeHeard} then {@link judgeHeard}, with the runs. */
export function checkHeard(
  pcm: Int16Array | readonly Int16Array[],
  originalText: string,
  generations: readonly Generation[],
  options: DecodeHeardOptions,
): HeardJudgement & { readonly runs: readonly HeardRun[] } {
  const audio = pcm instanceof Int16Array ? pcm : joinPcm(pcm);
  const runs = decodeHeard(audio, generations, options);
  return { ...judgeHeard(runs, originalText, generations), runs };
}
