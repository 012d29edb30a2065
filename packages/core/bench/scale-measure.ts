/**
 * The scale bench's instruments in the client process: event-loop delay, memory after GC, and the
 * main thread's time waiting for a CPU.
 */
import { readFileSync } from 'node:fs';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

/** Lateness of a 10 ms timer (monitorEventLoopDelay's method), pausable around the forced-GC memory samples. */
export class LoopSampler {
  readonly histogram: RecordableHistogram = createHistogram();
  private timer: NodeJS.Timeout | undefined;
  private due = 0;
  start(): void {
    this.due = performance.now() + 10;
    this.timer = setTimeout(this.fire, 10);
  }
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
  private readonly fire = (): void => {
    const now = performance.now();
    this.histogram.record(Math.max(1, Math.round((now - this.due) * 1000))); // µs
    this.start();
  };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Main thread's time waiting on a run queue, in ms (Linux); undefined where unknown. */
export function runQueueWaitMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/);
    const wait = Number(fields[1]);
    return Number.isFinite(wait) ? wait / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

export function memory(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
