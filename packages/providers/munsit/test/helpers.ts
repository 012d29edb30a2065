/**
 * Test helpers: drive a SpeechConnection directly and collect what it reports.
 */
import type { ConnectionEvent, SpeechConnection, SpeechError } from '@utter/core';

/** Collects a connection's events; `until` resolves when a matching event arrives. */
export function collect(connection: SpeechConnection) {
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
    until(predicate: (e: ConnectionEvent) => boolean, timeoutMs = 5000): Promise<ConnectionEvent> {
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
    samples(utteranceId: string, segmentId?: number): number {
      return events
        .filter((e): e is Extract<ConnectionEvent, { type: 'audio' }> => e.type === 'audio' && e.utteranceId === utteranceId && (segmentId === undefined || e.segmentId === segmentId))
        .reduce((n, e) => n + e.pcm.length, 0);
    },
    audio(utteranceId: string, segmentId?: number): Int16Array {
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
    errors(): SpeechError[] {
      return events.flatMap((e) => (e.type === 'error' ? [e.error] : e.type === 'closed' && e.error ? [e.error] : []));
    },
  };
}

/** Asserts-friendly dump of everything an error exposes (message, JSON, cause chain). */
export function exposed(error: unknown): string {
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

/** A real socket plus virtual time: runs only the scheduler actions due by the virtual target time. */
export async function advance(scheduler: import('rxjs').VirtualTimeScheduler, ms: number): Promise<void> {
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
