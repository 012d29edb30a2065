/**
 * Virtual time for the speaking operators. The session engine takes its time from an injected
 * scheduler, but a provider's `connect()` returns a Promise, so `TestScheduler.run()` (which flushes
 * synchronously) cannot drive it. Instead a {@link VirtualClock} (a `VirtualTimeScheduler`) is
 * advanced step by step, draining promise continuations between steps: no sleeps, no real timers.
 * What reaches the subscriber is recorded with its virtual frame as TestScheduler messages, so the
 * tests compare it with marble diagrams parsed by `TestScheduler.parseMarbles`.
 *
 * The clock and the fake provider are the engine's own test doubles, from `@utter/core/testing`.
 */
import { Observable, tap } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { ProviderCapabilities, SpeechEvent, SpeechProvider } from '@utter/core';
import { VirtualClock, drain, fakeProvider as coreFakeProvider } from '@utter/core/testing';

export { VirtualClock, drain };

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
  /** connect() resolves after this many virtual ms (0: at once). Default 0. */
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

const SAMPLES_PER_CHAR = 10;

/**
 * The engine's fake provider (`@utter/core/testing`) with the timings these marble tests are written
 * for — a request-mode provider with native cancel, 1 kHz audio, one request at a time: each request's
 * audio starts `latencyMs` after it is sent and comes in chunks `chunkIntervalMs` apart (one chunk per
 * `charsPerChunk` characters), then `segment-done`; `utterance-done` after finish — and a log of
 * what its connections were asked to do, stamped with virtual frames.
 */
export function fakeProvider(options: FakeProviderOptions): SpeechProvider & { readonly log: FakeLog } {
  const { scheduler } = options;
  const log: FakeLog = { connects: [], sends: [], cancels: [], finishes: [], closes: [], lateChunks: 0 };
  const inner = coreFakeProvider({
    scheduler,
    latencyMs: options.latencyMs ?? 20,
    chunkIntervalMs: options.chunkIntervalMs ?? 10,
    samplesPerChar: SAMPLES_PER_CHAR,
    chunkSamples: (options.charsPerChunk ?? 10) * SAMPLES_PER_CHAR,
    ...(options.connectMs === undefined ? {} : { connectMs: options.connectMs }),
    capabilities: { maxConcurrentRequests: 1, ...options.capabilities },
    fault: { ...(options.silent ? { silent: true } : {}), ...(options.lateChunksAfterCancel ? { lateChunksAfterCancel: options.lateChunksAfterCancel } : {}) },
  });
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    log,
    connect: async (connectOptions) => {
      log.connects.push(scheduler.now());
      const connection = await inner.connect(connectOptions);
      const cancelled = new Set<string>();
      return {
        events: connection.events.pipe(tap((e) => void (e.type === 'audio' && cancelled.has(e.utteranceId) && (log.lateChunks += 1)))),
        send: (request) => {
          log.sends.push(`${request.text}@${scheduler.now()}`);
          connection.send(request);
        },
        finish: (utteranceId) => {
          log.finishes.push(scheduler.now());
          connection.finish(utteranceId);
        },
        cancel: (utteranceId) => {
          log.cancels.push(scheduler.now());
          cancelled.add(utteranceId);
          connection.cancel(utteranceId);
        },
        close: () => {
          log.closes.push(scheduler.now());
          connection.close();
        },
      };
    },
  };
}
