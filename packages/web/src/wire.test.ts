import { describe, expect, it } from 'vitest';
import {
  AUDIO_FRAME_HEADER_BYTES,
  decodeAudioFrame,
  encodeAudioFrame,
  encodeMessage,
  parseClientMessage,
  parseServerMessage,
  WireFormatError,
} from './wire.js';

describe('audio frames', () => {
  it.each(['u1', 'reply-7', 'ünï', 'x'.repeat(255)])('round-trip with utterance id %j (odd and even lengths)', (utteranceId) => {
    const pcm = Int16Array.from({ length: 777 }, (_, i) => ((i * 97) % 65536) - 32768);
    const bytes = encodeAudioFrame({ utteranceId, segmentId: 3, sampleRate: 22050, offsetMs: 1234.5678, pcm });
    expect(bytes.length % 2).toBe(0);
    const frame = decodeAudioFrame(bytes.buffer as ArrayBuffer);
    expect(frame).toEqual({ utteranceId, segmentId: 3, sampleRate: 22050, offsetMs: 1234.5678, pcm });
  });

  it('decodes from a view at an odd offset of a larger buffer', () => {
    const bytes = encodeAudioFrame({ utteranceId: 'a', segmentId: 0, sampleRate: 24000, offsetMs: 0, pcm: Int16Array.of(1, -2, 3) });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 1);
    expect(decodeAudioFrame(big.subarray(1, 1 + bytes.length)).pcm).toEqual(Int16Array.of(1, -2, 3));
  });

  it('rejects what is not a frame, naming the problem', () => {
    const good = encodeAudioFrame({ utteranceId: 'a', segmentId: 0, sampleRate: 24000, offsetMs: 0, pcm: Int16Array.of(1) });
    expect(() => decodeAudioFrame(new Uint8Array(AUDIO_FRAME_HEADER_BYTES - 1))).toThrow(/shorter than its header/);
    const version = good.slice();
    version[0] = 2;
    expect(() => decodeAudioFrame(version)).toThrow(WireFormatError);
    const kind = good.slice();
    kind[1] = 9;
    expect(() => decodeAudioFrame(kind)).toThrow(/kind 9/);
    expect(() => decodeAudioFrame(good.subarray(0, good.length - 1))).toThrow(/length/);
  });
});

describe('JSON messages', () => {
  it('round-trips every server message type with the version', () => {
    const messages = [
      { type: 'hello', protocol: 'utter.speech' },
      { type: 'segment', utteranceId: 'u', segmentId: 0, text: 'Hi.', start: 0, end: 3 },
      { type: 'word', utteranceId: 'u', segmentId: 0, text: 'Hi', startMs: 0, endMs: 200, start: 0, end: 2 },
      { type: 'segment-end', utteranceId: 'u', segmentId: 0, audioMs: 300 },
      { type: 'utterance-end', utteranceId: 'u', text: 'Hi.', audioMs: 300 },
      { type: 'interrupted', utteranceId: 'u', spokenText: 'Hi', spokenEnd: 2, playedMs: 250, basis: 'playback' },
      { type: 'error', code: 'timeout', message: 'late', retryable: true },
      { type: 'message', data: { any: ['thing'] } },
    ] as const;
    for (const message of messages) expect(parseServerMessage(encodeMessage(message))).toEqual({ v: 1, ...message });
  });

  it('round-trips client messages', () => {
    for (const message of [
      { type: 'playback', utteranceId: 'u', segmentId: 1, playedMs: 12.5 },
      { type: 'interrupt', utteranceId: 'u', playedMs: 99 },
      { type: 'interrupt' },
      { type: 'message', data: 'hi' },
    ] as const) {
      expect(parseClientMessage(encodeMessage(message))).toEqual({ v: 1, ...message });
    }
  });

  it('names the field that is wrong', () => {
    expect(() => parseClientMessage('{"v":1,"type":"playback","utteranceId":"u","segmentId":0,"playedMs":-1}')).toThrow(/playedMs/);
    expect(() => parseClientMessage('not json')).toThrow(/not valid JSON/);
    expect(() => parseServerMessage('{"v":1,"type":"nope"}')).toThrow(WireFormatError);
  });

  it('ignores messages of a newer version instead of failing', () => {
    expect(parseServerMessage('{"v":2,"type":"something-new"}')).toBeUndefined();
    expect(parseClientMessage('{"v":2,"type":"playback"}')).toBeUndefined();
  });
});
