/**
 * Benchmarks of the embedded eSpeak NG provider (real synthesis, worker threads).
 *
 *   pnpm exec tsx --conditions=@utter/source packages/providers/espeak/bench/espeak.bench.ts   (from the repo root)
 *   pnpm --filter @utter/espeak bench
 *
 * - real-time factor: synthesis wall time / audio duration, one paragraph as one request (warm);
 * - cold first chunk: new provider -> connect (worker start, engine load, warm-up) -> first audio chunk;
 * - warm first chunk: request -> first audio chunk on a warm provider, median and p95 over 20 requests.
 */
import { performance } from 'node:perf_hooks';
import type { ConnectionEvent, SpeechConnection } from '@utter/core';
import { espeak } from '../src/index.js';

const PARAGRAPH =
  'Streaming speech synthesis lets an assistant start talking while the language model is still writing. ' +
  'The text is cut into natural phrases, each phrase is sent to the engine as soon as it is complete, and the ' +
  'audio comes back in small chunks that can be played at once. When the user interrupts, the reply is ' +
  'cancelled, the engine stops within a fraction of a second, and the next answer can begin without delay.';
const SENTENCE = 'Hello there, how can I help you today?';
const WARM_RUNS = 20;
const RTF_RUNS = 5;
const COLD_RUNS = 3;

let counter = 0;

interface Run {
  /** ms from send to the first audio chunk. */
  firstChunkMs: number;
  /** ms from send to segment-done. */
  totalMs: number;
  /** Audio produced, in ms. */
  audioMs: number;
}

function run(connection: SpeechConnection, text: string, start = performance.now()): Promise<Run> {
  const utteranceId = `bench-${counter++}`;
  return new Promise<Run>((resolve, reject) => {
    let first = -1;
    let samples = 0;
    const subscription = connection.events.subscribe((event: ConnectionEvent) => {
      if (!('utteranceId' in event) || event.utteranceId !== utteranceId) return;
      if (event.type === 'audio') {
        if (first < 0) first = performance.now() - start;
        samples += event.pcm.length;
      } else if (event.type === 'error') {
        subscription.unsubscribe();
        reject(event.error);
      } else if (event.type === 'utterance-done') {
        subscription.unsubscribe();
        resolve({ firstChunkMs: first, totalMs: performance.now() - start, audioMs: (samples * 1000) / 22050 });
      }
    });
    connection.send({ utteranceId, segmentId: 0, text });
    connection.finish(utteranceId);
  });
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const signal = new AbortController().signal;
const rows: { metric: string; value: string; detail: string }[] = [];

// Cold: a new provider each time, timed from connect() (worker start + engine load + warm-up).
const cold: number[] = [];
for (let i = 0; i < COLD_RUNS; i++) {
  const provider = espeak();
  const start = performance.now();
  const connection = await provider.connect({ signal });
  cold.push((await run(connection, SENTENCE, start)).firstChunkMs);
  await provider.close();
}
rows.push({ metric: 'cold first chunk', value: `${quantile(cold, 0.5).toFixed(1)} ms`, detail: `median of ${COLD_RUNS} (min ${Math.min(...cold).toFixed(1)}, max ${Math.max(...cold).toFixed(1)})` });

const provider = espeak();
await provider.warmup();
const connection = await provider.connect({ signal });

const warm: number[] = [];
for (let i = 0; i < WARM_RUNS; i++) warm.push((await run(connection, SENTENCE)).firstChunkMs);
rows.push({ metric: 'warm first chunk (median)', value: `${quantile(warm, 0.5).toFixed(1)} ms`, detail: `${WARM_RUNS} requests` });
rows.push({ metric: 'warm first chunk (p95)', value: `${quantile(warm, 0.95).toFixed(1)} ms`, detail: `${WARM_RUNS} requests` });

const rtf: number[] = [];
let audioMs = 0;
for (let i = 0; i < RTF_RUNS; i++) {
  const result = await run(connection, PARAGRAPH);
  rtf.push(result.totalMs / result.audioMs);
  audioMs = result.audioMs;
}
rows.push({
  metric: 'real-time factor',
  value: quantile(rtf, 0.5).toFixed(4),
  detail: `median of ${RTF_RUNS}; ${(audioMs / 1000).toFixed(1)} s paragraph (${(1 / quantile(rtf, 0.5)).toFixed(0)}x faster than real time)`,
});

connection.close();
await provider.close();

const width = [Math.max(...rows.map((row) => row.metric.length)), Math.max(...rows.map((row) => row.value.length))];
console.log(`\n@utter/espeak bench (Node ${process.version}, ${process.platform}/${process.arch})\n`);
console.log(`| ${'metric'.padEnd(width[0] ?? 0)} | ${'value'.padEnd(width[1] ?? 0)} | detail`);
console.log(`| ${'-'.repeat(width[0] ?? 0)} | ${'-'.repeat(width[1] ?? 0)} | ------`);
for (const row of rows) console.log(`| ${row.metric.padEnd(width[0] ?? 0)} | ${row.value.padEnd(width[1] ?? 0)} | ${row.detail}`);
