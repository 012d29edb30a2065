/**
 * G.711 encoders for the Deepgram test server (`encoding=mulaw` / `alaw`). Written here on purpose rather
 * than imported from `@utter/core`: a test server shares no code with the client it tests.
 */

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32_635;

/** ITU-T G.711 mu-law encoding of one PCM16 sample. */
export function mulawByte(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(MULAW_CLIP, Math.abs(sample)) + MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** ITU-T G.711 A-law encoding of one PCM16 sample. */
export function alawByte(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0;
  const magnitude = Math.min(32_767, Math.abs(sample)) >> 3;
  let byte: number;
  if (magnitude < 32) byte = magnitude >> 1;
  else {
    let exponent = 1;
    while (magnitude >> (exponent + 5) > 0 && exponent < 7) exponent++;
    byte = (exponent << 4) | ((magnitude >> exponent) & 0x0f);
  }
  return (sign | byte) ^ 0x55;
}

/** Encodes PCM16 samples as G.711 bytes (one per sample). */
export function encodeG711(pcm: Int16Array, encoding: 'mulaw' | 'alaw'): Buffer {
  const out = Buffer.alloc(pcm.length);
  const encode = encoding === 'mulaw' ? mulawByte : alawByte;
  for (let i = 0; i < pcm.length; i++) out[i] = encode(pcm[i] ?? 0);
  return out;
}
