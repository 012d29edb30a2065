/**
 * Helpers for adapter tests: drive a SpeechConnection directly and collect what it reports, check what
 * an error exposes, and step virtual time while a real socket runs.
 */
import type { Observable, Subscription, VirtualTimeScheduler } from 'rxjs';
import { SpeechError, type ConnectionEvent, type SpeechConnection, type SpeechEvent, type SpeechProvider } from '@utter/core';

/** Opens a connection to `provider` (the handshake included), with a signal nobody aborts. */
export function connectTo(provider: SpeechProvider): Promise<SpeechConnection> {
  return provider.connect({ signal: new AbortController().signal });
}

/** The {@link SpeechError} that `provider.connect()` rejects with; throws when it connects or fails otherwise. */
export async function connectError(provider: SpeechProvider): Promise<SpeechError> {
  const outcome: unknown = await connectTo(provider).then(
    (connection) => {
      connection.close();
      return 'connected';
    },
    (error: unknown) => error,
  );
  if (outcome instanceof SpeechError) return outcome;
  throw new Error(`expected connect() to reject with a SpeechError, got ${outcome === 'connected' ? 'a connection' : String(outcome)}`);
}

/** Collects a connection's events up to and including the first one `stop` accepts (or until `events` completes). */
export function eventsUntil(connection: SpeechConnection, stop: (event: ConnectionEvent) => boolean): Promise<ConnectionEvent[]> {
  return new Promise((resolve) => {
    const out: ConnectionEvent[] = [];
    const sub = connection.events.subscribe({
      next: (event) => {
        out.push(event);
        if (stop(event)) {
          queueMicrotask(() => sub.unsubscribe());
          resolve(out);
        }
      },
      complete: () => resolve(out),
    });
  });
}

/** What {@link collectConnectionEvents} returns. */
export interface ConnectionEventLog {
  /** Every event so far, in order. */
  readonly events: ConnectionEvent[];
  /** Whether `events` completed. */
  readonly completed: boolean;
  /** Resolves with the first event (seen or to come) matching `predicate`; rejects after `timeoutMs` (default 5000). */
  until(predicate: (e: ConnectionEvent) => boolean, timeoutMs?: number): Promise<ConnectionEvent>;
  /** Samples of audio of a reply (or one of its segments). */
  samples(utteranceId: string, segmentId?: number): number;
  /** The audio of a reply (or one of its segments), joined. */
  audio(utteranceId: string, segmentId?: number): Int16Array;
  /** Every error reported (`error` events and a `closed` error). */
  errors(): SpeechError[];
}

/** Collects a connection's events; `until` resolves when a matching event arrives. */
export function collectConnectionEvents(connection: SpeechConnection): ConnectionEventLog {
  const events: ConnectionEvent[] = [];
  const waiters: { predicate: (e: ConnectionEvent) => boolean; resolve: (e: ConnectionEvent) => void }[] = [];
  let completed = false;
  connection.events.subscribe({
    next(event) {
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    },
    complete() {
      completed = true;
    },
  });
  return {
    events,
    get completed() {
      return completed;
    },
    until(predicate, timeoutMs = 5000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`event not seen within ${timeoutMs} ms; got ${events.map((e) => e.type).join(',')}`)), timeoutMs);
        waiters.push({
          predicate,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    /** Samples of audio per `utteranceId/segmentId`. */
    samples(utteranceId, segmentId) {
      return events
        .filter((e): e is Extract<ConnectionEvent, { type: 'audio' }> => e.type === 'audio' && e.utteranceId === utteranceId && (segmentId === undefined || e.segmentId === segmentId))
        .reduce((n, e) => n + e.pcm.length, 0);
    },
    audio(utteranceId, segmentId) {
      const parts = events.filter(
        (e): e is Extract<ConnectionEvent, { type: 'audio' }> => e.type === 'audio' && e.utteranceId === utteranceId && (segmentId === undefined || e.segmentId === segmentId),
      );
      const out = new Int16Array(parts.reduce((n, e) => n + e.pcm.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part.pcm, at);
        at += part.pcm.length;
      }
      return out;
    },
    errors() {
      return events.flatMap((e) => (e.type === 'error' ? [e.error] : e.type === 'closed' && e.error ? [e.error] : []));
    },
  };
}

/** Everything an error exposes (message, JSON, stack, cause chain), to assert that no secret is in it. */
export function exposedText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, String(current), current.stack ?? '');
      try {
        parts.push(JSON.stringify(current));
      } catch {
        // ignore
      }
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join('\n');
}

/**
 * A real socket plus virtual time: advances `scheduler` by `ms`, letting real I/O run between the
 * scheduler actions that fall due (never runs an action due later).
 */
export async function advanceVirtualTime(scheduler: VirtualTimeScheduler, ms: number): Promise<void> {
  const target = scheduler.frame + ms;
  for (;;) {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    const next = scheduler.actions[0];
    if (!next || next.delay > target) break;
    scheduler.maxFrames = target;
    scheduler.flush();
  }
  scheduler.frame = Math.max(scheduler.frame, target);
}

/** Waits (in real time, event-driven) for `predicate`, polling on event-loop turns only. */
export async function eventually(predicate: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}

/** What {@link runSpeech} returns: the events so far and how the stream ended. */
export interface SpeechRun {
  /** Every event so far. */
  readonly events: SpeechEvent[];
  /** `error` is what the stream failed with; `done` is true once it completed or failed. */
  readonly state: { error: unknown; done: boolean; readonly sub: Subscription };
}

/** Subscribes to a speech stream (e.g. `speak(...)`) and records its events and its end. */
export function runSpeech(source: Observable<SpeechEvent>): SpeechRun {
  const events: SpeechEvent[] = [];
  const state: { error: unknown; done: boolean; sub?: Subscription } = { error: undefined, done: false };
  state.sub = source.subscribe({
    next: (e) => events.push(e),
    error: (e: unknown) => {
      state.error = e;
      state.done = true;
    },
    complete: () => {
      state.done = true;
    },
  });
  return { events, state: state as SpeechRun['state'] };
}
