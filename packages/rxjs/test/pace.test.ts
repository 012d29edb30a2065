import { describe, expect, it } from 'vitest';
import { pace } from '../src/index.js';
import { audioEvent, endEvent, segmentEvent, testScheduler } from './helpers.js';

// 100 samples at 1000 Hz = 100 ms of audio each
const a = audioEvent(1, 100);
const b = audioEvent(2, 100);
const c = audioEvent(3, 100);

describe('pace()', () => {
  it('releases audio in real time, keeping order, and completes after the last item', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('(sabce|)', { s: segmentEvent('x'), a, b, c, e: endEvent('x') });
      expectObservable(source.pipe(pace({ scheduler }))).toBe('(sa) 96ms b 99ms (ce|)', { s: segmentEvent('x'), a, b, c, e: endEvent('x') });
    });
  });

  it('releases leadMs ahead of real time', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('(abc|)', { a, b, c });
      expectObservable(source.pipe(pace({ scheduler, leadMs: 50 }))).toBe('a 49ms b 99ms (c|)', { a, b, c });
    });
  });

  it('restarts its clock after an underrun', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a 299ms b c|', { a, b, c });
      expectObservable(source.pipe(pace({ scheduler }))).toBe('a 299ms b 99ms (c|)', { a, b, c });
    });
  });

  it('forwards errors at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('(ab) 10ms #', { a, b });
      expectObservable(source.pipe(pace({ scheduler }))).toBe('a 13ms #', { a });
    });
  });

  it('unsubscribes the source and cancels the pending release', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('(abc) 500ms |', { a, b, c });
      expectObservable(source.pipe(pace({ scheduler })), '^ 150ms !').toBe('a 99ms b', { a, b });
      expectSubscriptions(source.subscriptions).toBe('^ 150ms !');
    });
  });

  it('validates its options', () => {
    expect(() => pace({ leadMs: -1 })).toThrow(/leadMs/);
  });
});
