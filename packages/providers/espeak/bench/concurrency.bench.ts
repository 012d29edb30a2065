/**
 * The embedded engine under many concurrent replies: first-in-first-out (the pool before its priority
 * queue) against the priority order of `src/queue.ts`, side by side in one run.
 *
 *   pnpm --filter @utter/espeak bench                      (all espeak benches)
 *   pnpm exec tsx --conditions=@utter/source packages/providers/espeak/bench/concurrency.bench.ts   (from the repo root)
 *   ESPEAK_BENCH_LEAD_MS=500 ... concurrency.bench.ts       (try another lead time of the priority order)
 *   ESPEAK_BENCH_REPLIES=16,64 ... concurrency.bench.ts     (other concurrency levels)
 *   ESPEAK_BENCH_SPREAD_MS=0 ... concurrency.bench.ts       (all replies start at the same instant)
 *   ESPEAK_BENCH_RUNS=3 ... concurrency.bench.ts            (medians of 3 runs per cell, orders alternating)
 *
 * N replies start within the first 3 s (at random, seeded: conversations do not all speak at the same
 * instant) on a warm pool of 1 or 2 engine instances (real eSpeak synthesis in worker threads), and
 * then all play at once: each reply is 3-5 sentences of a plausible assistant answer (15-30 s of
 * speech), cut by `@utter/core`'s segmenter and streamed like an LLM writes (~60 tokens/s, ~240
 * characters/s: a segment is available once the model has written its last character). Segments go to
 * the pool the way the session engine drives a `request` provider: in order, at most
 * `maxConcurrentRequests` (= the pool size) of a reply outstanding, the next one sent when one is done.
 *
 * Per reply:
 * - first audio: from the moment its first segment is handed to the pool to its first audio chunk;
 * - playback stalls: its audio is played in real time from its first chunk, in segment order; a stall
 *   is the next chunk arriving after the audio already produced ran out (gaps under 1 ms ignored).
 *   Counted per reply and summed over all replies (stall ms).
 * Printed: p50/p99 first audio, replies that stalled, stalls and total stall ms, FIFO / priority ratios.
 */
import { performance } from 'node:perf_hooks';
import { EnginePool } from '../src/pool.js';
import type { QueueOrder } from '../src/queue.js';
import { CHARS_PER_SECOND, makeReplies, playback, quantile, type Chunk, type Reply } from './replies.js';

const SAMPLE_RATE = 22050;
const LEVELS = (process.env.ESPEAK_BENCH_REPLIES ?? '16,64,256').split(',').map(Number);
const WORKERS = [1, 2];
const LEAD_MS = process.env.ESPEAK_BENCH_LEAD_MS === undefined ? undefined : Number(process.env.ESPEAK_BENCH_LEAD_MS);
const SPREAD_MS = Number(process.env.ESPEAK_BENCH_SPREAD_MS ?? 3000);
const RUNS = Number(process.env.ESPEAK_BENCH_RUNS ?? 1);

interface ReplyResult {
  readonly firstAudioMs: number;
  readonly audioMs: number;
  readonly stalls: number;
  readonly stallMs: number;
}

/** Drives one reply through the pool like the session engine's `request` strategy; resolves when all its segments are done. */
function runReply(pool: EnginePool, reply: Reply, window: number, t0: number): Promise<ReplyResult> {
  const key = {};
  const chunks: Chunk[][] = reply.segments.map(() => []);
  let submittedFirstAt = Number.NaN;
  let next = 0;
  let outstanding = 0;
  let done = 0;
  return new Promise<ReplyResult>((resolve, reject) => {
    const pump = (): void => {
      const now = performance.now();
      while (outstanding < window && next < reply.segments.length) {
        const segment = reply.segments[next];
        if (!segment) break;
        const due = t0 + segment.availableMs;
        if (due > now) {
          setTimeout(pump, due - now);
          return;
        }
        const index = next++;
        outstanding++;
        if (index === 0) submittedFirstAt = performance.now();
        pool.submit(
          segment.text,
          {
            chunk: (samples) => chunks[index]?.push({ at: performance.now(), ms: (samples.length * 1000) / SAMPLE_RATE }),
            done: () => {
              outstanding--;
              done++;
              if (done === reply.segments.length) {
                const first = chunks[0]?.[0]?.at ?? Number.NaN;
                const audioMs = chunks.flat().reduce((sum, chunk) => sum + chunk.ms, 0);
                resolve({ firstAudioMs: first - submittedFirstAt, audioMs, ...playback(chunks) });
              } else pump();
            },
            error: reject,
          },
          { reply: key, index },
        );
      }
    };
    pump();
  });
}


interface Summary {
  readonly p50: number;
  readonly p99: number;
  readonly stalledReplies: number;
  readonly stalls: number;
  readonly stallMs: number;
  readonly audioS: number;
  readonly wallS: number;
}

