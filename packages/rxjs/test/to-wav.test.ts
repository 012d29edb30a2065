import { describe, expect, it } from 'vitest';
import { lastValueFrom, of } from 'rxjs';
import { parseWav, wavDataToPcm16 } from '@utter/core';
import { toWav } from '../src/index.js';
import { audioEvent, endEvent, segmentEvent, testScheduler } from './helpers.js';

function decode(bytes: Uint8Array): { sampleRate: number; pcm: Int16Array } {
  const wav = parseWav(bytes);
  return { sampleRate: wav.format.sampleRate, pcm: wavDataToPcm16(wav.data, wav.format) };
}

describe('toWav()', () => {
  it('emits one WAV on completion with all audio in order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { s: segmentEvent('Hi.'), a: audioEvent(1, 3), b: audioEvent(2, 2), e: endEvent('Hi.') };
      const out = cold('-s-a-b-e-|', values).pipe(toWav());
      expectObservable(out).toBe('---------(w|)', { w: expect.any(Uint8Array) });
    });
  });

  it('contains the samples and the rate', async () => {
    const bytes = await lastValueFrom(of(audioEvent(1, 3), segmentEvent('x'), audioEvent(2, 2)).pipe(toWav()));
    const { sampleRate, pcm } = decode(bytes);
    expect(sampleRate).toBe(1000);
    expect(Array.from(pcm)).toEqual([1, 1, 1, 2, 2]);
  });

  it('accepts plain PCM chunks and resamples other rates to the file rate', async () => {
    const bytes = await lastValueFrom(
      of({ pcm: new Int16Array(800), sampleRate: 8000 }, { pcm: new Int16Array(1600), sampleRate: 16000 }).pipe(toWav()),
    );
    const { sampleRate, pcm } = decode(bytes);
    expect(sampleRate).toBe(8000);
    expect(pcm.length).toBe(1600);
  });

  it('writes a header-only file when there is no audio', async () => {
    const bytes = await lastValueFrom(of(segmentEvent('x')).pipe(toWav({ sampleRate: 24000 })));
    expect(decode(bytes)).toEqual({ sampleRate: 24000, pcm: new Int16Array(0) });
  });

  it('forwards errors without emitting', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', { a: audioEvent(1) }).pipe(toWav())).toBe('---#');
    });
  });

  it('unsubscribes the source when unsubscribed', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-a-a-|', { a: audioEvent(1) });
      expectObservable(source.pipe(toWav()), '^--!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('rejects a bad sample rate', () => {
    expect(() => toWav({ sampleRate: -1 })).toThrow(/sampleRate/);
  });
});
