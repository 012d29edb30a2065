import { describe, expect, it } from 'vitest';
import { checkHeard, decodeHeard, joinPcm, judgeHeard } from './heard.js';
import { splitAudioBytes, pcm16ChunkBytes } from './chunks.js';
import { bytesToPcm, expectedSamples, generatePcm, pcmToBytes } from './pcm.js';
import type { Generation } from './recorder.js';

const RATE = 24_000;
const gen = (id: number, text: string): Generation => ({ id, connectionId: 1, text, samples: expectedSamples(text), samplesSent: 0, status: 'complete' });
const audio = (g: Generation): Int16Array => generatePcm(g.text, { sampleRate: RATE, generation: g.id });
const perChar = (RATE * 60) / 1000;

describe('decodeHeard / judgeHeard', () => {
  const text = 'The first sentence is short. The second one goes on.';

  it('decodes one whole generation, whatever the chunking', () => {
    const g = gen(1, text);
    const pcm = audio(g);
    const chunks: Int16Array[] = [];
    for (let i = 0, size = 7; i < pcm.length; i += size, size = (size * 7) % 1013 + 1) chunks.push(pcm.subarray(i, i + size));
    const result = checkHeard(chunks, text, [g], { sampleRate: RATE });
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]).toMatchObject({ kind: 'generation', generationId: 1, fromChar: 0, toChar: Array.from(text).length, partialStart: false, partialEnd: false });
    expect(result.heardText).toBe(text);
    expect(result.splices).toEqual([]);
    expect(result.missingWords).toEqual([]);
    expect(result.repeatedWords).toEqual([]);
  });

  it('finds a mid-generation splice: a new rendering cut at a sample offset', () => {
    const g1 = gen(1, text);
    const g2 = gen(2, text);
    const cut = Math.round(33.4 * perChar); // inside "second"
    const pcm = joinPcm([audio(g1).subarray(0, cut), audio(g2).subarray(cut)]);
    const result = checkHeard(pcm, text, [g1, g2], { sampleRate: RATE });
    expect(result.runs.map((r) => [r.generationId, r.fromChar, r.toChar])).toEqual([
      [1, 0, 34],
      [2, 33, 52],
    ]);
    expect(result.runs[1]?.partialStart).toBe(true);
    expect(result.splices).toHaveLength(1);
    expect(result.splices[0]).toMatchObject({ generationId: 2, atChar: 33, atSampleOffset: true, after: { generationId: 1, toChar: 34 } });
    // The length is right (which is why a splice passes a length check), but the cut word was
    // never heard whole from one rendering.
    expect(pcm.length).toBe(expectedSamples(text));
    expect(result.missingWords).toEqual([{ index: 6, word: 'second' }]);
  });

  it('accepts a resume at a word (new text, heard from its start), with the cut word said again', () => {
    const g1 = gen(1, text);
    const resumed = 'second one goes on.';
    const g2 = gen(2, resumed);
    const cut = Math.round(33.4 * perChar);
    const result = checkHeard([audio(g1).subarray(0, cut), audio(g2)], text, [g1, g2], { sampleRate: RATE });
    expect(result.splices).toEqual([]);
    expect(result.missingWords).toEqual([]);
    expect(result.repeatedWords).toEqual([]); // "second" was cut, so it was never heard whole before
    expect(result.heardText).toBe('The first sentence is short. The s' + resumed);
  });

  it('counts a whole word heard twice, and a word never heard', () => {
    const g1 = gen(1, 'One two three.');
    const g2 = gen(2, 'three four six.');
    const result = checkHeard([audio(g1), audio(g2)], 'One two three. four five six.', [g1, g2], { sampleRate: RATE });
    expect(result.splices).toEqual([]);
    expect(result.repeatedWords).toEqual([{ index: 2, word: 'three.' }]);
    expect(result.missingWords).toEqual([{ index: 4, word: 'five' }]);
  });

  it('reports silence and foreign audio as their own runs', () => {
    const g1 = gen(1, 'Hi there.');
    const foreign = new Int16Array(100).fill(-1234);
    const runs = decodeHeard(joinPcm([new Int16Array(50), audio(g1), foreign]), [g1], { sampleRate: RATE });
    expect(runs.map((r) => r.kind)).toEqual(['silence', 'generation', 'foreign']);
    const judged = judgeHeard(runs, 'Hi there.', [g1]);
    expect(judged.silenceSamples).toBe(50);
    expect(judged.foreignSamples).toBe(100);
    expect(judged.missingWords).toEqual([]);
  });

  it('follows character indexes past 256 within a run and across a resume of the same generation', () => {
    const long = 'word '.repeat(80).trim() + '.';
    const g1 = gen(1, long);
    const a = audio(g1);
    const result = checkHeard([a.subarray(0, 300 * perChar), a.subarray(300 * perChar)], long, [g1], { sampleRate: RATE });
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]?.toChar).toBe(Array.from(long).length);
  });

  it('is not fooled by a decoding bug that garbles samples (as an odd split decoded wrongly would)', () => {
    const g1 = gen(1, 'Hello there.');
    const bytes = pcmToBytes(audio(g1));
    const garbled = bytesToPcm(bytes.subarray(1)); // off by one byte
    const result = checkHeard(garbled, 'Hello there.', [g1], { sampleRate: RATE });
    expect(result.foreignSamples).toBeGreaterThan(0);
    expect(result.missingWords.length).toBeGreaterThan(0);
  });
});

describe('splitAudioBytes', () => {
  it('puts every chunk boundary one byte into a sample, and loses nothing', () => {
    const pcm = generatePcm('Some text to split.', { sampleRate: RATE, generation: 3 });
    const bytes = pcmToBytes(pcm);
    const chunks = splitAudioBytes(bytes, { chunkBytes: pcm16ChunkBytes(RATE, 40) });
    expect(chunks.length).toBeGreaterThan(2);
    let at = 0;
    for (const chunk of chunks.slice(0, -1)) {
      at += chunk.data.length;
      expect(at % 2).toBe(1);
    }
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(bytes)).toBe(true);
    expect(chunks.reduce((n, c) => n + c.samples, 0)).toBe(pcm.length);
  });

  it('keeps a header in the first chunk and counts only samples', () => {
    const header = Buffer.alloc(44, 7);
    const pcm = generatePcm('Header first.', { sampleRate: RATE });
    const chunks = splitAudioBytes(Buffer.concat([header, pcmToBytes(pcm)]), { chunkBytes: 960, headerBytes: 44 });
    expect(chunks[0]?.data.length).toBe(44 + 961);
    expect(chunks.reduce((n, c) => n + c.samples, 0)).toBe(pcm.length);
  });

  it('splits at sample boundaries when asked to, and at frame offsets for wider samples', () => {
    const bytes = Buffer.alloc(4000);
    expect(splitAudioBytes(bytes, { chunkBytes: 960, oddSplits: false }).every((c) => c.data.length % 2 === 0)).toBe(true);
    const wide = splitAudioBytes(bytes, { chunkBytes: 960, bytesPerSample: 4 });
    expect((wide[0]?.data.length ?? 0) % 4).toBe(1);
    expect(splitAudioBytes(new Uint8Array(0), { chunkBytes: 960 })).toEqual([]);
  });
});
