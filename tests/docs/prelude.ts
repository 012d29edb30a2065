/**
 * Placeholders the documentation's snippets use without defining them (`llmTokens`, `player`,
 * `model`, ...): typed here for the type-check, and given offline values for the snippets that run.
 * Every snippet is compiled with this file in the program and run with it imported first.
 */
import type { BaseMessage } from '@langchain/core/messages';
import type { MessageTuple } from '@utter/langchain';
import { streamText, type LanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { NEVER, from, of, type Observable } from 'rxjs';

/** Something that plays or sends PCM16 audio, and reports how much it has played. */
interface AudioSink {
  write(pcm: Int16Array, sampleRate?: number): void;
  onProgress(listener: (playedMs: number) => void): void;
}

declare global {
  /** An LLM's streamed reply. */
  var llmTokens: AsyncIterable<string>;
  /** An LLM's streamed reply as an Observable. */
  var tokens$: Observable<string>;
  /** Same, under the name some guides use. */
  var llmTokens$: Observable<string>;
  /** Emits when the user starts speaking (barge-in). */
  var userSpeaking$: Observable<unknown>;
  /** An audio output. */
  var player: AudioSink;
  /** An audio output. */
  var speaker: AudioSink;
  /** Sends a frame of telephony audio. */
  var sendToCall: (frame: unknown) => void;
  /** Plays PCM16 at a sample rate. */
  var playPcm16: (pcm: Int16Array, sampleRate: number) => void;
  /** Plays a speech event's audio. */
  var play: (event: unknown) => void;
  /** An AI SDK language model. */
  var model: LanguageModel;
  /** A LangChain conversation. */
  var messages: BaseMessage[];
  /** A LangChain agent (e.g. from `createAgent`). */
  var agent: {
    invoke(input: { messages: unknown[] }, config?: { callbacks?: unknown[]; signal?: AbortSignal }): Promise<unknown>;
    stream(input: { messages: unknown[] }, config: { streamMode: 'messages'; signal?: AbortSignal }): Promise<AsyncIterable<MessageTuple>>;
  };
  /** A `streamText` result. */
  var result: ReturnType<typeof streamText>;
  /** A button of a UI. */
  var stopButton: { onclick: (() => void) | null };
  /** A WebSocket whose frames arrive as an Observable. */
  var socket: { messages: Observable<string | Uint8Array> };
  /** An HTTP response streaming audio. */
  var response: Response;
  /** Some PCM16 audio. */
  var pcm: Int16Array;
  /** Sends encoded telephony audio. */
  var sendToPhone: (bytes: Uint8Array) => void;
  /** A connection attempt as an Observable. */
  var connect$: Observable<unknown>;
}

const reply = 'Hello there. This reply is spoken while it is still being written.';
const tokens = reply.match(/\S+\s*/g) ?? [];
const sink: AudioSink = { write: () => undefined, onProgress: () => undefined };

globalThis.llmTokens = {
  async *[Symbol.asyncIterator]() {
    yield* tokens;
  },
};
globalThis.tokens$ = from(tokens);
globalThis.llmTokens$ = from(tokens);
globalThis.userSpeaking$ = NEVER;
globalThis.player = sink;
globalThis.speaker = sink;
globalThis.sendToCall = () => undefined;
globalThis.playPcm16 = () => undefined;
globalThis.play = () => undefined;
// `prompt` is declared in prelude-node.d.ts (Node snippets only: in a browser it is window.prompt).
(globalThis as unknown as { prompt: string }).prompt = 'Say hello.';
globalThis.messages = [];
globalThis.model = new MockLanguageModelV4({
  doStream: async () => ({
    stream: new ReadableStream({
      start(controller) {
        controller.enqueue({ type: 'stream-start', warnings: [] });
        controller.enqueue({ type: 'text-start', id: 't' });
        for (const delta of tokens) controller.enqueue({ type: 'text-delta', id: 't', delta });
        controller.enqueue({ type: 'text-end', id: 't' });
        controller.enqueue({
          type: 'finish',
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: {
            inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
            outputTokens: { total: tokens.length, text: tokens.length, reasoning: undefined },
          },
        });
        controller.close();
      },
    }),
  }),
});
globalThis.agent = {
  invoke: async () => ({}),
  stream: async () => ({ async *[Symbol.asyncIterator]() {} }),
};
globalThis.result = streamText({ model: globalThis.model, prompt: 'Say hello.' });
globalThis.stopButton = { onclick: null };
globalThis.socket = { messages: NEVER };
globalThis.response = new Response(new Uint8Array(0));
globalThis.pcm = new Int16Array(160);
globalThis.sendToPhone = () => undefined;
globalThis.connect$ = of(undefined);

export {};
