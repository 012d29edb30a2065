import { describe, expect, it } from 'vitest';
import { lastValueFrom, of, toArray } from 'rxjs';
import { segment } from '../src/index.js';
import { testScheduler } from './helpers.js';

describe('segment()', () => {
  it('emits each segment as soon as its boundary is certain, the rest on completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const tokens = cold('-a-b-c-d-|', { a: 'Hello there', b: '. How are', c: ' you today?', d: ' Fine' });
      expectObservable(tokens.pipe(segment())).toBe('---x-----(y|)', {
        x: expect.objectContaining({ text: 'Hello there. ', reason: 'sentence' }),
        y: expect.objectContaining({ text: 'How are you today? Fine' }),
      });
    });
  });

  it('is lossless and keeps offsets', async () => {
    const text = 'Dr. Smith paid $3.50 at example.com. Then he left! Did he come back? Yes.';
    const tokens = text.match(/.{1,4}/gs) ?? [];
    const segments = await lastValueFrom(of(...tokens).pipe(segment(), toArray()));
    expect(segments.map((s) => s.text).join('')).toBe(text);
    for (const s of segments) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(segments.length).toBeGreaterThan(1);
  });

  it('orders segments and releases the first before the source completes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const tokens = cold('-a---b-|', { a: 'First sentence here. Second', b: ' one.' });
      const out = tokens.pipe(segment());
      expectObservable(out).toBe('-x-----(y|)', {
        x: expect.objectContaining({ text: 'First sentence here. ', index: 0 }),
        y: expect.objectContaining({ text: 'Second one.', index: 1, start: 21, end: 32 }),
      });
    });
  });

  it('forwards errors and unsubscribes the source', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('-a-#', { a: 'Hi' }).pipe(segment())).toBe('---#');
      const source = hot('-a-a-a-|', { a: 'word ' });
      expectObservable(source.pipe(segment()), '^---!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('errors on non-string input and rejects bad options', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const bad = cold('-a-|', { a: 42 as unknown as string });
      expectObservable(bad.pipe(segment())).toBe('-#', undefined, expect.objectContaining({ code: 'invalid-input' }));
    });
    expect(() => segment({ maxLength: -5 })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});
