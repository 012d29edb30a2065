import { Observable, VirtualTimeScheduler, defer, retry, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { SpeechError } from '../errors.js';
import { backoffDelay, retryBackoff } from './backoff.js';

describe('backoffDelay', () => {
  const base = { initialDelayMs: 100, maxDelayMs: 1000 };

  it('grows exponentially and caps at maxDelayMs without jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { ...base, jitter: 'none' }))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3].map((n) => backoffDelay(n, { ...base, jitter: 'none', factor: 3 }))).toEqual([100, 300, 900]);
    expect(backoffDelay(1000, { ...base, jitter: 'none' })).toBe(1000); // no overflow to Infinity/NaN
  });

  it('applies full and equal jitter from the injected random source', () => {
    expect(backoffDelay(3, { ...base, jitter: 'full', random: () => 0.5 })).toBe(200);
    expect(backoffDelay(3, { ...base, jitter: 'full', random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...base, jitter: 'equal', random: () => 0 })).toBe(200);
    expect(backoffDelay(3, { ...base, jitter: 'equal', random: () => 0.999999 })).toBe(400);
    expect(backoffDelay(3, { ...base, random: () => 0.25 })).toBe(100); // full is the default
  });

  it('stays within bounds for any attempt and random value', () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const r of [0, 0.1, 0.5, 0.99]) {
        const d = backoffDelay(attempt, { ...base, jitter: 'equal', random: () => r });
        expect(d).toBeGreaterThanOrEqual(Math.min(1000, 100 * 2 ** (attempt - 1)) / 2 - 1);
        expect(d).toBeLessThanOrEqual(1000);
      }
    }
  });

  it('rejects invalid input with invalid-input', () => {
    expect(() => backoffDelay(0, base)).toThrow(SpeechError);
    expect(() => backoffDelay(1, { initialDelayMs: 500, maxDelayMs: 100 })).toThrowError(/maxDelayMs/);
    expect(() => backoffDelay(1, { ...base, factor: 0.5 })).toThrowError(/factor/);
    try {
      backoffDelay(1, { ...base, jitter: 'some' as 'full' });
      expect.unreachable();
    } catch (error) {
      expect(SpeechError.is(error, 'invalid-input')).toBe(true);
    }
  });
});

describe('retryBackoff', () => {
  const options = { initialDelayMs: 10, maxDelayMs: 40, jitter: 'none' as const };

  it('resubscribes after exponential delays in virtual time (TestScheduler)', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, new SpeechError('connection', 'lost'));
      const result = source.pipe(retry(retryBackoff({ ...options, maxRetries: 4 }, testScheduler)));
      // Attempts at 0, 1+10, 12+20, 33+40, 74+40; the 5th failure (at 115) is rethrown.
      expectObservable(result).toBe('115ms #', undefined, new SpeechError('connection', 'lost'));
      expectSubscriptions(source.subscriptions).toBe([
        '^!',
        '11ms ^!',
        '32ms ^!',
        '73ms ^!',
        '114ms ^!',
      ]);
    });
  });

  it('rethrows errors that are not retryable without waiting', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable }) => {
      const auth = new SpeechError('auth', 'bad key');
      expectObservable(cold('--#', undefined, auth).pipe(retry(retryBackoff(options, testScheduler)))).toBe('--#', undefined, auth);
      const cancelled = Object.assign(new Error('aborted'), { name: 'AbortError' });
      expectObservable(cold('#', undefined, cancelled).pipe(retry(retryBackoff(options, testScheduler)))).toBe('#', undefined, cancelled);
      const custom = retryBackoff({ ...options, shouldRetry: (_e, attempt) => attempt < 2 }, testScheduler);
      expectObservable(cold('#', undefined, 'x').pipe(retry(custom))).toBe('10ms #', undefined, 'x');
    });
  });

  it('uses the injected scheduler (no real timers)', () => {
    const scheduler = new VirtualTimeScheduler();
    let attempts = 0;
    const times: number[] = [];
    const values: string[] = [];
    defer(() => {
      times.push(scheduler.now());
      attempts++;
      return attempts < 4 ? throwError(() => new Error('down')) : new Observable<string>((s) => s.next('up'));
    })
      .pipe(retry(retryBackoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 'equal', random: () => 0 }, scheduler)))
      .subscribe((v) => values.push(v));
    expect(values).toEqual([]);
    scheduler.flush();
    expect(times).toEqual([0, 50, 150, 350]);
    expect(values).toEqual(['up']);
  });

  it('resets the attempt count after a success when asked', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('a#');
      const result = source.pipe(retry(retryBackoff({ ...options, maxRetries: 2, resetOnSuccess: true }, testScheduler)));
      // Each attempt emits before failing, so the count never passes 1: every delay is the initial 10 ms.
      expectObservable(result, '^ 40ms !').toBe('a 10ms a 10ms a 10ms a');
    });
  });

  it('validates options', () => {
    expect(() => retryBackoff({ ...options, maxRetries: -1 })).toThrow(SpeechError);
    expect(() => retryBackoff({ initialDelayMs: -5, maxDelayMs: 10 })).toThrowError(/initialDelayMs/);
  });
});
