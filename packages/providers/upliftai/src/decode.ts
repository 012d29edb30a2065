/**
 * Turns one request's wire audio (base64 chunks) into PCM16, per output format. One decoder per
 * request: a WAV header and split samples are per request.
 */
import {
  base64ToBytes,
  createPcm16Decoder,
  createWavHeaderStripper,
  decodeMulaw,
  toMono,
  wavDataToPcm16,
} from '@utter/core';
import { sampleRateOf, type SupportedUpliftOutputFormat } from './protocol.js';

/** Decodes a request's chunks, in order. */
export interface RequestAudioDecoder {
  /** Decodes one base64 chunk; returns the samples it completes (maybe none). Throws on invalid data. */
  push(base64: string): Int16Array;
  /** The sample rate of the decoded audio (from the WAV header when there is one). */
  readonly sampleRate: number;
}

/** A decoder for `format`. */
export function createRequestDecoder(format: SupportedUpliftOutputFormat): RequestAudioDecoder {
  const nominalRate = sampleRateOf(format);
  if (format === 'PCM_22050_16') {
    const pcm = createPcm16Decoder();
    return { push: (b64) => pcm.push(base64ToBytes(b64)), sampleRate: nominalRate };
  }
  if (format === 'ULAW_8000_8') {
    return { push: (b64) => decodeMulaw(base64ToBytes(b64)), sampleRate: nominalRate };
  }
  // WAV_22050_16 / WAV_22050_32: strip the header, then convert whole frames.
  const stripper = createWavHeaderStripper();
  let carry = new Uint8Array(0);
  return {
    push(b64) {
      const audio = stripper.push(base64ToBytes(b64));
      if (audio.byteLength === 0) return new Int16Array(0);
      const wav = stripper.format;
      const bits = wav?.bitsPerSample ?? (format === 'WAV_22050_32' ? 32 : 16);
      const channels = wav?.channels ?? 1;
      const frame = Math.max(1, (bits / 8) * channels);
      const joined = carry.byteLength === 0 ? audio : concat(carry, audio);
      const usable = joined.byteLength - (joined.byteLength % frame);
      carry = joined.slice(usable);
      if (usable === 0) return new Int16Array(0);
      const samples = wavDataToPcm16(joined.subarray(0, usable), { encoding: wav?.encoding ?? 'pcm', bitsPerSample: bits });
      return channels > 1 ? toMono(samples, channels) : samples;
    },
    get sampleRate() {
      return stripper.format?.sampleRate ?? nominalRate;
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
