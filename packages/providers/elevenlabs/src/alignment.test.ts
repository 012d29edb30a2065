import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from '@utter/core';
import { OutputStream } from './alignment.js';

const b64 = (bytes: number[]) => bytesToBase64(new Uint8Array(bytes));

describe('OutputStream', () => {
  it('joins samples split at odd bytes and shifts each chunk alignment by the audio before it', () => {
    const out = new OutputStream('pcm_16000', 16_000);
    out.sent(0, 'Hi you. ');
    out.sent(1, 'Bye.');
    // 16 samples = 1 ms at 16 kHz; the first chunk ends in the middle of a sample.
    const first = out.push(b64(Array.from({ length: 33 }, (_, i) => i)), { chars: ['H', 'i', ' ', 'y'], charStartTimesMs: [0, 0.25, 0.5, 0.75], charDurationsMs: [0.25, 0.25, 0.25, 0.25] });
    expect(first.pcm.length).toBe(16);
    expect(first.words).toEqual([{ text: 'Hi', startMs: 0, endMs: 0.5, textOffset: 0 }]);
    expect(out.receivedMs).toBeCloseTo(33 / 2 / 16);
    const second = out.push(b64(Array.from({ length: 31 }, () => 0)), { chars: ['o', 'u', '.', ' ', 'B'], charStartTimesMs: [0, 0.1, 0.2, 0.3, 0.4], charDurationsMs: [0.1, 0.1, 0.1, 0.1, 0.1] });
    expect(second.pcm.length).toBe(16);
    expect(second.words).toEqual([{ text: 'you.', startMs: 0.75, endMs: 1.331, textOffset: 3 }]);
    const third = out.push(b64([0, 0]), { chars: ['y', 'e', '.'], charStartTimesMs: [0, 0.1, 0.2], charDurationsMs: [0.1, 0.1, 0.1] });
    expect(third.words).toEqual([]);
    expect(out.end()).toEqual([{ text: 'Bye.', startMs: 1.431, endMs: 2.3, textOffset: 0 }]);
  });

  it('decodes G.711 one byte per sample and leaves out offsets it cannot find', () => {
    const out = new OutputStream('ulaw_8000', 8_000);
    const { pcm, words } = out.push(b64([0xff, 0x7f, 0x00]), { chars: ['x', 'y', ' '], charStartTimesMs: [0, 1, 2], charDurationsMs: [1, 1, 1] });
    expect(pcm.length).toBe(3);
    expect(words).toEqual([{ text: 'xy', startMs: 0, endMs: 2 }]);
    expect(out.receivedMs).toBeCloseTo(3 / 8);
  });
});
