/**
 * Segmenter benchmark. Run from the repository root:
 *   pnpm exec tsx --conditions=@utter/source packages/core/bench/segmenter.bench.ts
 *
 * Feeds a deterministic ~2 MB LLM-like text (prose with abbreviations, numbers, URLs, markdown
 * lists, code blocks, other languages), cut into LLM-like tokens of about 4 characters, token by
 * token to:
 *  - ours, 'sentence' and default ('speech') granularity;
 *  - LiveKit Agents' `tokenize.basic.SentenceTokenizer` streaming API (`@livekit/agents`);
 *  - `Intl.Segmenter` (sentence) streamed: re-segment the text since the last emitted boundary
 *    on every token, emit all but the last sentence;
 *  - `sbd` streamed the same way.
 * Prints MB/s (UTF-8) and our speed as a multiple of each; linearity (cost per KB at 20 KB vs
 * 2 MB); and release latency (characters pushed past a boundary before its release, characters
 * pushed before the first release), fed character by character.
 * A competitor too slow for 2 MB within the time budget is measured on a prefix (shown in the table).
 *
 * Quality first: boundary F1 on the evaluation corpus (packages/core/src/segmenter/fixtures/, ~300
 * LLM-answer-like cases in English and 20 other languages with gold boundaries), streamed with
 * every chunking, for ours and the three competitors, plus the number of cases whose text a
 * segmenter did not reproduce.
 */
import { performance } from 'node:perf_hooks';
import { createSegmenter } from '../src/segmenter/index.js';
import type { Segment, SegmenterOptions } from '../src/segmenter/index.js';
import { CHUNKINGS, type Chunking, type Counts, canonicalSet, chunkText, f1, llmTokens, locate, rng, score } from '../src/segmenter/fixtures/index.js';
import { PARSED, runOurs } from '../src/segmenter/fixtures/run.js';
import { GOLDEN_RULES_EN } from '../src/segmenter/fixtures/golden-rules.js';
import { PEERS, type Runner, type SentenceStreamer } from './segmenter-peers.js';

// ------------------------------------------------------------------ corpus


const SENTENCES = [
  'Sure, I can help with that.',
  'Dr. Smith recommends taking vitamin C. It helps with recovery.',
  'The meeting is at 10:30 a.m. tomorrow, so please be on time.',
  'Acme Inc. products cost about $3.50 each, i.e. roughly 2.4% more than last year.',
  'You can find the docs at https://example.com/docs?page=2. They are quite detailed.',
  'J. R. R. Tolkien wrote The Hobbit in 1937.',
  'Open the file config.json and set "debug" to true.',
  'Version v1.2.3 fixed the bug; version 1.3.0 adds new features.',
  'Email support@example.org if you have questions!',
  'Why does this happen? The cache is stale.',
  'Well... it depends on the context, e.g. the size of the input.',
  'The U.S. Army was founded on June 14, 1775.',
  'Use `npm install --save-dev vitest` to add it.',
  'In 2024, revenue grew to 1,000,000 dollars, a record.',
  'Mr. and Mrs. Jones arrived at 5 p.m. with their kids.',
  'That is a great question!',
  'Here is the thing: most people never read the manual, and that is fine.',
  'The temperature dropped to -5 °C overnight; roads were icy.',
];
const OTHER = [
  'Das ist z.B. ein gutes Beispiel. Am 3. Oktober ist Feiertag.',
  'Il a dit « Bonjour. » Puis il est parti.',
  '¿Qué tal? ¡Muy bien! El Sr. García llegó.',
  '你好。我是你的助手！今天天气怎么样？',
  'これはテストです。「本当？」はい。',
  'नमस्ते। आप कैसे हैं?',
  'مرحبا؟ كيف حالك.',
  'Τι κάνεις; Καλά.',
  'Привет! Это важно, т.е. нужно.',
];

function makeCorpus(bytes: number, seed = 42): string {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const x = r();
    let block: string;
    if (x < 0.55) {
      const n = 2 + Math.floor(r() * 5);
      block = Array.from({ length: n }, () => pick(SENTENCES)).join(' ') + '\n\n';
    } else if (x < 0.7) {
      block = `Here are the steps:\n\n${Array.from({ length: 3 }, (_, i) => `${i + 1}. ${pick(SENTENCES)}`).join('\n')}\n\n`;
    } else if (x < 0.8) {
      block = `## ${pick(['Overview', 'Details', 'Next steps', 'Summary'])}\n\n- **Note:** ${pick(SENTENCES)}\n- ${pick(SENTENCES)}\n\n`;
    } else if (x < 0.86) {
      block = '```ts\nconst total = items.reduce((a, b) => a + b.price, 0);\nconsole.log(`Total: ${total.toFixed(2)}`);\n```\n\n';
    } else if (x < 0.9) {
      block = `${'this run on sentence keeps going without any punctuation at all because the model forgot '.repeat(3)}\n\n`;
    } else {
      block = `${pick(OTHER)} ${pick(SENTENCES)}\n\n`;
    }
    parts.push(block);
    size += Buffer.byteLength(block);
  }
  return parts.join('');
}

