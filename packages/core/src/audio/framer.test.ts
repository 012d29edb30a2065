import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpeechError } from '../errors.js';
import { createFramer } from './framer.js';
import { concatPcm } from './pcm16.js';

describe('createFramer', () => {
  it('makes exact 20 ms frames at 8 kHz and flushes the remainder', () => {
    const framer = createFramer({ sampleRate: 8000, frameMs: 20 });
    expect(framer.frameSamples).toBe(160);
    const input = Int16Array.from({ length: 500 }, (_, i) => i);
    const frames = framer.push(input);
    expect(frames.map((f) => f.length)).toEqual([160, 160, 160]);
    expect(frames[1]?.[0]).toBe(160);
    expect(framer.pendingSamples).toBe(20);
    const rest = framer.flush();
    expect(Array.from(rest ?? [])).toEqual(Array.from(input.subarray(480)));
    expect(framer.flush()).toBeUndefined();
  });

  it('zero-pads the last frame on request', () => {
    const framer = createFramer({ sampleRate: 16000, frameMs: 10 });
    framer.push(Int16Array.from([1, 2, 3]));
    const last = framer.flush({ pad: true });
    expect(last?.length).toBe(160);
    expect(Array.from(last?.subarray(0, 4) ?? [])).toEqual([1, 2, 3, 0]);
  });

  it('returns frames that do not alias the input', () => {
    const framer = createFramer({ sampleRate: 8000, frameMs: 1 });
    const input = new Int16Array(8).fill(5);
    const [frame] = framer.push(input);
    input[0] = 9;
    expect(frame?.[0]).toBe(5);
  });

  it('concatenated frames equal the input for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 500 }),
        fc.array(fc.nat(600), { maxLength: 10 }),
        fc.constantFrom(1, 5, 10, 20),
        (values, points, frameMs) => {
          const framer = createFramer({ sampleRate: 8000, frameMs });
          const input = Int16Array.from(values);
          const cuts = [...new Set(points.map((p) => p % (input.length + 1)))].sort((a, b) => a - b);
          const frames: Int16Array[] = [];
          let start = 0;
          for (const end of [...cuts, input.length]) {
            frames.push(...framer.push(input.subarray(start, end)));
            start = end;
          }
          for (const frame of frames) expect(frame.length).toBe(framer.frameSamples);
          const last = framer.flush();
          if (last !== undefined) frames.push(last);
          expect(Array.from(concatPcm(frames))).toEqual(values);
        },
      ),
    );
  });

  it('rejects frames that are not a whole number of samples, and bad options', () => {
    expect(() => createFramer({ sampleRate: 22050, frameMs: 10 })).toThrowError(/220.5 samples/);
    expect(() => createFramer({ sampleRate: 22050, frameMs: 20 })).not.toThrow();
    expect(() => createFramer({ sampleRate: -1, frameMs: 20 })).toThrow(SpeechError);
    expect(() => createFramer({ sampleRate: 8000, frameMs: 0 })).toThrowError(/frameMs/);
  });
});
