/**
 * A simulated LLM: the AI SDK's real `streamText` over an `ai/test` mock model that streams a
 * realistic answer token by token, with realistic (deterministic, pseudo-random) delays.
 */
import { streamText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

/** The answer the simulated model gives when no `--text` is passed. */
export const DEFAULT_ANSWER =
  'Great question! The Moon is about 384,400 km from Earth, on average. ' +
  'Light covers that distance in roughly 1.3 seconds, so every time you look at it, you see the Moon as it was a moment ago. ' +
  'Its orbit is slightly elliptical: at perigee it comes within about 363,000 km, and at apogee it drifts out to 405,000 km. ' +
  'Dr. Smith at the observatory measures the distance to within a few millimetres by bouncing lasers off mirrors the Apollo astronauts left behind. ' +
  'Would you like to know how those mirrors work?';

/** Splits text into LLM-like tokens (a word with its leading space, punctuation on its own). */
export function tokenize(text: string): string[] {
  return text.match(/ ?[\p{L}\p{N}'’]+|\s+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** Timing of the simulated model, in ms. */
export interface SimulatedTiming {
  /** Delay before the first token (prompt processing). */
  readonly firstTokenMs: number;
  /** Mean delay between tokens. */
  readonly interTokenMs: number;
}

/** ~60 tokens/s after a 350 ms time to first token: a typical hosted model. */
export const REALISTIC_TIMING: SimulatedTiming = { firstTokenMs: 350, interTokenMs: 16 };

/** What the demo uses of a `streamText` result. */
export interface SimulatedLlmResult {
  /** The answer's text deltas as they stream. */
  readonly textStream: AsyncIterable<string>;
  /** The complete answer, once the stream has ended. */
  readonly text: PromiseLike<string>;
}

/**
 * Streams `text` through the AI SDK's `streamText` with a mock model. Returns the result; its
 * `textStream` is what a real app would speak.
 */
export function simulateLlm(text: string, timing: SimulatedTiming = REALISTIC_TIMING, abortSignal?: AbortSignal): SimulatedLlmResult {
  const tokens = tokenize(text);
  let seed = 42;
  const jitter = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 0.5 + seed / 2147483648; // 0.5 .. 1.5
  };
  const model = new MockLanguageModelV4({
    doStream: async () => ({
      stream: new ReadableStream({
        async start(controller) {
          const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
          controller.enqueue({ type: 'stream-start', warnings: [] });
          await wait(timing.firstTokenMs);
          controller.enqueue({ type: 'text-start', id: 't0' });
          for (const delta of tokens) {
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
  return streamText({ model, prompt: 'How far away is the Moon?', ...(abortSignal ? { abortSignal } : {}) });
}
