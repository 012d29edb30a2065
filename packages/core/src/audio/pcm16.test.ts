import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpeechError } from '../errors.js';
import {
  base64ToBytes,
  base64ToPcm16,
  bytesToBase64,
  bytesToPcm16,
  concatPcm,
  createPcm16Decoder,
  durationMs,
  pcm16ToBytes,
  pcmToBase64,
  samplesForMs,
} from './pcm16.js';

describe('base64ToPcm16', () => {
  it('decodes known little-endian vectors', () => {
    // 0x0001 = 1, 0xFFFF = -1, 0x7FFF = 32767, 0x8000 = -32768, 0x1234
    const bytes = Uint8Array.from([0x01, 0x00, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x80, 0x34, 0x12]);
    const b64 = Buffer.from(bytes).toString('base64');
    expect(b64).toBe('AQD///9/AIA0Eg==');
    expect(Array.from(base64ToPcm16(b64))).toEqual([1, -1, 32767, -32768, 0x1234]);
  });

  it('returns an array that owns exactly its memory', () => {
    const pcm = base64ToPcm16('AQD///9/AIA0Eg==');
    expect(pcm.byteOffset).toBe(0);
    expect(pcm.buffer.byteLength).toBe(10);
  });

  it('accepts URL-safe, unpadded and line-wrapped base64', () => {
    const samples = Int16Array.from([-2, 1000, -31000]);
    const std = pcmToBase64(samples);
    const urlSafe = std.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(Array.from(base64ToPcm16(urlSafe))).toEqual([-2, 1000, -31000]);
    expect(Array.from(base64ToPcm16(`${std.slice(0, 4)}\n${std.slice(4)}`))).toEqual([-2, 1000, -31000]);
  });

  it('rejects invalid base64 and odd lengths with typed errors', () => {
    expect(() => base64ToPcm16('AQD*//9/')).toThrow(SpeechError);
    expect(() => base64ToBytes('not base64!')).toThrowError(/not valid base64/);
    try {
      base64ToPcm16('AQD/'); // 3 bytes
      expect.unreachable();
    } catch (error) {
      expect(SpeechError.is(error, 'invalid-input')).toBe(true);
    }
  });

  it('round-trips random PCM through base64', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 400 }), (values) => {
        const pcm = Int16Array.from(values);
        expect(Array.from(base64ToPcm16(pcmToBase64(pcm)))).toEqual(values);
      }),
    );
  });

  it('round-trips bytes through bytesToBase64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).toEqual(Array.from(bytes));
      }),
    );
  });
});

describe('bytesToPcm16', () => {
  it('is a zero-copy view for aligned bytes and copies odd offsets', () => {
    const buffer = new Uint8Array([0, 0, 1, 0, 2, 0, 3, 0, 9]).buffer;
    const aligned = new Uint8Array(buffer, 2, 4);
    const view = bytesToPcm16(aligned);
    expect(Array.from(view)).toEqual([1, 2]);
    expect(view.buffer).toBe(buffer);
    const odd = new Uint8Array(buffer, 3, 4); // 0,2,0,3 -> 0x0200, 0x0300
    const copied = bytesToPcm16(odd);
    expect(Array.from(copied)).toEqual([0x200, 0x300]);
    expect(copied.buffer).not.toBe(buffer);
    expect(bytesToPcm16(aligned, { copy: true }).buffer).not.toBe(buffer);
  });

  it('accepts ArrayBuffers and rejects odd lengths', () => {
    expect(Array.from(bytesToPcm16(new Uint8Array([0xfe, 0xff]).buffer))).toEqual([-2]);
    expect(() => bytesToPcm16(new Uint8Array(3))).toThrowError(/odd length/);
  });

  it('pcm16ToBytes gives little-endian bytes', () => {
    expect(Array.from(pcm16ToBytes(Int16Array.from([1, -1, 0x1234])))).toEqual([1, 0, 0xff, 0xff, 0x34, 0x12]);
  });
});

describe('createPcm16Decoder', () => {
  it('carries an odd trailing byte to the next frame', () => {
    const decoder = createPcm16Decoder();
    expect(Array.from(decoder.push(new Uint8Array([0x01, 0x00, 0x34])))).toEqual([1]);
    expect(decoder.pendingBytes).toBe(1);
    expect(Array.from(decoder.push(new Uint8Array([0x12])))).toEqual([0x1234]);
    expect(decoder.pendingBytes).toBe(0);
    expect(Array.from(decoder.push(new Uint8Array([0xff])))).toEqual([]);
    expect(Array.from(decoder.push(new Uint8Array([])))).toEqual([]);
    expect(Array.from(decoder.push(Buffer.from([0xff, 0x02, 0x00]).toString('base64')))).toEqual([-1, 2]);
    expect(decoder.push(new Uint8Array([7])).length).toBe(0);
    expect(decoder.flush().length).toBe(0);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('decodes any chunking of a stream to the same samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 10 }),
        fc.boolean(),
        (values, cuts, asBase64) => {
          const bytes = pcm16ToBytes(Int16Array.from(values));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const decoder = createPcm16Decoder();
          const out: Int16Array[] = [];
          let from = 0;
          for (const to of [...points, bytes.length]) {
            const part = bytes.slice(from, to);
            out.push(decoder.push(asBase64 ? bytesToBase64(part) : part));
            from = to;
          }
          expect(Array.from(concatPcm(out))).toEqual(values);
          expect(decoder.pendingBytes).toBe(0);
        },
      ),
    );
  });

  it('returns arrays that do not alias the input', () => {
    const input = new Uint8Array([1, 0, 2, 0]);
    const out = createPcm16Decoder().push(input);
    input[0] = 9;
    expect(out[0]).toBe(1);
  });
});

describe('helpers', () => {
  it('durationMs and samplesForMs', () => {
    expect(durationMs(24000, 24000)).toBe(1000);
    expect(durationMs(new Int16Array(160), 8000)).toBe(20);
    expect(samplesForMs(20, 8000)).toBe(160);
    expect(() => durationMs(1, 0)).toThrow(SpeechError);
  });

  it('concatPcm joins in order and copies', () => {
    const a = Int16Array.from([1, 2]);
    const joined = concatPcm([a, new Int16Array(0), Int16Array.from([3])]);
    expect(Array.from(joined)).toEqual([1, 2, 3]);
    expect(concatPcm([a]).buffer).not.toBe(a.buffer);
    expect(concatPcm([]).length).toBe(0);
  });

  it('pcmToBase64 encodes a subarray view correctly', () => {
    const whole = Int16Array.from([7, 1, -1, 7]);
    expect(pcmToBase64(whole.subarray(1, 3))).toBe(Buffer.from([1, 0, 0xff, 0xff]).toString('base64'));
  });
});
