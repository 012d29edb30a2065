import { describe, expect, it } from 'vitest';
import { frames } from '../src/index.js';
import { audioEvent, endEvent, testScheduler } from './helpers.js';

const chunk = (value: number, samples: number, sampleRate = 1000) => ({ pcm: new Int16Array(samples).fill(value), sampleRate });

describe('frames()', () => {
  it('cuts audio into fixed frames, pads the last one and completes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // 1000 Hz, 4 ms frames = 4 samples; chunks of 6 and 5 samples
      const source = cold('-a--b--e-|', { a: audioEvent(1, 6), b: audioEvent(2, 5), e: endEvent('x') });
      expectObservable(source.pipe(frames(4))).toBe('-x--y----(z|)', {
        x: chunk(1, 4),
        y: { pcm: Int16Array.from([1, 1, 2, 2]), sampleRate: 1000 },
        z: { pcm: Int16Array.from([2, 2, 2, 0]), sampleRate: 1000 },
      });
    });
  });

  it('emits the short last frame with pad: false', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-|', { a: audioEvent(1, 6) });
      expectObservable(source.pipe(frames(4, { pad: false }))).toBe('-x-(y|)', { x: chunk(1, 4), y: chunk(1, 2) });
    });
  });

  it('finishes the frame in progress when the sample rate changes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-b----|', { a: chunk(1, 2, 1000), b: chunk(2, 8, 2000) });
      expectObservable(source.pipe(frames(4))).toBe('---(xy)-|', {
        x: { pcm: Int16Array.from([1, 1, 0, 0]), sampleRate: 1000 },
        y: chunk(2, 8, 2000),
      });
    });
  });

  it('errors with invalid-input when the frame is not a whole number of samples', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-a-|', { a: chunk(1, 4, 1000) });
      expectObservable(source.pipe(frames(2.5))).toBe('-#', undefined, expect.objectContaining({ code: 'invalid-input' }));
    });
  });

  it('forwards source errors and unsubscribes the source', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('-a-#', { a: chunk(1, 4) }).pipe(frames(4))).toBe('-x-#', { x: chunk(1, 4) });
      const source = hot('-a-a-a-|', { a: chunk(1, 4) });
      expectObservable(source.pipe(frames(4)), '^---!').toBe('-x-x', { x: chunk(1, 4) });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('validates its arguments', () => {
    expect(() => frames(0)).toThrow(/ms must be/);
  });
});
