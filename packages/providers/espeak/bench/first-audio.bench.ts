/**
 * First audio of a real session on the embedded engine, for openings that are hard to cut early,
 * streamed as LLM tokens in real time: today's engine (`@utter/core` sources) against the engine at
 * fe4463e (`packages/core/bench/baseline/core-fe4463e.js`, see its README), side by side in one run.
 *
 *   pnpm --filter @utter/espeak bench                   (all espeak benches)
 *   pnpm exec tsx --conditions=@utter/source packages/providers/espeak/bench/first-audio.bench.ts   (from the repo root)
 *   ESPEAK_BENCH_RUNS=5 ... first-audio.bench.ts         (runs per opening and engine; default 3)
 *
 * Each opening (plus a sentence of prose after it, as a reply goes on) is cut into tokens of about 4
 * characters at word-piece boundaries and yielded at 60 tokens/s on a real-time schedule to
 * `session.say()`; first audio is the time from the first token to the reply's first `audio` event.
 * Also printed: when the first speakable character was streamed (a skipped code block or a URL is
 * not speech yet), so that what the engine can do and what the text allows are told apart.
 * Both engines run with their default options (release deadlines `release.firstSegmentMs` 250 ms and
 * `release.idleMs` 400 ms), one session each over one warm `espeak()` provider (one engine instance),
 * replies one at a time, the two engines alternating. Goal: today <= 300 ms for every opening.
 */
import { performance } from 'node:perf_hooks';
import type { Observable } from 'rxjs';
import { createSpeechSession, segmentText } from '@utter/core';
import { espeak } from '../src/index.js';

const TOKENS_PER_SECOND = 60;
const RUNS = Number(process.env.ESPEAK_BENCH_RUNS ?? 3);
const GOAL_MS = 300;

const OPENINGS: readonly { readonly name: string; readonly text: string }[] = [
  { name: 'greeting', text: 'Hello! How can I help? I can look things up, explain an error or draft a message for you.' },
  {
    name: 'long unpunctuated sentence',
    text:
      'so what you want to do here is take the configuration file that you created earlier and open it in your editor of choice ' +
      'and then look for the section that talks about the network settings because that is where the proxy address and the port ' +
      'number need to go before you restart the service and try the connection again from the command line. After that it should work.',
  },
  {
    name: 'fenced code block (15 lines) then prose',
    text: [
      '```ts',
      "import { readFile } from 'node:fs/promises';",
      '',
      'interface Config {',
      '  host: string;',
      '  port: number;',
      '}',
      '',
      'export async function loadConfig(path: string): Promise<Config> {',
      "  const text = await readFile(path, 'utf8');",
      '  const config = JSON.parse(text) as Config;',
      "  if (!config.host) throw new Error('host is missing');",
      '  config.port ??= 8080;',
      '  return config;',
      '}',
      '```',
      '',
      'This function reads the file, parses it as JSON and fills in the default port. Call it once at start-up.',
    ].join('\n'),
  },
  {
    name: 'markdown list',
    text:
      '- **Check the cable**: make sure it is plugged in firmly at both ends.\n' +
      '- **Restart the router**: unplug it for ten seconds, then plug it back in.\n' +
      '- **Update the firmware** from the admin page if the problem comes back.',
  },
  {
    name: 'number-heavy sentence',
    text: 'In 2023, revenue grew 14.5% to $3.21 billion, up from $2.80 billion in 2022, while costs fell 3.1% to $1.9 billion. Margins improved as a result.',
  },
  {
    name: 'opens with a URL',
    text: 'https://developer.mozilla.org/en-US/docs/Web/API/AudioWorklet explains how to run audio processing off the main thread. Start with the example at the top of that page.',
  },
];

/** Tokens of about 4 characters: words (with their leading space) up to 6 letters whole, longer ones in pieces; numbers of 1-3 digits; punctuation and newlines apart. */
function tokenize(text: string): string[] {
  const pieces = text.match(/ ?[A-Za-z]+| ?\d{1,3}|\n+| ?[^\sA-Za-z\d]{1,2}| +/g) ?? [];
  const tokens: string[] = [];
  for (const piece of pieces) {
    if (piece.length <= 6 || !/[A-Za-z]/.test(piece)) {
      tokens.push(piece);
      continue;
    }
    for (let i = 0; i < piece.length; i += 4) tokens.push(piece.slice(i, i + 4));
  }
  if (tokens.join('') !== text) throw new Error('tokenize() lost characters');
  return tokens;
}

