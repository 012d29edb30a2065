/**
 * Streaming decoders of Cartesia's raw output to PCM16, one per context: a chunk may end in the middle
 * of a sample (a byte of an s16 sample, up to three of an f32 one); the rest is carried to the next chunk.
 */
import { base64ToBytes, createPcm16Decoder, decodeAlaw, decodeMulaw, float32BytesToInt16 } from '@utter/core/provider';
import type { CartesiaEncoding } from './options.js';

/** Decodes one context's chunks, in order. */
export interface CartesiaAudioDecoder {
  /** Decodes one base64 chunk; returns the whole samples it completes (maybe none). Throws on invalid base64. */
  push(base64: string): Int16Array;
}

/** A decoder for `encoding`. */
export function createAudioDecoder(encoding: CartesiaEncoding): CartesiaAudioDecoder {
  switch (encoding) {
    case 'pcm_s16le': {
      const pcm = createPcm16Decoder();
      return { push: (b64) => pcm.push(base64ToBytes(b64)) };
    }
    case 'pcm_f32le':
      return createFloat32Decoder();
    case 'pcm_mulaw':
      return { push: (b64) => decodeMulaw(base64ToBytes(b64)) };
    case 'pcm_alaw':
      return { push: (b64) => decodeAlaw(base64ToBytes(b64)) };
  }
}

/** Little-endian float32 samples, with up to three bytes of a split sample carried over. */
function createFloat32Decoder(): CartesiaAudioDecoder {
  let carry = new Uint8Array(0);
  return {
    push(b64) {
      const bytes = base64ToBytes(b64);
      let joined = bytes;
      if (carry.byteLength > 0) {
        joined = new Uint8Array(carry.byteLength + bytes.byteLength);
        joined.set(carry, 0);
        joined.set(bytes, carry.byteLength);
      }
      const usable = joined.byteLength - (joined.byteLength % 4);
      carry = joined.slice(usable);
      // A copy at offset 0 keeps the Float32Array view aligned.
      return usable === 0 ? new Int16Array(0) : float32BytesToInt16(joined.slice(0, usable));
    },
  };
}
