import { describe, it } from 'vitest';
import { audio } from '../src/index.js';
import { audioEvent, endEvent, segmentEvent, testScheduler } from './helpers.js';

describe('audio()', () => {
  const values = { s: segmentEvent('Hi.'), a: audioEvent(1), b: audioEvent(2), e: endEvent('Hi.') };

  it('keeps only audio events, in order, and completes with the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-b-e-|', values);
      expectObservable(source.pipe(audio())).toBe('---a-b---|', values);
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('forwards errors', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', values).pipe(audio())).toBe('-a-#', values);
    });
  });

  it('unsubscribes (finalizes) the source when unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-a-b-|', values);
      expectObservable(source.pipe(audio()), '^---!').toBe('-a-b', values);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });
});