/** Ms after the first token at which the token holding the first speakable character is streamed. */
function speakableFromMs(text: string): number {
  const segment = segmentText(text).find((candidate) => candidate.speakable.trim() !== '');
  if (!segment) return Number.NaN;
  const offset = segment.toOriginal(segment.speakable.search(/\S/));
  let end = 0;
  for (const [i, token] of tokenize(text).entries()) {
    end += token.length;
    if (end > offset) return (i * 1000) / TOKENS_PER_SECOND;
  }
  return Number.NaN;
}

/** Yields `tokens` at TOKENS_PER_SECOND on an absolute real-time schedule starting at `start`. */
async function* stream(tokens: readonly string[], start: number): AsyncGenerator<string> {
  for (const [i, token] of tokens.entries()) {
    const due = start + (i * 1000) / TOKENS_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    yield token;
  }
}

/** What both engines' sessions offer here. */
interface Session {
  say(input: AsyncIterable<string>): Observable<{ readonly type: string }>;
  warmup(): Promise<void>;
  close(): Promise<void>;
}
type CreateSession = (options: { provider: unknown }) => Session;

/** Speaks `text` token by token; resolves with ms from the first token to the first audio event (the reply is then cancelled). */
function firstAudio(session: Session, text: string): Promise<number> {
  const tokens = tokenize(text);
  return new Promise<number>((resolve, reject) => {
    const start = performance.now() + 5;
    const subscription = session.say(stream(tokens, start)).subscribe({
      next: (event) => {
        if (event.type !== 'audio') return;
        resolve(performance.now() - start);
        queueMicrotask(() => subscription.unsubscribe());
      },
      error: reject,
      complete: () => reject(new Error('the reply ended without audio')),
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

// The baseline bundle is plain JavaScript without types (imported by URL so that the type check does
// not check it): only `createSpeechSession` is used, through the shape both engines share.
const baselineUrl = new URL('../../../core/bench/baseline/core-fe4463e.js', import.meta.url);
const baseline = (await import(baselineUrl.href)) as { createSpeechSession: CreateSession };

const provider = espeak();
await provider.warmup();
const engines: readonly { readonly name: 'baseline' | 'today'; readonly session: Session }[] = [
  { name: 'baseline', session: baseline.createSpeechSession({ provider }) },
  { name: 'today', session: (createSpeechSession as unknown as CreateSession)({ provider }) },
];
for (const { session } of engines) {
  await session.warmup();
  // A few replies to warm the engine instance and both sessions (first syntheses are slow).
  for (let i = 0; i < 2; i++) await firstAudio(session, 'This reply only warms things up, it is not measured. The next one is.');
}

const results = new Map<string, { baseline: number[]; today: number[] }>();
for (let run = 0; run < RUNS; run++) {
  for (const opening of OPENINGS) {
    const entry = results.get(opening.name) ?? { baseline: [], today: [] };
    results.set(opening.name, entry);
    // Alternate which engine goes first.
    const order = run % 2 === 0 ? engines : [...engines].reverse();
    for (const { name, session } of order) {
      entry[name].push(await firstAudio(session, opening.text));
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the cancelled reply wind down
    }
  }
}
for (const { session } of engines) await session.close();
await provider.close();

const rows = OPENINGS.map((opening) => {
  const entry = results.get(opening.name) ?? { baseline: [], today: [] };
  const old = median(entry.baseline);
  const now = median(entry.today);
  const speakable = speakableFromMs(opening.text);
  return [
    opening.name,
    `${tokenize(opening.text).length}`,
    speakable.toFixed(0),
    old.toFixed(0),
    now.toFixed(0),
    (old / now).toFixed(2),
    now <= GOAL_MS ? 'yes' : 'NO',
    (now - speakable).toFixed(0),
    entry.today.map((ms) => ms.toFixed(0)).join(' '),
  ];
});
const header = ['opening', 'tokens', 'speech text from ms', 'baseline ms', 'today ms', 'ratio', `today <= ${GOAL_MS} ms`, 'today after speech text ms', 'today, each run'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(
  `\n@utter/espeak first audio through a session, ${TOKENS_PER_SECOND} tokens/s in real time, from the first token ` +
    `(median of ${RUNS}; baseline = engine at fe4463e; Node ${process.version}, ${process.platform}/${process.arch})\n`,
);
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(row));
console.log('\n(ratio = baseline / today: above 1, today is faster)');
