import { describe, expect, it } from 'vitest';
import { StreamResampler } from './resampler.js';

const tone = (n: number, rate: number) => Int16Array.from({ length: n }, (_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 220 * i) / rate)));

describe('StreamResampler', () => {
  it.each([
    [22050, 48000],
    [24000, 44100],
    [48000, 44100],
  ])('%i -> %i Hz: odd chunk splits give the same samples as one chunk', (from, to) => {
    const input = tone(5003, from);
    const whole = new StreamResampler(from, to).push(input);
    const streamed = new StreamResampler(from, to);
    const parts: Float32Array[] = [];
    for (const [a, b] of [[0, 1], [1, 778], [778, 779], [779, 3001], [3001, 5003]] as const) parts.push(streamed.push(input.subarray(a, b)));
    const joined = Float32Array.from(parts.flatMap((p) => [...p]));
    expect(joined.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(joined[i]).toBeCloseTo(whole[i] as number, 6);
    expect(Math.abs(whole.length - (5003 * to) / from)).toBeLessThanOrEqual(2);
  });

  it('keeps the waveform (a 220 Hz tone stays a 220 Hz tone)', () => {
    const out = new StreamResampler(22050, 48000).push(tone(22050, 22050));
    for (let i = 0; i < out.length; i += 997) expect(out[i]).toBeCloseTo((12000 * Math.sin((2 * Math.PI * 220 * i) / 48000)) / 32768, 2);
  });

  it('passes through at equal rates', () => {
    expect([...new StreamResampler(24000, 24000).push(Int16Array.of(16384, -32768))]).toEqual([0.5, -1]);
  });
});
