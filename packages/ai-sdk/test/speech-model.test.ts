/**
 * speechModel() through the real speech functions of ai 7 (`generateSpeech`, `experimental_streamSpeech`),
 * ai 6 and ai 5 (`experimental_generateSpeech`), on the embedded engine.
 */
import { SpeechError, parseWav } from '@utter/core';
import { espeak } from '@utter/espeak';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speechModel } from '../src/index.js';
import { spyProvider, tick } from './helpers.js';
import { ai5, ai6, ai7, runStreamText } from './llm.js';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
const engine = espeak();
beforeAll(async () => {
  await engine.warmup?.();
}, 60_000);
afterAll(async () => {
  await engine.close?.();
});

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

describe('experimental_streamSpeech (ai@7)', () => {
  it('speaks streamText().textStream as it arrives', async () => {
    const { result } = runStreamText(7, [[{ reasoning: 'not spoken' }, { text: 'Streaming speech works. Second sentence.' }]]);
    const speech = ai7.experimental_streamSpeech({ model: speechModel(engine), text: result.textStream });
    const parts: { type: string; audioFormat?: unknown; audio?: Uint8Array }[] = [];
    for await (const part of speech.fullStream) parts.push(part as never);
    const audio = parts.filter((p) => p.type === 'audio');
    expect(audio.length).toBeGreaterThan(1);
    expect(audio[0]?.audioFormat).toEqual({ type: 'audio/pcm', rate: 22050 });
    const bytes = concat(audio.map((p) => p.audio!));
    expect(bytes.byteLength).toBeGreaterThan(22050); // > 0.5 s of PCM16
    expect(await speech.usage).toMatchObject({ inputCharacters: expect.any(Number) });
  });

  it('gives a streaming WAV when asked for audio/wav', async () => {
    const speech = ai7.experimental_streamSpeech({ model: speechModel(engine), text: ['Wave ', 'file.'], outputFormat: { type: 'audio/wav' } });
    const chunks: Uint8Array[] = [];
    for await (const chunk of speech.audioStream) chunks.push(chunk);
    const wav = parseWav(concat(chunks));
    expect(wav.format.sampleRate).toBe(22050);
    expect(wav.format.dataSize).toBeUndefined();
    expect(wav.samples.length).toBeGreaterThan(1000);
  });

  it('stops the provider and releases the text when aborted', async () => {
    const { provider, spy } = spyProvider(engine);
    const controller = new AbortController();
    const modelController = new AbortController();
    const { result, probe } = runStreamText(7, [[{ text: 'Talking until I am stopped. ' }, { stall: true }]], { abortSignal: modelController.signal });
    const speech = ai7.experimental_streamSpeech({ model: speechModel(provider), text: result.textStream, abortSignal: controller.signal });
    const reader = speech.audioStream.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toBeDefined();
    for (let i = 0; i < 200 && spy.cancelled.length + spy.closed === 0; i++) await tick();
    expect(spy.cancelled.length + spy.closed).toBeGreaterThan(0);
    // The model is only stopped by its own signal (documented): stop it.
    expect(probe.aborted()).toBe(false);
    modelController.abort();
  });

  it('fails the stream with a SpeechError when a part asks for another voice', async () => {
    const speech = ai7.experimental_streamSpeech({ model: speechModel(engine), text: [{ type: 'text', text: 'Hi.', voice: 'other' }] });
    await expect(async () => {
      for await (const _ of speech.audioStream) void _;
    }).rejects.toBeInstanceOf(SpeechError);
  });
});

describe('generateSpeech', () => {
  it('ai@7 generateSpeech with the v4 model returns a WAV, with warnings for per-call settings', async () => {
    const result = await ai7.generateSpeech({ model: speechModel(engine), text: 'Generated speech.', voice: 'alloy' });
    expect(result.audio.mediaType).toBe('audio/wav');
    const wav = parseWav(result.audio.uint8Array);
    expect(wav.format.sampleRate).toBe(22050);
    expect(wav.format.dataSize).toBe(wav.samples.length * 2);
    expect(result.warnings).toContainEqual(expect.objectContaining({ type: 'unsupported', feature: 'voice' }));
  });

  it('ai@7 accepts the v3 and v2 models too', async () => {
    for (const specificationVersion of ['v3', 'v2'] as const) {
      const result = await ai7.generateSpeech({ model: speechModel(engine, { specificationVersion } as never), text: 'Old spec.' });
      expect(result.audio.mediaType).toBe('audio/wav');
    }
  });

  it('ai@6 experimental_generateSpeech with the v3 model', async () => {
    const result = await ai6.experimental_generateSpeech({ model: speechModel(engine, { specificationVersion: 'v3' }), text: 'Version six.' });
    expect(result.audio.mediaType).toBe('audio/wav');
    expect(parseWav(result.audio.uint8Array).samples.length).toBeGreaterThan(1000);
  });

  it('ai@5 experimental_generateSpeech with the v2 model', async () => {
    const result = await ai5.experimental_generateSpeech({ model: speechModel(engine, { specificationVersion: 'v2' }), text: 'Version five.', speed: 2 });
    expect(result.audio.mediaType).toBe('audio/wav');
    expect(result.warnings).toContainEqual(expect.objectContaining({ type: 'unsupported-setting', setting: 'speed' }));
  });

  it('returns raw PCM with outputFormat pcm', async () => {
    const model = speechModel(engine);
    const out = await model.doGenerate({ text: 'Raw.', outputFormat: 'pcm' });
    expect(out.audio.byteLength % 2).toBe(0);
    expect(String.fromCharCode(...out.audio.subarray(0, 4))).not.toBe('RIFF');
  });

  it('rejects an aborted call and bad options', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(speechModel(engine).doGenerate({ text: 'x', abortSignal: controller.signal })).rejects.toBeDefined();
    expect(() => speechModel(engine, { specificationVersion: 'v9' as never })).toThrow(SpeechError);
    expect(() => speechModel({} as never)).toThrow(/provider/);
  });
});
