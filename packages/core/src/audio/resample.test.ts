import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpeechError } from '../errors.js';
import { concatPcm } from './pcm16.js';
import { createResampler, resample } from './resample.js';

function tone(frequency: number, rate: number, samples: number, amplitude = 10000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / rate));
  return out;
}

/** Amplitude of the `frequency` component over the middle 80 % of `x` (single-bin DFT). */
function amplitudeAt(x: ArrayLike<number>, frequency: number, rate: number): number {
  const from = Math.floor(x.length * 0.1);
  const to = Math.floor(x.length * 0.9);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * frequency * i) / rate;
    re += (x[i] as number) * Math.cos(w);
    im += (x[i] as number) * Math.sin(w);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function rms(x: ArrayLike<number>): number {
  const from = Math.floor(x.length * 0.1);
  const to = Math.floor(x.length * 0.9);
  let sum = 0;
  for (let i = from; i < to; i++) sum += (x[i] as number) ** 2;
  return Math.sqrt(sum / (to - from));
}

function db(ratio: number): number {
  return 20 * Math.log10(Math.max(ratio, 1e-12));
}

const PAIRS: Array<[number, number]> = [
  [24000, 16000],
  [22050, 24000],
  [44100, 8000],
  [16000, 48000],
  [48000, 44100],
  [8000, 22050],
  [44100, 44099], // co-prime rates: interpolated filter table
];

describe('resample', () => {
  it.each(PAIRS)('%i -> %i keeps a 1 kHz tone (amplitude within 0.1 dB, same frequency) and the length ratio', (from, to) => {
    const input = tone(1000, from, Math.round(from / 4));
    const output = resample(input, from, to);
    expect(output.length).toBe(Math.ceil((input.length * to) / from));
    expect(Math.abs(db(amplitudeAt(output, 1000, to) / 10000))).toBeLessThan(0.1);
    // All the energy is at 1 kHz: nothing left after removing it.
    expect(amplitudeAt(output, 1100, to)).toBeLessThan(100);
  });

  it.each([
    [24000, 16000, 10000],
    [44100, 8000, 6000],
    [48000, 16000, 8500],
    [22050, 16000, 9000],
  ])('%i -> %i attenuates a %i Hz tone (above the new Nyquist) by more than 40 dB', (from, to, frequency) => {
    const output = resample(tone(frequency, from, Math.round(from / 4)), from, to);
    expect(db(rms(output) / (10000 / Math.SQRT2))).toBeLessThan(-40);
  });

  it('is the identity at equal rates (a copy)', () => {
    const input = tone(440, 16000, 1000);
    const output = resample(input, 16000, 16000);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it('resamples float input to float output', () => {
    const input = Float32Array.from(tone(500, 16000, 4000), (v) => v / 32768);
    const output = resample(input, 16000, 8000);
    expect(output).toBeInstanceOf(Float32Array);
    expect(output.length).toBe(2000);
    expect(Math.abs(amplitudeAt(output, 500, 8000) - 10000 / 32768)).toBeLessThan(0.001);
  });

  it('clips instead of wrapping around', () => {
    const square = Int16Array.from({ length: 2000 }, (_, i) => (Math.floor(i / 40) % 2 === 0 ? 32767 : -32768));
    const output = resample(square, 24000, 16000);
    // Gibbs overshoot would exceed the int16 range; the samples stay sign-correct.
    const mid = output.subarray(200, 1200);
    expect(Math.max(...mid)).toBe(32767);
    expect(Math.min(...mid)).toBe(-32768);
  });

  it('rejects invalid rates', () => {
    expect(() => resample(new Int16Array(1), 0, 16000)).toThrow(SpeechError);
    expect(() => createResampler({ fromRate: 16000.5, toRate: 8000 })).toThrowError(/positive integers/);
  });
});

describe('createResampler', () => {
  it('gives exactly the one-shot result for any chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PAIRS),
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 600 }),
        fc.array(fc.nat(700), { maxLength: 8 }),
        ([from, to], values, points) => {
          const input = Int16Array.from(values);
          const resampler = createResampler({ fromRate: from, toRate: to });
          const cuts = [...new Set(points.map((p) => p % (input.length + 1)))].sort((a, b) => a - b);
          const parts: Int16Array[] = [];
          let start = 0;
          for (const end of [...cuts, input.length]) {
            parts.push(resampler.push(input.subarray(start, end)));
            start = end;
          }
          parts.push(resampler.flush());
          expect(Array.from(concatPcm(parts))).toEqual(Array.from(resample(input, from, to)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('starts over after flush and after reset', () => {
    const resampler = createResampler({ fromRate: 24000, toRate: 16000 });
    const input = tone(700, 24000, 3000);
    const once = concatPcm([resampler.push(input), resampler.flush()]);
    const twice = concatPcm([resampler.push(input), resampler.flush()]);
    expect(twice).toEqual(once);
    resampler.push(tone(300, 24000, 500));
    resampler.reset();
    expect(concatPcm([resampler.push(input), resampler.flush()])).toEqual(once);
  });

  it('releases output while streaming (latency is the filter half-length)', () => {
    const resampler = createResampler({ fromRate: 24000, toRate: 16000 });
    const first = resampler.push(tone(700, 24000, 2400)); // 100 ms in
    expect(first.length).toBeGreaterThan(1500); // most of the 1600 output samples are out already
  });
});