// ------------------------------------------------------------------ runners

function ours(options: SegmenterOptions): Runner {
  return (tokens) => {
    const s = createSegmenter(options);
    let n = 0;
    for (const t of tokens) n += s.push(t).length;
    return n + s.end().length;
  };
}

const oursSentences: SentenceStreamer = (deltas) => {
  const s = createSegmenter({ granularity: 'sentence', maxLength: 1000 });
  const out: Segment[] = [];
  for (const d of deltas) out.push(...s.push(d));
  out.push(...s.end());
  return out.map((x) => x.text);
};

// ------------------------------------------------------------------ quality

async function competitorQuality(stream: SentenceStreamer, how: Chunking, cases = PARSED): Promise<{ counts: Counts; corrupted: number }> {
  const counts: Counts = { tp: 0, fp: 0, fn: 0 };
  let corrupted = 0;
  for (const c of cases) {
    const i = PARSED.indexOf(c);
    const sentences = await stream(chunkText(c.text, how, 1000 + i), c.lang);
    const ends = locate(c.text, sentences);
    if (ends === null) {
      corrupted++;
      score(c.gold, [], counts);
      continue;
    }
    score(c.gold, canonicalSet(c.text, ends), counts);
  }
  return { counts, corrupted };
}

/** Language groups of the F1 table (by primary subtag). */
const GROUPS: ReadonlyArray<readonly [string, (lang: string) => boolean]> = [
  ['English', (l) => l === 'en'],
  ['other Latin', (l) => !['en', 'ru', 'uk', 'bg', 'sr', 'el', 'zh', 'ja', 'ko', 'th', 'hi', 'bn', 'mr', 'ar', 'fa', 'ur', 'he', 'hy', 'ka', 'my', 'km', 'am', 'ta', 'te'].includes(l)],
  ['Cyrillic, Greek', (l) => ['ru', 'uk', 'bg', 'sr', 'el'].includes(l)],
  ['CJK, Thai', (l) => ['zh', 'ja', 'ko', 'th'].includes(l)],
  ['other scripts', (l) => ['hi', 'bn', 'mr', 'ar', 'fa', 'ur', 'he', 'hy', 'ka', 'my', 'km', 'am', 'ta', 'te'].includes(l)],
];

/** English Golden Rules passed, streamed with `split`. */
async function goldenRules(stream: SentenceStreamer, split: (text: string) => string[]): Promise<number> {
  let passed = 0;
  for (const rule of GOLDEN_RULES_EN) {
    const got = (await stream(split(rule.text), 'en')).map((x) => x.trim()).filter((x) => x.length > 0);
    if (JSON.stringify(got) === JSON.stringify(rule.sentences)) passed++;
  }
  return passed;
}

