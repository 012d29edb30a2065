import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpeechError } from '../errors.js';
import { encodeAlaw, encodeMulaw } from './g711.js';
import { concatPcm, createPcm16Decoder, pcm16ToBytes } from './pcm16.js';
import { createWavHeaderStripper, encodeWav, parseWav, toMono, wavHeader } from './wav.js';

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}

/** A WAV with a LIST chunk (odd size, padded) and a fact chunk before data, like many encoders write. */
function wavWithExtraChunks(data: Uint8Array, options: { tag?: number; bits?: number; dataSize?: number } = {}): Uint8Array {
  const tag = options.tag ?? 1;
  const bits = options.bits ?? 16;
  const list = [...ascii('LIST'), ...u32(5), ...ascii('INFOx'), 0];
  const fact = [...ascii('fact'), ...u32(4), ...u32(data.length)];
  const fmt = [...ascii('fmt '), ...u32(16), ...u16(tag), ...u16(1), ...u32(16000), ...u32((16000 * bits) / 8), ...u16(bits / 8), ...u16(bits)];
  const head = [...ascii('RIFF'), ...u32(0), ...ascii('WAVE'), ...list, ...fmt, ...fact, ...ascii('data'), ...u32(options.dataSize ?? data.length)];
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

describe('encodeWav / wavHeader', () => {
  it('writes the canonical 44-byte header', () => {
    const wav = encodeWav(Int16Array.from([1, -1]), { sampleRate: 24000 });
    expect(wav.length).toBe(48);
    expect(Array.from(wav.subarray(0, 44))).toEqual([
      ...ascii('RIFF'), ...u32(40), ...ascii('WAVE'),
      ...ascii('fmt '), ...u32(16), ...u16(1), ...u16(1), ...u32(24000), ...u32(48000), ...u16(2), ...u16(16),
      ...ascii('data'), ...u32(4),
    ]);
    expect(Array.from(wav.subarray(44))).toEqual([1, 0, 0xff, 0xff]);
  });

  it('writes a streaming header with unknown length', () => {
    const header = wavHeader({ sampleRate: 8000, encoding: 'mulaw', bitsPerSample: 8 });
    const parsed = parseWav(header);
    expect(parsed.format).toMatchObject({ encoding: 'mulaw', sampleRate: 8000, bitsPerSample: 8, dataSize: undefined });
    expect(parsed.samples.length).toBe(0);
  });

  it('rejects invalid options', () => {
    expect(() => wavHeader({ sampleRate: 0 })).toThrow(SpeechError);
    expect(() => wavHeader({ sampleRate: 8000, bitsPerSample: 12 })).toThrow(/bitsPerSample/);
  });
});

describe('parseWav', () => {
  it('round-trips random PCM through encodeWav', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 300 }),
        fc.constantFrom(8000, 16000, 22050, 24000, 48000),
        (values, sampleRate) => {
          const parsed = parseWav(encodeWav(Int16Array.from(values), { sampleRate }));
          expect(parsed.format).toMatchObject({ encoding: 'pcm', channels: 1, sampleRate, bitsPerSample: 16, dataSize: values.length > 0 ? values.length * 2 : undefined });
          expect(Array.from(parsed.samples)).toEqual(values);
        },
      ),
    );
  });

  it('skips LIST and fact chunks and takes the data to the end when the size is a placeholder', () => {
    const pcm = Int16Array.from([5, -5, 300]);
    const parsed = parseWav(wavWithExtraChunks(pcm16ToBytes(pcm), { dataSize: 0xffffffff }));
    expect(Array.from(parsed.samples)).toEqual([5, -5, 300]);
    expect(parsed.format.sampleRate).toBe(16000);
  });

  it('stops at the declared data size', () => {
    const parsed = parseWav(wavWithExtraChunks(pcm16ToBytes(Int16Array.from([1, 2, 3])), { dataSize: 4 }));
    expect(Array.from(parsed.samples)).toEqual([1, 2]);
  });

  it('converts mu-law, a-law, 8-bit, 24-bit and float data to PCM16', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32000]);
    expect(Array.from(parseWav(wavWithExtraChunks(encodeMulaw(pcm), { tag: 7, bits: 8 })).samples)).toEqual([0, 988, -988, 32124]);
    expect(Array.from(parseWav(wavWithExtraChunks(encodeAlaw(pcm), { tag: 6, bits: 8 })).samples)).toEqual([8, 1008, -1008, 32256]);
    expect(Array.from(parseWav(wavWithExtraChunks(Uint8Array.from([128, 255, 0]), { bits: 8 })).samples)).toEqual([0, 32512, -32768]);
    const pcm24 = Uint8Array.from([0xff, 0x34, 0x12, 0x00, 0x00, 0x80]);
    expect(Array.from(parseWav(wavWithExtraChunks(pcm24, { bits: 24 })).samples)).toEqual([0x1234, -32768]);
    const floats = new Uint8Array(Float32Array.from([0.5, -0.25]).buffer);
    expect(Array.from(parseWav(wavWithExtraChunks(floats, { tag: 3, bits: 32 })).samples)).toEqual([16384, -8192]);
  });

  it('fails with typed errors on bad input', () => {
    expect(() => parseWav(Uint8Array.from(ascii('OggS0000')))).toThrowError(/Not a WAV/);
    expect(() => parseWav(encodeWav(new Int16Array(4), { sampleRate: 8000 }).subarray(0, 30))).toThrowError(/Truncated/);
    const mp3InWav = wavWithExtraChunks(new Uint8Array(4), { tag: 0x55 });
    expect(() => parseWav(mp3InWav)).toThrowError(/format tag 0x55/);
  });

  it('toMono averages interleaved channels', () => {
    expect(Array.from(toMono(Int16Array.from([100, 200, -4, -6, 7]), 2))).toEqual([150, -5]);
    expect(Array.from(toMono(Int16Array.from([1, 2]), 1))).toEqual([1, 2]);
  });
});

