/**
 * The pool's queue policy in virtual time: the concurrency bench's workload (`replies.ts`) run
 * through the real `SynthesisQueue` against a model of the engine, deterministic and in about a
 * second, free of the noise of a shared machine. Used to choose the priority order's lead time
 * (`DEFAULT_LEAD_MS` in `src/queue.ts`); the real-engine figures are `concurrency.bench.ts`.
 *
 *   pnpm exec tsx --conditions=@utter/source packages/providers/espeak/bench/queue.sim.ts   (from the repo root)
 *   ESPEAK_SIM_RTF=0.003 ... queue.sim.ts     (one engine speed only: synthesis ms per ms of audio)
 *
 * Engine model: one synthesis at a time per instance; a segment's audio lasts 49 ms per character
 * (eSpeak at 175 words/min); synthesis takes 0.004 or 0.006 ms per ms of audio (warm instances on the
 * 2 shared cores here, quieter and busier), its first chunk comes 10 ms after it starts, and the
 * queue hears of the audio at the first chunk (100 ms) and at the end (the rest). Segments go to the
 * queue as in the concurrency bench: in order, at most one per instance outstanding per reply.
 */
import { DEFAULT_FIRST_WAIT_MS, DEFAULT_LEAD_MS, SynthesisQueue, type QueueOptions } from '../src/queue.js';
import { makeReplies, playback, quantile, type Chunk, type Reply } from './replies.js';

const AUDIO_MS_PER_CHAR = 49;
const SPEEDS = process.env.ESPEAK_SIM_RTF === undefined ? [0.004, 0.006] : [Number(process.env.ESPEAK_SIM_RTF)];
const FIRST_CHUNK_MS = 10;
const CHUNK_MS = 100;
const SPREAD_MS = 3000;

interface Outcome {
  readonly p50: number;
  readonly p99: number;
  readonly stalledReplies: number;
  readonly stallMs: number;
  readonly loadPerInstance: number;
}

interface Job {
  readonly reply: number;
  readonly index: number;
  readonly audioMs: number;
}

/** Runs the workload in virtual time; the event list is kept sorted (a few thousand events). */
function simulate(replies: readonly Reply[], workers: number, rtf: number, options: QueueOptions): Outcome {
  type Event = { readonly at: number; readonly run: () => void };
  const events: Event[] = [];
  const at = (time: number, run: () => void): void => {
    let low = 0;
    let high = events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((events[middle]?.at ?? 0) <= time) low = middle + 1;
      else high = middle;
    }
    events.splice(low, 0, { at: time, run });
  };
  const queue = new SynthesisQueue<Job>(options);
  const keys = replies.map(() => ({}));
  const chunks: Chunk[][][] = replies.map((reply) => reply.segments.map(() => []));
  const firstSubmitted: number[] = [];
  const next = replies.map(() => 0);
  const outstanding = replies.map(() => 0);
  let idle = workers;
  let now = 0;
  let busyMs = 0;

  const dispatch = (): void => {
    for (; idle > 0; idle--) {
      const job = queue.next(now);
      if (!job) return;
      const key = keys[job.reply] ?? {};
      const synthMs = job.audioMs * rtf;
      busyMs += FIRST_CHUNK_MS + synthMs;
      const pieces = chunks[job.reply]?.[job.index] ?? [];
      for (let offset = 0; offset < job.audioMs; offset += CHUNK_MS) {
        pieces.push({ at: now + FIRST_CHUNK_MS + (synthMs * (offset + CHUNK_MS)) / job.audioMs, ms: Math.min(CHUNK_MS, job.audioMs - offset) });
      }
      const firstMs = Math.min(CHUNK_MS, job.audioMs);
      at(now + FIRST_CHUNK_MS, () => queue.audio(key, firstMs, now));
      at(now + FIRST_CHUNK_MS + synthMs, () => {
        queue.audio(key, job.audioMs - firstMs, now);
        queue.settled(key);
        idle++;
        outstanding[job.reply] = (outstanding[job.reply] ?? 1) - 1;
        submit(job.reply);
      });
    }
  };
  const submit = (reply: number): void => {
    const segments = replies[reply]?.segments ?? [];
    while ((outstanding[reply] ?? 0) < workers && (next[reply] ?? 0) < segments.length) {
      const index = next[reply] ?? 0;
      const segment = segments[index];
      if (!segment) return;
      if (segment.availableMs > now) {
        at(segment.availableMs, () => submit(reply));
        return;
      }
      next[reply] = index + 1;
      outstanding[reply] = (outstanding[reply] ?? 0) + 1;
      if (index === 0) firstSubmitted[reply] = now;
      queue.push({ reply, index, audioMs: segment.text.length * AUDIO_MS_PER_CHAR }, { reply: keys[reply] ?? {}, index }, now);
    }
  };

  replies.forEach((_, reply) => submit(reply));
  for (let event = events.shift(); event; event = events.shift()) {
    now = event.at;
    event.run();
    dispatch();
  }
  const first = replies.map((_, reply) => (chunks[reply]?.[0]?.[0]?.at ?? Number.NaN) - (firstSubmitted[reply] ?? Number.NaN));
  const stalls = chunks.map((segments) => playback(segments));
  const audioMs = replies.reduce((sum, reply) => sum + reply.segments.reduce((n, segment) => n + segment.text.length * AUDIO_MS_PER_CHAR, 0), 0);
  return {
    p50: quantile(first, 0.5),
    p99: quantile(first, 0.99),
    stalledReplies: stalls.filter((result) => result.stalls > 0).length,
    stallMs: stalls.reduce((sum, result) => sum + result.stallMs, 0),
    // Synthesis work per instance per second of the replies' playback (> 1: the engine cannot keep up).
    loadPerInstance: busyMs / workers / (audioMs / replies.length),
  };
}

