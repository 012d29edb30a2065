/**
 * speak() against the real streamText of ai 7, 6 and 5 (ai/test mock models) and the real embedded
 * engine (eSpeak NG in WebAssembly).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SpeechError, createSpeechSession, parseWav, type SpeechEvent } from '@utter/core';
import { espeak } from '@utter/espeak';
import { from, take, toArray, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speak } from '../src/index.js';
import { collect, spokenText, spyProvider, tick } from './helpers.js';
import { MAJORS, runStreamText } from './llm.js';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
const engine = espeak();
beforeAll(async () => {
  await engine.warmup?.();
}, 60_000);
afterAll(async () => {
  await engine.close?.();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(MAJORS)('speak(streamText result) on ai@%i', (major) => {
  it('speaks the answer text', async () => {
    const { result } = runStreamText(major, [[{ text: 'Hello there. How are you?' }]]);
    const events = await collect(speak(result, { provider: engine }));
    expect(spokenText(events)).toBe('Hello there. How are you?');
    const audio = events.filter((e) => e.type === 'audio');
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.every((e) => e.type === 'audio' && e.sampleRate === 22050)).toBe(true);
    expect(events.at(-1)?.type).toBe('utterance-end');
  });

  it('never speaks reasoning', async () => {
    const { result } = runStreamText(major, [[{ reasoning: 'Secret chain of thought.' }, { text: 'Fine, thanks.' }]]);
    const events = await collect(speak(result, { provider: engine }));
    expect(spokenText(events)).toBe('Fine, thanks.');
    const segments = events.filter((e) => e.type === 'segment').map((e) => (e.type === 'segment' ? e.text : ''));
    expect(segments.join('')).not.toContain('Secret');
  });

  it('skips tool input and speaks every step in order', async () => {
    const { result, probe } = runStreamText(major, [
      [{ text: 'Let me check.' }, { tool: 'weather', input: { city: 'Paris' } }],
      [{ text: 'It is sunny in Paris.' }],
    ]);
    const events = await collect(speak(result, { provider: engine }));
    expect(probe.calls).toBe(2);
    expect(spokenText(events)).toBe('Let me check.\n\nIt is sunny in Paris.');
    const segments = events.flatMap((e) => (e.type === 'segment' ? [e.text] : []));
    expect(segments.join('')).toBe('Let me check.\n\nIt is sunny in Paris.');
    expect(segments.join('')).not.toContain('city');
  });

  it('stops at once when abortSignal aborts (and the owned model with it)', async () => {
    const controller = new AbortController();
    let probeAborted = (): boolean => false;
    const stream = speak(
      ({ abortSignal }) => {
        const run = runStreamText(major, [[{ text: 'Hello there. This is a long story about a cat. ' }, { stall: true }]], { abortSignal });
        probeAborted = run.probe.aborted;
        return run.result;
      },
      { provider: engine, abortSignal: controller.signal },
    );
    const seen: SpeechEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'audio') controller.abort();
    }
    // The loop ended right after the abort: the last event is the audio that triggered it.
    expect(seen.at(-1)?.type).toBe('audio');
    expect(seen.some((e) => e.type === 'utterance-end')).toBe(false);
    await until(probeAborted, 'the model to be aborted');
  });

  it('stops when the consumer leaves early; the owned model stops, a model it does not own does not', async () => {
    let ownedAborted = (): boolean => false;
    for await (const event of speak(
      ({ abortSignal }) => {
        const run = runStreamText(major, [[{ text: 'One sentence here. ' }, { stall: true }]], { abortSignal });
        ownedAborted = run.probe.aborted;
        return run.result;
      },
      { provider: engine },
    )) {
      if (event.type === 'audio') break;
    }
    await until(ownedAborted, 'the owned model to be aborted');

    // Not owned: leaving the speech (like leaving textStream) does not stop the model; its signal does.
    const modelController = new AbortController();
    const { result, probe } = runStreamText(major, [[{ text: 'One sentence here. ' }, { stall: true }]], { abortSignal: modelController.signal });
    for await (const event of speak(result, { provider: engine })) {
      if (event.type === 'audio') break;
    }
    for (let i = 0; i < 20; i++) await tick();
    expect(probe.aborted()).toBe(false);
    modelController.abort();
    expect(probe.aborted()).toBe(true);
  });

  it('fails with a typed SpeechError on an error part and cancels the provider', async () => {
    const { provider, spy } = spyProvider(engine);
    const { result } = runStreamText(major, [[{ text: 'First sentence is here. Second one' }, { error: new Error('model overloaded') }]]);
    const seen: SpeechEvent[] = [];
    let failure: unknown;
    try {
      for await (const event of speak(result, { provider })) seen.push(event);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(SpeechError);
    expect((failure as SpeechError).code).toBe('provider');
    expect((failure as SpeechError).message).toContain('model overloaded');
    expect(seen.some((e) => e.type === 'utterance-end')).toBe(false);
    await until(() => spy.cancelled.length + spy.closed > 0, 'the provider generation to be cancelled');
  });
});

describe('speak() sources and forms', () => {
  it('speaks an AsyncIterable<string> (e.g. textStream)', async () => {
    const { result } = runStreamText(7, [[{ reasoning: 'hmm' }, { text: 'Text stream works.' }]]);
    const events = await collect(speak(result.textStream as AsyncIterable<string>, { provider: engine }));
    expect(spokenText(events)).toBe('Text stream works.');
  });

  it('is an Observable source: from(stream) and toObservable()', async () => {
    const { result } = runStreamText(7, [[{ text: 'Observable speech.' }]]);
    const events = await lastValueFrom(from(speak(result, { provider: engine })).pipe(toArray()));
    expect(spokenText(events)).toBe('Observable speech.');
    const first = await lastValueFrom(speak('Take one.', { provider: engine }).toObservable().pipe(take(1), toArray()));
    expect(first[0]?.type).toBe('segment');
  });

  it('can be consumed once', async () => {
    const stream = speak('Once.', { provider: engine });
    await collect(stream);
    await expect(collect(stream)).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('rejects bad options with invalid-input', () => {
    expect(() => speak('x', {} as never)).toThrow(SpeechError);
    expect(() => speak('x', { provider: engine, abortSignal: 'no' as never })).toThrow(/abortSignal/);
    expect(() => speak('x', { provider: engine }).toResponse({ format: 'mp3' as never })).toThrow(/format/);
  });

  it('speaks through a session; interrupt() stops the reply and the owned model', async () => {
    const session = createSpeechSession({ provider: engine });
    let modelAborted = (): boolean => false;
    const stream = speak(
      ({ abortSignal }) => {
        const run = runStreamText(7, [[{ text: 'A reply that will be interrupted. ' }, { stall: true }]], { abortSignal });
        modelAborted = run.probe.aborted;
        return run.result;
      },
      { session },
    );
    const seen: SpeechEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'audio' && !seen.some((e) => e.type === 'interrupted')) session.interrupt();
    }
    expect(seen.at(-1)?.type).toBe('interrupted');
    await until(modelAborted, 'the owned model to be aborted');
    await session.close();
  });
});

describe('SpeechStream.interrupt()', () => {
  it('stops its own reply with `interrupted` (text heard, a proper prefix) and stops the owned model', async () => {
    let modelAborted = (): boolean => false;
    const stream = speak(
      ({ abortSignal }) => {
        const run = runStreamText(7, [[{ text: 'A reply that will be cut short. It goes on and on. ' }, { stall: true }]], { abortSignal });
        modelAborted = run.probe.aborted;
        return run.result;
      },
      { provider: engine },
    );
    stream.interrupt(); // before it started: a no-op
    const seen: SpeechEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'audio' && seen.filter((e) => e.type === 'audio').length === 1) {
        stream.reportPlayback(0);
        stream.interrupt();
      }
    }
    const last = seen.at(-1);
    expect(last?.type).toBe('interrupted');
    expect(seen.filter((e) => e.type === 'interrupted')).toHaveLength(1);
    if (last?.type === 'interrupted') {
      expect(last.basis).toBe('playback');
      expect(last.spokenText).toBe('');
    }
    await until(modelAborted, 'the owned model to be aborted');
    stream.interrupt(); // after it ended: a no-op
  });
});

describe('toResponse()', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  async function serve(handler: (request: Request) => Response): Promise<string> {
    server = createServer((req, res) => {
      const controller = new AbortController();
      res.on('close', () => controller.abort());
      const response = handler(new Request(`http://localhost${req.url}`, { signal: controller.signal }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) pipeline(Readable.fromWeb(response.body as never), res).catch(() => {});
      else res.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('streams a WAV over HTTP that a fetch client can read', async () => {
    const url = await serve((request) => {
      const { result } = runStreamText(7, [[{ text: 'Audio over HTTP.' }]], { abortSignal: request.signal });
      return speak(result, { provider: engine, abortSignal: request.signal }).toResponse();
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const wav = parseWav(bytes);
    expect(wav.format.sampleRate).toBe(22050);
    expect(wav.format.channels).toBe(1);
    expect(wav.format.bitsPerSample).toBe(16);
    expect(wav.format.dataSize).toBeUndefined(); // streaming header: unknown length
    expect(wav.samples.length).toBeGreaterThan(22050 / 4);
    server?.close();
  });

  it('serves raw PCM with its content type', async () => {
    const response = speak('Raw samples.', { provider: engine }).toResponse({ format: 'pcm', headers: { 'x-extra': '1' } });
    expect(response.headers.get('content-type')).toBe('audio/pcm;rate=22050;channels=1');
    expect(response.headers.get('x-extra')).toBe('1');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.byteLength % 2).toBe(0);
    expect(bytes.byteLength).toBeGreaterThan(1000);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).not.toBe('RIFF');
  });

  it('stops speech (and the owned model) when the client goes away', async () => {
    const { provider, spy } = spyProvider(engine);
    let modelAborted = (): boolean => false;
    const url = await serve(() =>
      speak(
        ({ abortSignal }) => {
          const run = runStreamText(7, [[{ text: 'Some words before the stall. ' }, { stall: true }]], { abortSignal });
          modelAborted = run.probe.aborted;
          return run.result;
        },
        { provider },
      ).toResponse(),
    );
    const client = new AbortController();
    const response = await fetch(url, { signal: client.signal });
    const reader = response.body!.getReader();
    let received = 0;
    while (received <= 44) received += (await reader.read()).value?.byteLength ?? 0;
    client.abort();
    await reader.cancel().catch(() => {});
    await until(modelAborted, 'the model to be aborted after the client left');
    await until(() => spy.cancelled.length + spy.closed > 0, 'the provider to be cancelled');
    server?.close();
  });

  it('errors the body when the text stream fails', async () => {
    const { result } = runStreamText(7, [[{ text: 'Before the failure. ' }, { error: new Error('boom') }]]);
    const response = speak(result, { provider: engine }).toResponse();
    await expect(response.arrayBuffer()).rejects.toBeInstanceOf(SpeechError);
  });
});
