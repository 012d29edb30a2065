import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32BytesToInt16, float32ToInt16, int16ToFloat32 } from './float.js';

describe('float32 <-> int16', () => {
  it('maps known values and clips', () => {
    expect(Array.from(float32ToInt16([0, 0.5, -0.5, 1, -1, 1.5, -7, Number.NaN, 1 / 32768]))).toEqual([
      0, 16384, -16384, 32767, -32768, 32767, -32768, 0, 1,
    ]);
    expect(Array.from(int16ToFloat32(Int16Array.from([0, 16384, -32768, 32767])))).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('round-trips float -> int16 -> float within 1/32768', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { maxLength: 200 }), (values) => {
        const back = int16ToFloat32(float32ToInt16(Float32Array.from(values)));
        values.forEach((v, i) => expect(Math.abs((back[i] as number) - Math.fround(v))).toBeLessThanOrEqual(1 / 32768));
      }),
    );
  });

  it('round-trips int16 -> float -> int16 exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 200 }), (values) => {
        expect(Array.from(float32ToInt16(int16ToFloat32(Int16Array.from(values))))).toEqual(values);
      }),
    );
  });

  it('decodes little-endian float32 bytes, aligned or not', () => {
    const floats = Float32Array.from([0.25, -1, 2]);
    const bytes = new Uint8Array(floats.buffer);
    expect(Array.from(float32BytesToInt16(bytes))).toEqual([8192, -32768, 32767]);
    const shifted = new Uint8Array(13);
    shifted.set(bytes, 1);
    expect(Array.from(float32BytesToInt16(shifted.subarray(1)))).toEqual([8192, -32768, 32767]);
  });
});
