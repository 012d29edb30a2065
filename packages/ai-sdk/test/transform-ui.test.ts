/**
 * speechTransform() as `experimental_transform` and writeSpeechToUIStream() in `createUIMessageStream`,
 * with the real streamText of ai 7, 6 and 5 and the embedded engine.
 */
import { SpeechError, createSpeechSession, parseWav, base64ToBytes, type SpeechEvent } from '@utter/core';
import { espeak } from '@utter/espeak';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speak, speechTransform, writeSpeechToUIStream, type SpeechUIChunk } from '../src/index.js';
import { collect, spokenText } from './helpers.js';
import { MAJORS, ai5, ai6, ai7, runStreamText, type Major } from './llm.js';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
const engine = espeak();
beforeAll(async () => {
  await engine.warmup?.();
}, 60_000);
afterAll(async () => {
  await engine.close?.();
});

const createUIMessageStream = (major: Major) =>
  (major === 7 ? ai7.createUIMessageStream : major === 6 ? ai6.createUIMessageStream : ai5.createUIMessageStream) as unknown as (options: {
    execute: (options: { writer: { write(part: unknown): void; merge(stream: ReadableStream<unknown>): void } }) => Promise<void> | void;
  }) => ReadableStream<{ type: string; transient?: boolean; data?: unknown; id?: string }>;

describe.each(MAJORS)('speechTransform (ai@%i)', (major) => {
  it('speaks the answer text without changing the stream', async () => {
    const voice = speechTransform({ provider: engine });
    const { result } = runStreamText(major, [
      [{ reasoning: 'thinking' }, { text: 'Checking now.' }, { tool: 'weather', input: { city: 'Oslo' } }],
      [{ text: 'It is sunny in Oslo.' }],
    ], { transform: voice });
    const [text, events] = await Promise.all([collect(result.textStream as AsyncIterable<string>), collect(voice.speech)]);
    expect(text.join('')).toBe('Checking now.It is sunny in Oslo.');
    expect(spokenText(events)).toBe('Checking now.\n\nIt is sunny in Oslo.');
  });

  it('calls onEvent when given and fails speech on an error part', async () => {
    const events: SpeechEvent[] = [];
    let failure: SpeechError | undefined;
    const done = new Promise<void>((resolve) => {
      const voice = speechTransform({
        provider: engine,
        onEvent: (event) => events.push(event),
        onError: (error) => {
          failure = error;
          resolve();
        },
      });
      const { result } = runStreamText(major, [[{ text: 'Before. ' }, { error: new Error('stream broke') }]], { transform: voice });
      void collect(result.textStream as AsyncIterable<string>).catch(() => {});
    });
    await done;
    expect(failure).toBeInstanceOf(SpeechError);
    expect(failure?.message).toContain('stream broke');
    expect(events.some((e) => e.type === 'utterance-end')).toBe(false);
  });
});

describe.each(MAJORS)('writeSpeechToUIStream (ai@%i)', (major) => {
  it('writes segments (transient), metrics and optional audio into a UI message stream', async () => {
    const stream = createUIMessageStream(major)({
      execute: async ({ writer }) => {
        const { result } = runStreamText(major, [[{ text: 'Captions follow the voice. Second part.' }]]);
        const speech = speak(result, { provider: engine });
        writer.merge(result.toUIMessageStream());
        const outcome = await writeSpeechToUIStream(writer, speech, { audio: true });
        expect(outcome.outcome).toBe('completed');
      },
    });
    const chunks = await collect(stream as unknown as AsyncIterable<{ type: string; transient?: boolean; data?: any; id?: string }>);
    const types = chunks.map((c) => c.type);
    expect(types).toContain('text-delta');
    const segments = chunks.filter((c) => c.type === 'data-speech-segment');
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.every((c) => c.transient === true)).toBe(true);
    expect(segments.map((c) => c.data.text).join('')).toBe('Captions follow the voice. Second part.');
    expect(segments[0]?.data.audioOffsetMs).toBe(0);
    const audio = chunks.filter((c) => c.type === 'data-speech-audio');
    expect(audio.length).toBe(segments.length);
    expect(parseWav(base64ToBytes(audio[0]!.data.wavBase64)).format.sampleRate).toBe(22050);
    const metrics = chunks.find((c) => c.type === 'data-speech-metrics');
    expect(metrics?.transient).toBe(true);
    expect(metrics?.data).toMatchObject({ outcome: 'completed', provider: 'espeak' });
  });

  it('writes a stored interruption with the text actually heard', async () => {
    const session = createSpeechSession({ provider: engine });
    const written: SpeechUIChunk[] = [];
    let modelAborted = (): boolean => false;
    const speech = speak(({ abortSignal }) => {
      const run = runStreamText(major, [[{ text: 'This long reply gets interrupted by the user who starts talking. ' }, { stall: true }]], { abortSignal });
      modelAborted = run.probe.aborted;
      return run.result;
    }, { session });
    const writer = {
      write(part: SpeechUIChunk) {
        written.push(part);
        if (part.type === 'data-speech-segment') session.interrupt();
      },
    };
    const outcome = await writeSpeechToUIStream(writer, speech);
    expect(outcome.outcome).toBe('interrupted');
    const interrupted = written.find((c) => c.type === 'data-speech-interrupted');
    expect(interrupted).toBeDefined();
    expect(interrupted?.transient).toBeUndefined();
    expect('This long reply gets interrupted by the user who starts talking. '.startsWith((interrupted?.data as { spokenText: string }).spokenText)).toBe(true);
    for (let i = 0; i < 500 && !modelAborted(); i++) await new Promise((r) => setImmediate(r));
    expect(modelAborted()).toBe(true);
    await session.close();
  });
});

describe('writeSpeechToUIStream errors', () => {
  it('writes a stored data-speech-error part and resolves with the failure', async () => {
    const written: SpeechUIChunk[] = [];
    const { result } = runStreamText(7, [[{ text: 'Oops ' }, { error: new Error('llm died') }]]);
    const outcome = await writeSpeechToUIStream({ write: (part) => written.push(part) }, speak(result, { provider: engine }));
    expect(outcome.outcome).toBe('failed');
    expect(outcome.error).toBeInstanceOf(SpeechError);
    expect(written.at(-1)).toMatchObject({ type: 'data-speech-error', data: { code: 'provider' } });
  });

  it('rejects a bad writer or options', async () => {
    await expect(writeSpeechToUIStream({} as never, speak('x', { provider: engine }))).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(writeSpeechToUIStream({ write() {} }, speak('x', { provider: engine }), { audio: 'yes' as never })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
