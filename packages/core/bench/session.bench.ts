/**
 * Session engine overhead. Run all core benches with `pnpm bench` (or this one alone from the
 * repository root: `node --expose-gc --conditions=@utter/source --import tsx packages/core/bench/session.bench.ts`).
 *
 * Measured with a zero-latency in-process provider (contexts + segment acks, replies synthesized on the
 * next event-loop turn), so every microsecond measured is the engine's own:
 * - release -> wire: from pushing the delta that releases a segment (segmentation included) to the
 *   provider connection's `send()` for it;
 * - frame -> event: from the provider emitting an audio frame to the engine's `audio` event for it;
 * at 1 session and at 200 concurrent sessions in one process; plus heap per idle (warm) session.
 * Goal: < 1 ms median and < 5 ms p99 added with 200 sessions.
 */
import { performance } from 'node:perf_hooks';
import { Subject, lastValueFrom } from 'rxjs';
import { createSpeechSession } from '../src/session/index.js';
import { releaseProbe } from '../src/session/segments.js';
import type { ConnectionEvent, SpeechConnection, SpeechProvider } from '../src/provider.js';

const FRAME = new Int16Array(480); // 20 ms at 24 kHz
const FRAMES_PER_SEGMENT = 5;

interface Probe {
  pushAt: number | undefined;
  frameAt: number | undefined;
  releaseToWire: number[];
  frameToEvent: number[];
}

function zeroLatencyProvider(probe: Probe): SpeechProvider {
  return {
    name: 'zero',
    capabilities: {
      textInput: 'context',
      segmentAcks: true,
      cancel: 'native',
      wordTimestamps: false,
      sampleRate: 24_000,
      sampleRates: [24_000],
      encodings: ['pcm16'],
    },
    async connect(): Promise<SpeechConnection> {
      const events = new Subject<ConnectionEvent>();
      const queue: Array<{ utteranceId: string; segmentId: number }> = [];
      const finished = new Set<string>();
      let busy = false;
      const work = (): void => {
        const job = queue.shift();
        if (!job) {
          busy = false;
          for (const id of finished) events.next({ type: 'utterance-done', utteranceId: id });
          finished.clear();
          return;
        }
        for (let i = 0; i < FRAMES_PER_SEGMENT; i++) {
          probe.frameAt = performance.now();
          events.next({ type: 'audio', utteranceId: job.utteranceId, segmentId: job.segmentId, pcm: FRAME, sampleRate: 24_000 });
          probe.frameAt = undefined;
        }
        events.next({ type: 'segment-done', utteranceId: job.utteranceId, segmentId: job.segmentId });
        setImmediate(work);
      };
      return {
        events,
        send(r) {
          if (probe.pushAt !== undefined) probe.releaseToWire.push(performance.now() - probe.pushAt);
          queue.push({ utteranceId: r.utteranceId, segmentId: r.segmentId });
          if (!busy) {
            busy = true;
            setImmediate(work);
          }
        },
        finish(id) {
          finished.add(id);
          if (!busy) {
            busy = true;
            setImmediate(work);
          }
        },
        cancel() {},
        close() {
          events.next({ type: 'closed' });
          events.complete();
        },
      };
    },
  };
}

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog. ',
  'Streaming speech should start while the model is still writing. ',
  'Each segment goes to the provider as soon as its boundary is certain. ',
  'Audio comes back in order, whole, and exactly once. ',
  'Interruptions stop the output at once. ',
  'That is all for this reply.',
];

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function row(label: string, values: number[]): string {
  const f = (n: number) => (n * 1000).toFixed(1).padStart(8);
  return `${label.padEnd(34)} n=${String(values.length).padStart(6)}  median ${f(percentile(values, 50))} µs  p99 ${f(percentile(values, 99))} µs  max ${f(Math.max(...values))} µs`;
}

let currentProbe: Probe = { pushAt: undefined, frameAt: undefined, releaseToWire: [], frameToEvent: [] };

async function scenario(sessions: number, replies: number): Promise<Probe> {
  const probe: Probe = { pushAt: undefined, frameAt: undefined, releaseToWire: [], frameToEvent: [] };
  currentProbe = probe;
  await Promise.all(Array.from({ length: sessions }, () => conversationWithAudio(probe, replies)));
  return probe;
}

/** Like `conversation`, measuring frame -> audio event in the subscriber. */
async function conversationWithAudio(probe: Probe, replies: number): Promise<void> {
  const session = createSpeechSession({ provider: zeroLatencyProvider(probe), segmenter: { granularity: 'sentence' } });
  await session.warmup();
  for (let r = 0; r < replies; r++) {
    const input = new Subject<string>();
    const done = new Promise<void>((resolve, reject) => {
      session.say(input).subscribe({
        next: (e) => {
          if (e.type === 'audio' && probe.frameAt !== undefined) probe.frameToEvent.push(performance.now() - probe.frameAt);
        },
        error: reject,
        complete: resolve,
      });
    });
    for (const sentence of SENTENCES) {
      for (let i = 0; i < sentence.length; i += 8) {
        await new Promise((resolve) => setImmediate(resolve));
        probe.pushAt = undefined;
        input.next(sentence.slice(i, i + 8));
        probe.pushAt = undefined;
      }
    }
    input.complete();
    await done;
  }
  await session.close();
}

async function idleMemory(count: number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const probe: Probe = { pushAt: undefined, frameAt: undefined, releaseToWire: [], frameToEvent: [] };
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const sessions = [];
  for (let i = 0; i < count; i++) {
    const s = createSpeechSession({ provider: zeroLatencyProvider(probe) });
    await s.warmup();
    sessions.push(s);
  }
  gc?.();
  const after = process.memoryUsage().heapUsed;
  await Promise.all(sessions.map((s) => s.close()));
  return (after - before) / count;
}

export async function runSessionBench(): Promise<void> {
  // "release" = the moment the segmenter hands a segment to the engine (segmentation excluded).
  releaseProbe.onRelease = () => {
    currentProbe.pushAt = performance.now();
  };
  console.log('\n# Session engine overhead (zero-latency in-process provider)');
  await scenario(1, 20); // JIT warm-up
  for (const [sessions, replies] of [
    [1, 200],
    [200, 5],
  ] as const) {
    const probe = await scenario(sessions, replies);
    console.log(`\n## ${sessions} session${sessions > 1 ? 's' : ''} x ${replies} replies`);
    console.log(row("segment release -> send() on wire", probe.releaseToWire));
    console.log(row('provider audio frame -> audio event', probe.frameToEvent));
  }
  const bytes = await idleMemory(500);
  const gcNote = (globalThis as { gc?: () => void }).gc ? '' : ' (run with --expose-gc for an exact figure)';
  console.log(`\nheap per idle warm session: ${(bytes / 1024).toFixed(1)} KiB${gcNote}`);
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '');
if (isMain) await runSessionBench();