async function corpusQuality(): Promise<void> {
  const all: Array<[string, SentenceStreamer | undefined]> = [['utter', oursSentences], ...PEERS.map((p) => [p.name, p.sentences] as [string, SentenceStreamer | undefined])];
  const words = (t: string): string[] => t.match(/\s*\S+\s*$|\s*\S+/g) ?? [];
  const chars = (t: string): string[] => [...t];
  console.log(`English Golden Rules (pySBD's list of ${GOLDEN_RULES_EN.length}; pySBD reports 47 for itself, offline), streamed:\n`);
  console.log('| segmenter | word by word | character by character |');
  console.log('|---|---:|---:|');
  for (const [name, stream] of all) {
    if (!stream) console.log(`| ${name} (unavailable) | - | - |`);
    else console.log(`| ${name} | ${await goldenRules(stream, words)}/48 | ${await goldenRules(stream, chars)}/48 |`);
  }
  const gold = PARSED.reduce((n, c) => n + c.gold.length, 0);
  console.log(`\nQuality on the evaluation corpus: ${PARSED.length} cases, ${gold} gold boundaries, 'sentence' granularity.`);
  console.log('Boundary F1 per chunking (cases whose text was not reproduced exactly in brackets):\n');
  console.log(`| segmenter | ${CHUNKINGS.join(' | ')} |`);
  console.log(`|---|${CHUNKINGS.map(() => '---:').join('|')}|`);
  const cell = (counts: Counts, corrupted: number): string => `${f1(counts).f1.toFixed(3)}${corrupted ? ` (${corrupted})` : ''}`;
  for (const [name, withLanguage] of [['utter, case language set', true], ['utter, no language', false]] as const) {
    const cells = CHUNKINGS.map((how) => {
      const r = runOurs(how, withLanguage);
      return cell(r.counts, r.corrupted.length);
    });
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  for (const peer of PEERS) {
    if (!peer.sentences) {
      console.log(`| ${peer.name} (unavailable) | ${CHUNKINGS.map(() => '-').join(' | ')} |`);
      continue;
    }
    const cells: string[] = [];
    for (const how of CHUNKINGS) {
      const r = await competitorQuality(peer.sentences, how);
      cells.push(cell(r.counts, r.corrupted));
    }
    console.log(`| ${peer.name} | ${cells.join(' | ')} |`);
  }
  // per language group, LLM-like tokens
  const how: Chunking = 'llm';
  console.log(`\nBoundary F1 per language group ('${how}' chunking; cases per group in brackets):\n`);
  const groups = GROUPS.map(([name, test]) => [name, PARSED.filter((c) => test(c.lang))] as const);
  console.log(`| segmenter | ${groups.map(([name, cases]) => `${name} (${cases.length})`).join(' | ')} |`);
  console.log(`|---|${groups.map(() => '---:').join('|')}|`);
  for (const [name, stream] of all) {
    if (!stream) continue;
    const cells: string[] = [];
    for (const [, cases] of groups) {
      const r = await competitorQuality(stream, how, cases);
      cells.push(cell(r.counts, r.corrupted));
    }
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  console.log('');
}

// ------------------------------------------------------------------ measuring

async function time(run: Runner, tokens: readonly string[], minMs: number): Promise<number> {
  // returns ms per pass (best of passes within minMs, at least 2 passes)
  let best = Infinity;
  const t0 = performance.now();
  let passes = 0;
  while (passes < 2 || performance.now() - t0 < minMs) {
    const a = performance.now();
    await run(tokens);
    best = Math.min(best, performance.now() - a);
    passes++;
    if (passes > 200) break;
  }
  return best;
}

/** Prefix of `tokens` covering about `bytes` of text. */
function prefix(tokens: readonly string[], bytes: number): { tokens: string[]; bytes: number } {
  const out: string[] = [];
  let size = 0;
  for (const t of tokens) {
    if (size >= bytes) break;
    out.push(t);
    size += Buffer.byteLength(t);
  }
  return { tokens: out, bytes: size };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Latency when fed character by character (code units; surrogates may be split). */
function latency(text: string, options: SegmenterOptions): { median: number; p95: number; first: number } {
  const s = createSegmenter(options);
  const past: number[] = [];
  let first = -1;
  const record = (segments: Segment[], pushed: number): void => {
    for (const seg of segments) {
      if (first < 0) first = pushed;
      const boundary = seg.start + seg.text.trimEnd().length;
      past.push(pushed - boundary);
    }
  };
  for (let i = 0; i < text.length; i++) record(s.push(text[i]!), i + 1);
  record(s.end(), text.length);
  past.sort((a, b) => a - b);
  return { median: pct(past, 50), p95: pct(past, 95), first };
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(2);

async function main(): Promise<void> {
  const started = performance.now();
  if (process.env['SEGMENTER_BENCH_QUALITY'] !== '0') await corpusQuality();
  const corpus = makeCorpus(2_000_000);
  const tokens = llmTokens(corpus);
  const totalBytes = Buffer.byteLength(corpus);
  console.log(`\nSegmenter benchmark: ${mb(totalBytes)} MB of LLM-like text, ${tokens.length} tokens (avg ${(corpus.length / tokens.length).toFixed(1)} chars), Node ${process.version}\n`);

  interface Row {
    name: string;
    bytes: number;
    ms: number;
  }
  const rows: Row[] = [];
  const measure = async (name: string, run: Runner | undefined, budgetMs: number): Promise<void> => {
    if (!run) {
      rows.push({ name: `${name} (unavailable)`, bytes: 0, ms: NaN });
      return;
    }
    // probe on 20 KB to choose the size that fits the budget
    const probe = prefix(tokens, 20_000);
    const probeMs = await time(run, probe.tokens, 100);
    const estimate = (probeMs / probe.bytes) * totalBytes;
    let sample = { tokens: tokens as string[], bytes: totalBytes };
    if (estimate > budgetMs) {
      const bytes = Math.max(20_000, Math.floor((budgetMs / estimate) * totalBytes));
      sample = prefix(tokens, bytes);
    }
    const ms = await time(run, sample.tokens, Math.min(budgetMs, 4000));
    rows.push({ name, bytes: sample.bytes, ms });
  };

  // warm up the JIT on the whole corpus before timing
  for (let i = 0; i < 3; i++) {
    ours({ granularity: 'sentence' })(tokens);
    ours({})(tokens);
  }
  await measure("utter 'sentence'", ours({ granularity: 'sentence' }), 20_000);
  await measure("utter default ('speech')", ours({}), 20_000);
  for (const peer of PEERS) await measure(peer.name, peer.run, 6_000);

  const speed = (r: Row): number => r.bytes / 1e6 / (r.ms / 1000);
  const base = rows[0]!;
  console.log('| segmenter | measured on | MB/s | utter sentence is x faster |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    if (!Number.isFinite(r.ms)) {
      console.log(`| ${r.name} | - | - | - |`);
      continue;
    }
    const on = r.bytes >= totalBytes ? `${mb(r.bytes)} MB` : `${(r.bytes / 1000).toFixed(0)} KB prefix`;
    console.log(`| ${r.name} | ${on} | ${speed(r).toFixed(2)} | ${r === base ? '1' : (speed(base) / speed(r)).toFixed(1)} |`);
  }

  // linearity: the same 2 MB of tokens as one 2 MB utterance vs as 100 utterances of 20 KB
  // (same data and memory traffic; only the utterance length differs)
  console.log('\nLinearity (utter, token by token): cost per KB, one 2 MB utterance vs 20 KB utterances');
  const slices: string[][] = [];
  {
    let cur: string[] = [];
    let size = 0;
    for (const t of tokens) {
      cur.push(t);
      size += Buffer.byteLength(t);
      if (size >= 20_000) {
        slices.push(cur);
        cur = [];
        size = 0;
      }
    }
    if (cur.length) slices.push(cur);
  }
  for (const [name, options] of [["'sentence'", { granularity: 'sentence' }], ["default ('speech')", {}]] as const) {
    const run = ours(options);
    const many: Runner = () => {
      let n = 0;
      for (const sl of slices) n += run(sl) as number;
      return n;
    };
    let smallMs = Infinity;
    let bigMs = Infinity;
    for (let rep = 0; rep < 3; rep++) {
      smallMs = Math.min(smallMs, await time(many, tokens, 0));
      bigMs = Math.min(bigMs, await time(run, tokens, 0));
    }
    const perSmall = (smallMs / totalBytes) * 1000;
    const perBig = (bigMs / totalBytes) * 1000;
    console.log(`  ${name}: ${(perSmall * 1000).toFixed(1)} µs/KB as 20 KB utterances, ${(perBig * 1000).toFixed(1)} µs/KB as one 2 MB utterance, ratio ${(perBig / perSmall).toFixed(2)}`);
  }
  {
    const small = prefix(tokens, 20_000);
    const run = ours({ granularity: 'sentence' });
    const smallMs = await time(run, small.tokens, 1000);
    const bigMs = await time(run, tokens, 1500);
    console.log(`  ('sentence', 20 KB prefix alone, hot in cache: ${((smallMs / small.bytes) * 1e6).toFixed(1)} µs/KB vs ${((bigMs / totalBytes) * 1e6).toFixed(1)} µs/KB at 2 MB)`);
  }

  // latency, fed character by character
  const latencyText = corpus.slice(0, 300_000);
  console.log('\nRelease latency (fed character by character, 300 K chars):');
  console.log('| granularity | chars past boundary, median | p95 | chars before first release |');
  console.log('|---|---:|---:|---:|');
  for (const [name, options] of [["'sentence'", { granularity: 'sentence' }], ["default ('speech')", {}]] as const) {
    const l = latency(latencyText, options);
    console.log(`| ${name} | ${l.median} | ${l.p95} | ${l.first} |`);
  }
  // first release on typical reply openings
  const openings = [
    'Sure, I can help with that. First, open the settings.',
    'The capital of France is Paris, which is also its largest city.',
    'Great question! The answer depends on a few things.',
    'Dr. Smith, who led the study at the University of Oslo, found that sleep matters.',
  ];
  console.log('\nCharacters pushed before the first release (typical openings, char by char):');
  for (const text of openings) {
    const a = latency(text, { granularity: 'sentence' }).first;
    const b = latency(text, {}).first;
    console.log(`  sentence ${String(a).padStart(3)} | speech ${String(b).padStart(3)} | ${JSON.stringify(text.slice(0, 60))}`);
  }
  console.log(`\n(total bench time ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