/**
 * The engine's first few long syntheses on a new instance are several times slower than the next ones
 * (its JavaScript is still being optimized; `warmup()`'s short text is not enough): warm each instance
 * with a few seconds of speech, twice, so that the figures compare queue orders, not cold engines.
 */
const WARM_PARAGRAPH =
  'Warming up: the quick brown fox jumps over the lazy dog, 12 times in 3.5 seconds! Is that fast? Perhaps; it depends on the dog. ' +
  'Streaming speech lets an assistant start talking while the model is still writing, one phrase at a time.';

async function measure(replies: readonly Reply[], workers: number, order: QueueOrder): Promise<Summary> {
  const pool = new EnginePool({ voice: 'en-us', rate: 175, pitch: 50, size: workers, warmText: 'Ready.', order, leadMs: LEAD_MS });
  await pool.warmup();
  for (let round = 0; round < 2; round++) {
    // One job per instance: each idle instance takes one.
    await Promise.all(
      Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => pool.submit(WARM_PARAGRAPH, { chunk: () => undefined, done: () => resolve(), error: reject }))),
    );
  }
  const t0 = performance.now();
  const results = await Promise.all(replies.map((reply) => runReply(pool, reply, workers, t0)));
  const wallS = (performance.now() - t0) / 1000;
  await pool.close();
  const first = results.map((result) => result.firstAudioMs);
  return {
    p50: quantile(first, 0.5),
    p99: quantile(first, 0.99),
    stalledReplies: results.filter((result) => result.stalls > 0).length,
    stalls: results.reduce((sum, result) => sum + result.stalls, 0),
    stallMs: results.reduce((sum, result) => sum + result.stallMs, 0),
    audioS: results.reduce((sum, result) => sum + result.audioMs, 0) / 1000,
    wallS,
  };
}

const ratio = (old: number, now: number): string => (now === 0 ? (old === 0 ? '1.00' : 'inf') : (old / now).toFixed(2));

/** The median of each field over runs. */
function medianOf(runs: readonly Summary[]): Summary {
  const pick = (field: keyof Summary): number => {
    const sorted = runs.map((run) => run[field]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  return {
    p50: pick('p50'),
    p99: pick('p99'),
    stalledReplies: pick('stalledReplies'),
    stalls: pick('stalls'),
    stallMs: pick('stallMs'),
    audioS: pick('audioS'),
    wallS: pick('wallS'),
  };
}

const cells = LEVELS.flatMap((count) => WORKERS.map((workers) => ({ count, workers, replies: makeReplies(count, SPREAD_MS), fifo: [] as Summary[], priority: [] as Summary[] })));
for (let run = 0; run < RUNS; run++) {
  for (const cell of cells) {
    // Alternate which order runs first, so that drift of the machine's load does not favour one.
    const orders: QueueOrder[] = (cell.count + cell.workers + run) % 2 === 0 ? ['fifo', 'priority'] : ['priority', 'fifo'];
    for (const order of orders) cell[order].push(await measure(cell.replies, cell.workers, order));
  }
}

const rows = cells.map((cell) => {
  const old = medianOf(cell.fifo);
  const now = medianOf(cell.priority);
  const segments = cell.replies.reduce((sum, reply) => sum + reply.segments.length, 0);
  return [
    String(cell.count),
    String(cell.workers),
    `${old.p50.toFixed(0)} / ${now.p50.toFixed(0)} (${ratio(old.p50, now.p50)}x)`,
    `${old.p99.toFixed(0)} / ${now.p99.toFixed(0)} (${ratio(old.p99, now.p99)}x)`,
    `${old.stalledReplies} / ${now.stalledReplies}`,
    `${old.stalls} / ${now.stalls}`,
    `${old.stallMs.toFixed(0)} / ${now.stallMs.toFixed(0)} (${ratio(old.stallMs, now.stallMs)}x)`,
    `${segments} (${now.audioS.toFixed(0)} s)`,
    `${old.wallS.toFixed(1)} / ${now.wallS.toFixed(1)}`,
  ];
});

const header = ['replies', 'workers', 'first audio p50 ms FIFO / priority', 'p99 ms FIFO / priority', 'replies stalled', 'stalls', 'stall ms (total)', 'segments (audio)', 'all synthesized after s'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(
  `\n@utter/espeak concurrency bench: FIFO vs priority queue (Node ${process.version}, ${process.platform}/${process.arch}; ` +
    `replies start within ${SPREAD_MS} ms; text at ${CHARS_PER_SECOND} chars/s; lead ${LEAD_MS ?? 'default'} ms; median of ${RUNS} run(s))\n`,
);
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(row));
console.log('\n(each cell: FIFO / priority; ratios FIFO / priority, above 1 the priority queue is better)');
