/**
 * Float32 <-> PCM16 conversion. Float audio is in [-1, 1]; PCM16 sample `s` is `s / 32768` as float.
 */

/**
 * Converts float samples in [-1, 1] to PCM16, rounding to the nearest step and clipping values outside
 * the range (NaN becomes 0). `x * 32768` is rounded, so `int16ToFloat32(float32ToInt16(x))` is within
 * 1/32768 of every `x` in [-1, 1].
 */
export function float32ToInt16(samples: Float32Array | Float64Array | readonly number[]): Int16Array {
  const n = samples.length;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.round((samples[i] as number) * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v; // NaN stores as 0
  }
  return out;
}

/** Converts PCM16 samples to float samples in [-1, 1) (`s / 32768`). */
export function int16ToFloat32(samples: Int16Array): Float32Array {
  const n = samples.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (samples[i] as number) / 32768;
  return out;
}

/**
 * Decodes little-endian float32 bytes (e.g. Cartesia's `pcm_f32le`) to PCM16. The byte length must be a
 * multiple of 4; use a {@link createPcm16Decoder}-like carry at the call site for split frames.
 */
export function float32BytesToInt16(bytes: Uint8Array): Int16Array {
  const count = bytes.byteLength >>> 2;
  if (bytes.byteOffset % 4 === 0 && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) {
    return float32ToInt16(new Float32Array(bytes.buffer, bytes.byteOffset, count));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 4);
  const floats = new Float32Array(count);
  for (let i = 0; i < count; i++) floats[i] = view.getFloat32(i * 4, true);
  return float32ToInt16(floats);
}
