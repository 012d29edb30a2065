/**
 * The segmenters the segmenter bench compares utter with, imported in this one place (so they can
 * move to a bench-only package without touching the bench): LiveKit Agents' streaming
 * `tokenize.basic.SentenceTokenizer` (`@livekit/agents`, installed by `pnpm bench:peers`),
 * `Intl.Segmenter` and `sbd`. A peer that is not installed is listed as unavailable.
 */
import { createRequire } from 'node:module';

/** Feeds deltas, returns the number of sentences (speed runs). */
export type Runner = (tokens: readonly string[]) => Promise<number> | number;
/** Feeds deltas of a text in `lang`, returns the sentences (quality runs). */
export type SentenceStreamer = (deltas: readonly string[], lang: string) => Promise<string[]> | string[];

/** One peer segmenter. */
export interface Peer {
  readonly name: string;
  /** `undefined` when the peer is not installed. */
  readonly run: Runner | undefined;
  readonly sentences: SentenceStreamer | undefined;
}

/**
 * Streams deltas the usual way for a whole-text splitter: re-split the text since the last
 * emitted boundary on every delta, emit all but the last sentence.
 */
export function streamSentences(split: (text: string) => string[], deltas: readonly string[]): string[] {
  const out: string[] = [];
  let buf = '';
  for (const d of deltas) {
    buf += d;
    const parts = split(buf);
    if (parts.length > 1) {
      out.push(...parts.slice(0, -1));
      buf = parts[parts.length - 1]!;
    }
  }
  out.push(...split(buf));
  return out;
}

function wholeTextPeer(name: string, split: ((text: string, lang: string) => string[]) | undefined): Peer {
  if (!split) return { name, run: undefined, sentences: undefined };
  return {
    name,
    run: (tokens) => streamSentences((t) => split(t, 'en'), tokens).length,
    sentences: (deltas, lang) => streamSentences((t) => split(t, lang), deltas),
  };
}

const intlByLang = new Map<string, Intl.Segmenter>();
const intl = (text: string, lang: string): string[] => {
  let seg = intlByLang.get(lang);
  if (!seg) intlByLang.set(lang, (seg = new Intl.Segmenter(lang, { granularity: 'sentence' })));
  return Array.from(seg.segment(text), (x) => x.segment);
};

interface Sbd {
  sentences(text: string, options?: Record<string, unknown>): string[];
}
let sbd: ((text: string) => string[]) | undefined;
try {
  const mod = createRequire(import.meta.url)('sbd') as Sbd;
  sbd = (text) => mod.sentences(text, { preserve_whitespace: true, newline_boundaries: true });
} catch (error) {
  console.log(`sbd not available: ${String(error)}`);
}

interface LiveKitStream {
  pushText(text: string): void;
  endInput(): void;
  [Symbol.asyncIterator](): AsyncIterator<{ token: string }>;
}
interface LiveKit {
  tokenize: { basic: { SentenceTokenizer: new () => { stream(): LiveKitStream } } };
}
let livekit: LiveKit | undefined;
try {
  // a variable specifier: the package is optional (bench/peers) and has no types here
  const specifier = '@livekit/agents';
  livekit = (await import(specifier)) as LiveKit;
} catch (error) {
  console.log(`@livekit/agents not available (install with \`pnpm bench:peers\`): ${String(error).split('\n')[0]}`);
}

async function livekitSentences(deltas: readonly string[]): Promise<string[]> {
  const stream = new livekit!.tokenize.basic.SentenceTokenizer().stream();
  for (const d of deltas) stream.pushText(d);
  stream.endInput();
  const out: string[] = [];
  for await (const ev of { [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() }) out.push(ev.token);
  return out;
}

/** The peers, in the order the tables list them. */
export const PEERS: readonly Peer[] = [
  {
    name: 'LiveKit tokenize.basic.SentenceTokenizer',
    run: livekit ? async (tokens) => (await livekitSentences(tokens)).length : undefined,
    sentences: livekit ? (deltas) => livekitSentences(deltas) : undefined,
  },
  wholeTextPeer('Intl.Segmenter (streamed)', intl),
  wholeTextPeer('sbd (streamed)', sbd),
];