describe('createWavHeaderStripper', () => {
  function split(bytes: Uint8Array, points: number[]): Uint8Array[] {
    const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const to of [...cuts, bytes.length]) {
      parts.push(bytes.slice(from, to));
      from = to;
    }
    return parts;
  }

  it('strips a header split at any point (with LIST/fact chunks) and reports the format', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 100 }),
        fc.array(fc.nat(300), { maxLength: 8 }),
        fc.boolean(),
        (values, points, extraChunks) => {
          const pcm = Int16Array.from(values);
          const file = extraChunks ? wavWithExtraChunks(pcm16ToBytes(pcm), { dataSize: 0 }) : encodeWav(pcm, { sampleRate: 16000 });
          const stripper = createWavHeaderStripper();
          const decoder = createPcm16Decoder();
          const out: Int16Array[] = [];
          for (const part of split(file, points)) out.push(decoder.push(stripper.push(part)));
          out.push(decoder.push(stripper.flush()));
          expect(Array.from(concatPcm(out))).toEqual(values);
          expect(stripper.format?.sampleRate).toBe(16000);
          expect(stripper.state).toBe('audio');
        },
      ),
    );
  });

  it('passes a stream without a header through, whatever the split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.array(fc.nat(80), { maxLength: 6 }), (bytes, points) => {
        fc.pre(!(bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46));
        const stripper = createWavHeaderStripper();
        const out: number[] = [];
        for (const part of split(bytes, points)) out.push(...stripper.push(part));
        out.push(...stripper.flush());
        expect(out).toEqual(Array.from(bytes));
        expect(stripper.format).toBeUndefined();
      }),
    );
  });

  it('holds back the first bytes until it can tell', () => {
    const stripper = createWavHeaderStripper();
    expect(stripper.push(Uint8Array.from(ascii('RI'))).length).toBe(0);
    expect(stripper.state).toBe('detecting');
    expect(Array.from(stripper.push(Uint8Array.from([0x58, 1, 2])))).toEqual([...ascii('RI'), 0x58, 1, 2]);
  });

  it('throws when the stream ends inside a header', () => {
    const stripper = createWavHeaderStripper();
    stripper.push(encodeWav(new Int16Array(2), { sampleRate: 8000 }).subarray(0, 20));
    expect(stripper.state).toBe('header');
    expect(() => stripper.flush()).toThrow(SpeechError);
  });

  it('with repeated: true strips a header at the start of a later chunk (one per reply)', () => {
    const stripper = createWavHeaderStripper({ repeated: true });
    const first = encodeWav(Int16Array.from([1, 2]), { sampleRate: 24000 });
    const second = encodeWav(Int16Array.from([3]), { sampleRate: 24000 });
    expect(Array.from(stripper.push(first))).toEqual([1, 0, 2, 0]);
    expect(Array.from(stripper.push(Uint8Array.from([9, 0])))).toEqual([9, 0]);
    expect(Array.from(stripper.push(second))).toEqual([3, 0]);
    const once = createWavHeaderStripper();
    once.push(first);
    expect(once.push(second).length).toBe(second.length);
  });

  it('reset() starts a new stream', () => {
    const stripper = createWavHeaderStripper();
    stripper.push(Uint8Array.from([1, 2, 3, 4]));
    stripper.reset();
    expect(Array.from(stripper.push(encodeWav(Int16Array.from([7]), { sampleRate: 8000 })))).toEqual([7, 0]);
    expect(stripper.format?.sampleRate).toBe(8000);
  });
});
