import { describe, expect, it } from 'vitest';
import { encodeStreamFrame, StreamFrameDecoder } from './stream-frames.js';
import { encodeAudioFrame, encodeMessage, WireFormatError } from './wire.js';

describe('speech byte stream', () => {
  it('splits a stream cut at every possible byte back into the same messages', () => {
    const text = encodeMessage({ type: 'segment', utteranceId: 'u', segmentId: 0, text: 'Ünïcode… ok.', start: 0, end: 12 });
    const audio = encodeAudioFrame({ utteranceId: 'u', segmentId: 0, sampleRate: 24000, offsetMs: 0, pcm: Int16Array.of(1, 2, 3) });
    const bytes = Uint8Array.from([...encodeStreamFrame(text), ...encodeStreamFrame(audio), ...encodeStreamFrame('{}')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new StreamFrameDecoder();
      const out = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(out).toHaveLength(3);
      expect(out[0]).toBe(text);
      expect(new Uint8Array(out[1] as ArrayBuffer)).toEqual(audio);
      expect(out[2]).toBe('{}');
      expect(decoder.pending).toBe(false);
    }
  });

  it('reports a truncated stream and rejects unknown frame kinds', () => {
    const decoder = new StreamFrameDecoder();
    expect(decoder.push(encodeStreamFrame('hello').subarray(0, 7))).toEqual([]);
    expect(decoder.pending).toBe(true);
    expect(() => new StreamFrameDecoder().push(Uint8Array.of(7, 0, 0, 0, 0))).toThrow(WireFormatError);
  });
});
