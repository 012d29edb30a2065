/**
 * Virtual time for the speaking operators. The session engine takes its time from an injected
 * scheduler, but a provider's `connect()` returns a Promise, so `TestScheduler.run()` (which flushes
 * synchronously) cannot drive it. Instead a {@link VirtualClock} (a `VirtualTimeScheduler`) is
 * advanced step by step, draining promise continuations between steps: no sleeps, no real timers.
 * What reaches the subscriber is recorded with its virtual frame as TestScheduler messages, so the
 * tests compare it with marble diagrams parsed by `TestScheduler.parseMarbles`.
 *
 * The approach is copied from the engine's own tests (packages/core/src/session/testing/*), which
 * are test-only internals of @utter/core and not exported.
 */
import { Observable, Subject, VirtualTimeScheduler } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SpeechError } from '@utter/core';
import type { ConnectionEvent, ProviderCapabilities, SpeechConnection, SpeechEvent, SpeechProvider, TextRequest } from '@utter/core';

/** Lets pending promise continuations run (a few event-loop turns, no wall-clock waiting). */
export async function drain(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A virtual clock: a VirtualTimeScheduler advanced with promise draining in between. */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler();

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

  /** Advances one virtual ms at a time until `done()` (or `limitMs` passed). */
  async until(done: () => boolean, limitMs = 60_000): Promise<void> {
    const end = this.scheduler.frame + limitMs;
    while (!done() && this.scheduler.frame < end) await this.advance(1);
  }
}

/** One notification with its virtual frame, in TestScheduler's format. */
export type Recorded = ReturnType<typeof TestScheduler.parseMarbles>;

/** What a subscription received, with virtual frames. */
export interface Recording {
  /** Every event, in order. */
  readonly events: SpeechEvent[];
  /** Notifications (values mapped by `letter`) with the frame they arrived at. */
  readonly messages: Recorded;
  error: unknown;
  completed: boolean;
  done(): boolean;
  unsubscribe(): void;
}

/** One letter per event type, for marble diagrams. */
export const LETTER: Readonly<Record<SpeechEvent['type'], string>> = {
  segment: 's',
  audio: 'a',
  word: 'w',
  'segment-end': 'e',
  'utterance-end': 'E',
  interrupted: 'I',
};

/** Subscribes and records everything with the clock's frame. */
export function record(clock: VirtualClock, source: Observable<SpeechEvent>): Recording {
  const r = {
    events: [] as SpeechEvent[],
    messages: [] as Recorded,
    error: undefined as unknown,
    completed: false,
  };
  const push = (notification: Recorded[number]['notification']): void => {
    r.messages.push({ frame: clock.now(), notification });
  };
  const sub = source.subscribe({
    next: (e) => {
      r.events.push(e);
      push({ kind: 'N', value: LETTER[e.type] });
    },
    error: (err: unknown) => {
      r.error = err;
      push({ kind: 'E', error: err });
    },
    complete: () => {
      r.completed = true;
      push({ kind: 'C' });
    },
  });
  return Object.assign(r, { done: () => r.completed || r.error !== undefined, unsubscribe: () => sub.unsubscribe() });
}

/** A marble diagram (run-mode syntax: `50ms`, groups) as TestScheduler messages; values are the letters. */
export function marbles(diagram: string, error?: unknown): Recorded {
  // one frame per character, as inside TestScheduler.run() (outside it the factor is 10)
  const factor = TestScheduler.frameTimeFactor;
  TestScheduler.frameTimeFactor = 1;
  try {
    return TestScheduler.parseMarbles(diagram, undefined, error, false, true);
  } finally {
    TestScheduler.frameTimeFactor = factor;
  }
}

/** The marble messages of a recording without the error value (for comparing error frames and kinds). */
export function kinds(messages: Recorded): { frame: number; kind: string; value?: unknown }[] {
  return messages.map((m) => ({ frame: m.frame, kind: m.notification.kind, ...(m.notification.kind === 'N' ? { value: m.notification.value } : {}) }));
}

/** A source observable that records its subscription and finalization frames. */
export interface TracedSource<T> {
  readonly observable: Observable<T>;
  /** `['subscribed@0', 'finalized@120']`-style log. */
  readonly log: string[];
}

/** Emits `items[i]` at virtual frame `at[i]`, then completes at `completeAt` (never when undefined); logs subscribe/finalize. */
export function timedSource<T>(clock: VirtualClock, items: readonly (readonly [number, T])[], completeAt?: number): TracedSource<T> {
  const log: string[] = [];
  const observable = new Observable<T>((subscriber) => {
    log.push(`subscribed@${clock.now()}`);
    const start = clock.now();
    const timers: Subscription[] = items.map(([at, value]) => clock.scheduler.schedule(() => subscriber.next(value), at - start));
    if (completeAt !== undefined) timers.push(clock.scheduler.schedule(() => subscriber.complete(), completeAt - start));
    return () => {
      for (const t of timers) t.unsubscribe();
      log.push(`finalized@${clock.now()}`);
    };
  });
  return { observable, log };
}

// ------------------------------------------------------------------ an in-process provider

/** What the fake provider's connections were asked to do, with virtual frames. */
export interface FakeLog {
  connects: number[];
  /** `text@frame` of every request. */
  sends: string[];
  cancels: number[];
  finishes: number[];
  closes: number[];
  /** Audio chunks sent for generations already cancelled. */
  lateChunks: number;
}

