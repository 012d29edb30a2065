/**
 * Virtual time for engine tests: a VirtualTimeScheduler advanced step by step, draining promise
 * continuations between steps (connect() is a Promise). No sleeps, no real timers.
 */
import { VirtualTimeScheduler, type Observable } from 'rxjs';
import type { SpeechEvent } from '../events.js';

/** Lets pending promise continuations run (a few event-loop turns, no wall-clock waiting). */
export async function drain(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A virtual clock: pass `clock.scheduler` as the engine's `scheduler`, then advance it. */
export class VirtualClock {
  /** The scheduler to give the engine (and anything else timed in the test). */
  readonly scheduler = new VirtualTimeScheduler();

  /** The current virtual time, in ms. */
  now(): number {
    return this.scheduler.now();
  }

  /**
   * Runs everything due in the next `ms` virtual ms, frame by frame: promise continuations are
   * drained after each frame's actions (as the event loop runs microtasks between timers), so a
   * `connect()` that resolves on a microtask is seen at the frame it resolved in.
   */
  async advance(ms: number): Promise<void> {
    const target = this.scheduler.frame + ms;
    for (;;) {
      await drain();
      const next = this.scheduler.actions[0];
      if (!next || next.delay > target) break;
      this.scheduler.maxFrames = next.delay;
      this.scheduler.flush();
    }
    this.scheduler.frame = Math.max(this.scheduler.frame, target);
    await drain();
  }

  /** Advances in steps until `done()` or `limitMs` virtual ms passed. */
  async until(done: () => boolean, limitMs = 600_000, stepMs = 10): Promise<void> {
    const end = this.scheduler.frame + limitMs;
    while (!done() && this.scheduler.frame < end) await this.advance(stepMs);
  }
}

/** Collects events of a speech observable. */
export interface Collected {
  readonly events: SpeechEvent[];
  error: unknown;
  completed: boolean;
  readonly done: () => boolean;
  readonly unsubscribe: () => void;
}

/** Subscribes and records everything. */
export function collect(source: Observable<SpeechEvent>, onEvent?: (e: SpeechEvent) => void): Collected {
  const c: { events: SpeechEvent[]; error: unknown; completed: boolean } = { events: [], error: undefined, completed: false };
  const sub = source.subscribe({
    next: (e) => {
      c.events.push(e);
      onEvent?.(e);
    },
    error: (err: unknown) => {
      c.error = err;
    },
    complete: () => {
      c.completed = true;
    },
  });
  return Object.assign(c, { done: () => c.completed || c.error !== undefined, unsubscribe: () => sub.unsubscribe() });
}

/** The PCM emitted for each segment, concatenated. */
export function audioBySegment(events: readonly SpeechEvent[]): Map<number, Int16Array> {
  const parts = new Map<number, Int16Array[]>();
  for (const e of events) {
    if (e.type !== 'audio') continue;
    const list = parts.get(e.segmentId) ?? [];
    list.push(e.pcm);
    parts.set(e.segmentId, list);
  }
  const out = new Map<number, Int16Array>();
  for (const [id, list] of parts) {
    const total = list.reduce((n, p) => n + p.length, 0);
    const pcm = new Int16Array(total);
    let at = 0;
    for (const p of list) {
      pcm.set(p, at);
      at += p.length;
    }
    out.set(id, pcm);
  }
  return out;
}

/** All emitted PCM concatenated. */
export function allAudio(events: readonly SpeechEvent[]): Int16Array {
  const list = events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : []));
  const pcm = new Int16Array(list.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of list) {
    pcm.set(p, at);
    at += p.length;
  }
  return pcm;
}
