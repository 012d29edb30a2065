import { describe, expect, it } from 'vitest';
import { createAudioDecoder } from './index.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('cartesia audio decoders', () => {
  it('carry 1 to 3 bytes of a float32 sample split across chunks', () => {
    const floats = new Float32Array([0.5, -0.25, 1, -1, 0.0001]);
    const bytes = new Uint8Array(floats.buffer);
    for (const cuts of [[1], [3, 6], [2, 7, 13], [5, 9, 15, 19]]) {
      const decoder = createAudioDecoder('pcm_f32le');
      const out: number[] = [];
      let from = 0;
      for (const cut of [...cuts, bytes.length]) {
        out.push(...decoder.push(b64(bytes.subarray(from, cut))));
        from = cut;
      }
      expect(out).toEqual([16384, -8192, 32767, -32768, 3]);
    }
  });

  it('carry an odd byte of an s16 sample; mu-law and A-law are one byte per sample', () => {
    const s16 = createAudioDecoder('pcm_s16le');
    const bytes = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06]);
    expect([...s16.push(b64(bytes.subarray(0, 3))), ...s16.push(b64(bytes.subarray(3)))]).toEqual([0x0201, 0x0403, 0x0605]);
    expect(createAudioDecoder('pcm_mulaw').push(b64(new Uint8Array([0xff, 0x7f, 0x00])))).toHaveLength(3);
    expect(createAudioDecoder('pcm_alaw').push(b64(new Uint8Array([0xd5])))[0]).toBe(8);
  });
});