/** Options of {@link fakeProvider}. */
export interface FakeProviderOptions {
  readonly scheduler: SchedulerLike;
  /** connect() resolves after this many virtual ms (0: on a microtask). Default 0. */
  readonly connectMs?: number;
  /** From a request to its first chunk. Default 20. */
  readonly latencyMs?: number;
  /** Between chunks. Default 10. */
  readonly chunkIntervalMs?: number;
  /** Characters of text per audio chunk. Default 10. */
  readonly charsPerChunk?: number;
  /** Keep sending this many chunks of a cancelled request (late audio). Default 0. */
  readonly lateChunksAfterCancel?: number;
  /** Never send audio. */
  readonly silent?: boolean;
  readonly capabilities?: Partial<ProviderCapabilities>;
}

const RATE = 1000;
const SAMPLES_PER_CHAR = 10;

/**
 * A deterministic request-mode provider with native cancel, all timing on the scheduler: each
 * request's audio starts `latencyMs` after it is sent and comes in chunks `chunkIntervalMs` apart
 * (one chunk per `charsPerChunk` characters), then `segment-done`; `utterance-done` after finish.
 * Requests of one connection run one at a time (maxConcurrentRequests 1), so timings are simple.
 */
export function fakeProvider(options: FakeProviderOptions): SpeechProvider & { readonly log: FakeLog } {
  const { scheduler } = options;
  const log: FakeLog = { connects: [], sends: [], cancels: [], finishes: [], closes: [], lateChunks: 0 };
  const capabilities: ProviderCapabilities = {
    textInput: 'request',
    segmentAcks: true,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate: RATE,
    sampleRates: [RATE],
    encodings: ['pcm16'],
    maxConcurrentRequests: 1,
    ...options.capabilities,
  };
  return {
    name: 'fake',
    capabilities,
    log,
    connect: ({ signal }) => {
      log.connects.push(scheduler.now());
      return new Promise<SpeechConnection>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new SpeechError('cancelled', 'aborted')), { once: true });
        const open = (): void => resolve(fakeConnection(options, log));
        if (options.connectMs) scheduler.schedule(open, options.connectMs);
        else queueMicrotask(open);
      });
    },
  };
}

function fakeConnection(options: FakeProviderOptions, log: FakeLog): SpeechConnection {
  const { scheduler } = options;
  const latency = options.latencyMs ?? 20;
  const interval = options.chunkIntervalMs ?? 10;
  const perChunk = options.charsPerChunk ?? 10;
  const events = new Subject<ConnectionEvent>();
  let closed = false;
  interface Job {
    readonly request: TextRequest;
    timer: Subscription | undefined;
    cancelled: boolean;
    late: number;
    done: boolean;
  }
  const jobs: Job[] = [];
  const finished = new Set<string>();
  const emit = (event: ConnectionEvent): void => {
    if (!closed) events.next(event);
  };
  const maybeDone = (utteranceId: string): void => {
    if (finished.has(utteranceId) && jobs.every((j) => j.request.utteranceId !== utteranceId || j.done || j.cancelled)) {
      finished.delete(utteranceId);
      emit({ type: 'utterance-done', utteranceId });
    }
  };
  const start = (job: Job): void => {
    if (options.silent) return;
    const chunks = Math.max(1, Math.ceil(job.request.text.length / perChunk));
    let sent = 0;
    const tick = (): void => {
      job.timer = undefined;
      if (closed) return;
      if (job.cancelled) {
        if (job.late <= 0) return;
        job.late -= 1;
        log.lateChunks += 1;
      }
      const pcm = new Int16Array(perChunk * SAMPLES_PER_CHAR).fill(job.request.segmentId + 1);
      emit({ type: 'audio', utteranceId: job.request.utteranceId, segmentId: job.request.segmentId, pcm, sampleRate: RATE });
      sent += 1;
      if (sent < chunks || (job.cancelled && job.late > 0)) {
        job.timer = scheduler.schedule(tick, interval);
        return;
      }
      if (job.cancelled) return;
      job.done = true;
      emit({ type: 'segment-done', utteranceId: job.request.utteranceId, segmentId: job.request.segmentId });
      maybeDone(job.request.utteranceId);
    };
    job.timer = scheduler.schedule(tick, latency);
  };
  return {
    events: events.asObservable(),
    send: (request) => {
      if (closed) return;
      log.sends.push(`${request.text}@${scheduler.now()}`);
      const job: Job = { request, timer: undefined, cancelled: false, late: options.lateChunksAfterCancel ?? 0, done: false };
      jobs.push(job);
      start(job);
    },
    finish: (utteranceId) => {
      if (closed) return;
      log.finishes.push(scheduler.now());
      finished.add(utteranceId);
      maybeDone(utteranceId);
    },
    cancel: (utteranceId) => {
      if (closed) return;
      log.cancels.push(scheduler.now());
      finished.delete(utteranceId);
      for (const job of jobs) {
        if (job.request.utteranceId !== utteranceId || job.done) continue;
        job.cancelled = true;
        if (job.late <= 0) job.timer?.unsubscribe();
      }
    },
    close: () => {
      if (closed) return;
      log.closes.push(scheduler.now());
      for (const job of jobs) job.timer?.unsubscribe();
      events.next({ type: 'closed' });
      closed = true;
      events.complete();
    },
  };
}
