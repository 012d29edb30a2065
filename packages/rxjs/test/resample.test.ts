import { describe, expect, it } from 'vitest';
import { lastValueFrom, of, toArray } from 'rxjs';
import type { AudioEvent, SpeechEvent } from '@utter/core';
import { resample } from '../src/index.js';
import { audioEvent, endEvent, segmentEvent, testScheduler } from './helpers.js';

describe('resample()', () => {
  it('passes audio already at the rate untouched, with everything else', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { s: segmentEvent('x'), a: audioEvent(1, 8, 8000), e: endEvent('x') };
      expectObservable(cold('-s-a-e-|', values).pipe(resample(8000))).toBe('-s-a-e-|', values);
    });
  });

  it('converts the rate, keeps the order and flushes the tail before the end of the reply', async () => {
    const tone = (offset: number) => {
      const pcm = new Int16Array(2205);
      for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (i + offset)) / 22050));
      return { ...audioEvent(0, 0, 22050, 'u1', (offset / 22050) * 1000), pcm };
    };
    const input: SpeechEvent[] = [segmentEvent('x'), tone(0), tone(2205), endEvent('x')];
    const out = await lastValueFrom(of(...input).pipe(resample(8000), toArray()));
    expect(out[0]?.type).toBe('segment');
    expect(out[out.length - 1]?.type).toBe('utterance-end');
    const audioOut = out.filter((e): e is AudioEvent => e.type === 'audio');
    expect(audioOut.every((e) => e.sampleRate === 8000 && e.utteranceId === 'u1')).toBe(true);
    const total = audioOut.reduce((n, e) => n + e.pcm.length, 0);
    expect(total).toBe(1600); // 200 ms at 8 kHz
    // offsets are contiguous
    let expected = 0;
    for (const e of audioOut) {
      expect(e.offsetMs).toBeCloseTo(expected, 6);
      expected += (e.pcm.length * 1000) / 8000;
    }
  });

  it('works on plain PCM chunks', async () => {
    const out = await lastValueFrom(of({ pcm: new Int16Array(1600), sampleRate: 16000 }).pipe(resample(8000), toArray()));
    expect(out.reduce((n, c) => n + c.pcm.length, 0)).toBe(800);
    expect(out.every((c) => c.sampleRate === 8000)).toBe(true);
  });

  it('forwards errors and unsubscribes the source', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const values = { a: audioEvent(1, 8, 8000) };
      expectObservable(cold('-a-#', values).pipe(resample(8000))).toBe('-a-#', values);
      const source = hot('-a-a-a-|', values);
      expectObservable(source.pipe(resample(8000)), '^---!').toBe('-a-a', values);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('validates the rate', () => {
    expect(() => resample(0)).toThrow(/rate/);
    expect(() => resample(44100.5)).toThrow(/rate/);
  });
});