const VARIANTS: readonly { readonly name: string; readonly options: QueueOptions }[] = [
  { name: 'FIFO', options: { order: 'fifo' } },
  { name: `priority (lead ${DEFAULT_LEAD_MS}, first wait ${DEFAULT_FIRST_WAIT_MS}: defaults)`, options: {} },
  ...[
    [250, DEFAULT_FIRST_WAIT_MS],
    [2000, DEFAULT_FIRST_WAIT_MS],
    [DEFAULT_LEAD_MS, 1000],
    [DEFAULT_LEAD_MS, 2000],
    [DEFAULT_LEAD_MS, Number.POSITIVE_INFINITY],
  ]
    .filter(([leadMs, firstWaitMs]) => leadMs !== DEFAULT_LEAD_MS || firstWaitMs !== DEFAULT_FIRST_WAIT_MS)
    .map(([leadMs = 0, firstWaitMs = 0]) => ({ name: `priority (lead ${leadMs}, first wait ${firstWaitMs})`, options: { leadMs, firstWaitMs } })),
];

const rows: string[][] = [];
for (const rtf of SPEEDS) {
  for (const count of [64, 256]) {
    const replies = makeReplies(count, SPREAD_MS);
    for (const workers of [1, 2]) {
      for (const variant of VARIANTS) {
        const outcome = simulate(replies, workers, rtf, variant.options);
        rows.push([
          String(rtf),
          String(count),
          String(workers),
          outcome.loadPerInstance.toFixed(2),
          variant.name,
          outcome.p50.toFixed(0),
          outcome.p99.toFixed(0),
          String(outcome.stalledReplies),
          outcome.stallMs.toFixed(0),
        ]);
      }
    }
  }
}

const header = ['synthesis ms per audio ms', 'replies', 'workers', 'load', 'order', 'first audio p50 ms', 'p99 ms', 'replies stalled', 'stall ms (total)'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(`\n@utter/espeak queue simulation (virtual time; replies start within ${SPREAD_MS} ms)\n`);
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(row));
console.log('\n(load: synthesis time per instance per second of a reply\'s playback, over the whole run; above 1 the engine cannot keep up)');
