/**
 * The simulated LLM: the AI SDK's real `streamText` over an `ai/test` mock model that streams a
 * canned answer token by token with realistic, deterministic delays. No key, no network.
 */
import { streamText, type LanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

/** Canned answers, chosen by a keyword of the question. */
const ANSWERS: readonly { readonly keyword: RegExp; readonly answer: string }[] = [
  {
    keyword: /moon/i,
    answer:
      'Great question! The Moon is about 384,400 km from Earth, on average. ' +
      'Light covers that distance in roughly 1.3 seconds, so you always see the Moon as it was a moment ago. ' +
      'Its orbit is slightly elliptical: at perigee it comes within about 363,000 km, and at apogee it drifts out to 405,000 km.',
  },
  {
    keyword: /weather|rain|sun/i,
    answer:
      'Here is the forecast. Tomorrow starts cloudy, with light rain in the morning. ' +
      'By the afternoon the sun comes out and the temperature climbs to about 19 degrees. ' +
      'Take an umbrella, but you will not need it for long.',
  },
];

/** The answer when no keyword matches. */
export const DEFAULT_ANSWER =
  'Sure! I am a simulated assistant, so my answers are short and canned. ' +
  'Ask me how far away the Moon is, or what the weather will be like tomorrow, and I will tell you while my voice streams. ' +
  'You can interrupt me at any moment: type a new question or press Stop.';

/** The canned answer to `question`. */
export function answerFor(question: string): string {
  return ANSWERS.find((a) => a.keyword.test(question))?.answer ?? DEFAULT_ANSWER;
}

/** Splits text into LLM-like tokens (a word with its leading space, punctuation on its own). */
export function tokenize(text: string): string[] {
  return text.match(/ ?[\p{L}\p{N}'’]+|\s+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** Timing of the simulated model, in ms. */
export interface SimulatedTiming {
  /** Delay before the first token. */
  readonly firstTokenMs: number;
  /** Mean delay between tokens. */
  readonly interTokenMs: number;
}

/** ~60 tokens/s after a 350 ms time to first token: a typical hosted model. */
export const REALISTIC_TIMING: SimulatedTiming = { firstTokenMs: 350, interTokenMs: 16 };

/** A mock AI SDK model that streams `text` with the given timing (deterministic jitter). */
export function simulatedModel(text: string, timing: SimulatedTiming = REALISTIC_TIMING): LanguageModel {
  const tokens = tokenize(text);
  let seed = 42;
  const jitter = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 0.5 + seed / 2147483648;
  };
  return new MockLanguageModelV4({
    doStream: async ({ abortSignal }) => ({
      stream: new ReadableStream({
        async start(controller) {
          const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
          controller.enqueue({ type: 'stream-start', warnings: [] });
          await wait(timing.firstTokenMs);
          controller.enqueue({ type: 'text-start', id: 't0' });
          for (const delta of tokens) {
            if (abortSignal?.aborted) return;
            controller.enqueue({ type: 'text-delta', id: 't0', delta });
            await wait(timing.interTokenMs * jitter());
          }
          controller.enqueue({ type: 'text-end', id: 't0' });
          controller.enqueue({
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: {
              inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
              outputTokens: { total: tokens.length, text: tokens.length, reasoning: undefined },
            },
          });
          controller.close();
        },
      }),
    }),
  });
}

/** Streams the answer to `question` through `streamText`, as a real route would with a real model. */
export function ask(question: string, abortSignal: AbortSignal, timing?: SimulatedTiming) {
  return streamText({ model: simulatedModel(answerFor(question), timing), prompt: question, abortSignal });
}
