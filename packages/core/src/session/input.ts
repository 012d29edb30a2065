/**
 * Drives a {@link SpeechInput} (string, async iterable, iterable, Observable) as a push source that
 * can be stopped at any moment. Async iterators are driven by hand so that stopping calls
 * `iterator.return()` at once — `from(asyncIterable)` would wait for the next value of a stalled source.
 * @internal
 */
import { isObservable, type Observable, type Subscription } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { SpeechInput } from './types.js';

/** Callbacks of an input source. @internal */
export interface InputSink {
  next(delta: string): void;
  end(): void;
  error(error: SpeechError): void;
}

/** A running input. @internal */
export interface InputHandle {
  /** Stops the input: unsubscribes, or closes the async iterator. Idempotent. */
  stop(): void;
}

/** True when `value` is a valid {@link SpeechInput}. @internal */
export function isSpeechInput(value: unknown): value is SpeechInput {
  if (typeof value === 'string') return true;
  if (value === null || typeof value !== 'object') return false;
  return isObservable(value) || Symbol.asyncIterator in value || Symbol.iterator in value;
}

/** Wraps an error thrown by the input source. @internal */
export function inputError(error: unknown): SpeechError {
  if (error instanceof SpeechError) return error;
  return SpeechError.from(error, 'invalid-input', { retryable: false });
}

function badDelta(value: unknown): SpeechError {
  return new SpeechError('invalid-input', `Speech input must yield strings, got ${value === null ? 'null' : typeof value}.`);
}

/** Starts reading `input` into `sink`. Delivery may be synchronous (strings, iterables). @internal */
export function startInput(input: SpeechInput, sink: InputSink): InputHandle {
  let stopped = false;
  if (typeof input === 'string') {
    sink.next(input);
    if (!stopped) sink.end();
    return { stop: () => void (stopped = true) };
  }
  if (isObservable(input)) {
    let subscription: Subscription | undefined;
    const handle = {
      stop: () => {
        stopped = true;
        subscription?.unsubscribe();
      },
    };
    subscription = (input as Observable<unknown>).subscribe({
      next: (value) => {
        if (stopped) return;
        if (typeof value !== 'string') {
          handle.stop();
          sink.error(badDelta(value));
          return;
        }
        sink.next(value);
      },
      error: (err: unknown) => {
        if (!stopped) {
          stopped = true;
          sink.error(inputError(err));
        }
      },
      complete: () => {
        if (!stopped) {
          stopped = true;
          sink.end();
        }
      },
    });
    if (stopped) subscription.unsubscribe();
    return handle;
  }
  if (Symbol.asyncIterator in input) {
    const iterator = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    let done = false;
    const close = (): void => {
      if (done) return;
      done = true;
      try {
        const result = iterator.return?.();
        if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, () => undefined);
      } catch {
        // a failing return() must not break cancellation
      }
    };
    const loop = async (): Promise<void> => {
      try {
        while (!stopped) {
          const result = await iterator.next();
          if (stopped) return;
          if (result.done) {
            done = true;
            stopped = true;
            sink.end();
            return;
          }
          if (typeof result.value !== 'string') {
            stopped = true;
            close();
            sink.error(badDelta(result.value));
            return;
          }
          sink.next(result.value);
        }
      } catch (err) {
        done = true;
        if (!stopped) {
          stopped = true;
          sink.error(inputError(err));
        }
      }
    };
    void loop();
    return {
      stop: () => {
        if (!stopped) {
          stopped = true;
          close();
        } else close();
      },
    };
  }
  // Sync iterable of deltas.
  const iterator = (input as Iterable<unknown>)[Symbol.iterator]();
  const handle = {
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        iterator.return?.();
      } catch {
        // ignore
      }
    },
  };
  try {
    for (;;) {
      if (stopped) return handle;
      const result = iterator.next();
      if (result.done) break;
      if (typeof result.value !== 'string') {
        handle.stop();
        sink.error(badDelta(result.value));
        return handle;
      }
      sink.next(result.value);
    }
  } catch (err) {
    if (!stopped) {
      stopped = true;
      sink.error(inputError(err));
    }
    return handle;
  }
  if (!stopped) {
    stopped = true;
    sink.end();
  }
  return handle;
}
