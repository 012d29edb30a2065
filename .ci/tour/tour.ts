// The README's tour, run from the packed tarballs installed in a fresh app (see ../pack-tour.mjs).
// Copied there as tour.mts and tour.cts and compiled by tsc (nodenext, strict, skipLibCheck false):
// the same code runs as ESM and as CommonJS. Every step must speak real audio, offline.
import { speak, type SpeechEvent } from '@utter/core';
import { espeak } from '@utter/espeak';
import { speak as speak$, audio, frames } from '@utter/rxjs';
import { speak as speakReply } from '@utter/ai-sdk';
import { SpeechCallbackHandler } from '@utter/langchain';
import { createMurfServer } from '@utter/testing';
import { murf } from '@utter/murf';
import { streamText } from 'ai';
import * as aiTest from 'ai/test';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { from, lastValueFrom, toArray } from 'rxjs';

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`tour: ${message}`);
}

function samplesOf(events: readonly SpeechEvent[]): number {
  return events.reduce((n, e) => n + (e.type === 'audio' ? e.pcm.length : 0), 0);
}

/** ai 6 ships `MockLanguageModelV3`, ai 7 `MockLanguageModelV4`: the same shape for a text stream. */
function mockModel(text: string): Parameters<typeof streamText>[0]['model'] {
  type Mock = new (options: { doStream: () => Promise<{ stream: ReadableStream<unknown> }> }) => unknown;
  const mocks = aiTest as unknown as Record<string, Mock | undefined>;
  const Model = mocks['MockLanguageModelV4'] ?? mocks['MockLanguageModelV3'];
  if (!Model) throw new Error('tour: ai/test has no MockLanguageModelV4 or V3');
  const usage = {
    inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 5, text: 5, reasoning: undefined },
  };
  const parts: unknown[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
    ...(text.match(/\S+\s*/g) ?? []).map((delta) => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
  ];
  const doStream = async (): Promise<{ stream: ReadableStream<unknown> }> => ({
    stream: new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
  });
  return new Model({ doStream }) as Parameters<typeof streamText>[0]['model'];
}

async function main(): Promise<void> {
  const provider = espeak({ voice: 'en-gb' });
  try {
    // @utter/core + @utter/espeak
    const core = await lastValueFrom(speak('Hello there. How are you?', { provider }).pipe(toArray()));
    check(samplesOf(core) > 22050 / 2, 'core: speak() gave no audio');

    // @utter/rxjs
    const tokens$ = from(['Tokens ', 'become ', 'speech.']);
    const chunks = await lastValueFrom(tokens$.pipe(speak$(provider), audio(), frames(20), toArray()));
    check(chunks.length > 10, 'rxjs: no 20 ms frames');

    // @utter/ai-sdk
    const abortSignal = new AbortController().signal;
    const result = streamText({ model: mockModel('The model speaks while it writes.'), prompt: 'Hi', abortSignal });
    const reply: SpeechEvent[] = [];
    for await (const event of speakReply(result, { provider })) reply.push(event);
    check(samplesOf(reply) > 0, 'ai-sdk: no audio');

    // @utter/langchain
    const handler = new SpeechCallbackHandler({ provider });
    const heard: SpeechEvent[] = [];
    const subscription = handler.events$.subscribe((event) => heard.push(event));
    const model = new FakeListChatModel({ responses: ['LangChain speaks too.'] });
    await model.invoke('Hi', { callbacks: [handler] });
    await handler.flush();
    subscription.unsubscribe();
    check(samplesOf(heard) > 0, 'langchain: no audio');

    // @utter/testing + a provider adapter
    const server = await createMurfServer();
    try {
      const events = await lastValueFrom(
        speak('Hello there.', { provider: murf({ apiKey: server.apiKey, baseUrl: server.baseUrl }) }).pipe(toArray()),
      );
      check(samplesOf(events) > 0, 'testing: no audio from the Murf test server');
    } finally {
      await server.close();
    }
  } finally {
    await provider.close();
  }
  console.log('tour ok');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
