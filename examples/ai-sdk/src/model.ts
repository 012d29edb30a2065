/**
 * An offline stand-in for a real LLM: the AI SDK's `ai/test` mock model, scripted to think
 * (reasoning), call a tool, and then answer — token by token, like a hosted model.
 * Swap `mockModel()` for `openai('gpt-5')`, `anthropic(...)`, ... in a real app.
 */
import { MockLanguageModelV4 } from 'ai/test';

/** Splits text into LLM-like tokens (a word with its leading space, punctuation on its own). */
function tokens(text: string): string[] {
  return text.match(/ ?[\p{L}\p{N}'’]+|\s+|[^\s\p{L}\p{N}]/gu) ?? [];
}

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 40, text: 40, reasoning: undefined },
};

/**
 * A model that, on its first call, reasons and calls the `weather` tool; on its second call (after
 * the tool result), answers with `answer`. `tokenDelayMs` spaces the tokens (0 in tests).
 */
export function mockModel(answer: string, tokenDelayMs = 15): MockLanguageModelV4 {
  let call = 0;
  return new MockLanguageModelV4({
    doStream: async ({ abortSignal }) => {
      const step = call++;
      const wait = (ms: number) =>
        new Promise<void>((resolve) => {
          if (ms <= 0 || abortSignal?.aborted) return resolve();
          const onAbort = (): void => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            abortSignal?.removeEventListener('abort', onAbort);
            resolve();
          }, ms);
          abortSignal?.addEventListener('abort', onAbort, { once: true });
        });
      const stream = new ReadableStream({
        async start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          if (step === 0) {
            controller.enqueue({ type: 'reasoning-start', id: 'r0' });
            controller.enqueue({ type: 'reasoning-delta', id: 'r0', delta: 'The user wants the weather; I should call the tool.' });
            controller.enqueue({ type: 'reasoning-end', id: 'r0' });
            controller.enqueue({ type: 'text-start', id: 't0' });
            controller.enqueue({ type: 'text-delta', id: 't0', delta: 'Let me check the forecast.' });
            controller.enqueue({ type: 'text-end', id: 't0' });
            const input = JSON.stringify({ city: 'Lisbon' });
            controller.enqueue({ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input });
            controller.enqueue({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage });
            controller.close();
            return;
          }
          controller.enqueue({ type: 'text-start', id: 't1' });
          for (const token of tokens(answer)) {
            await wait(tokenDelayMs);
            if (abortSignal?.aborted) {
              controller.error(abortSignal.reason);
              return;
            }
            controller.enqueue({ type: 'text-delta', id: 't1', delta: token });
          }
          controller.enqueue({ type: 'text-end', id: 't1' });
          controller.enqueue({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage });
          controller.close();
        },
      });
      return { stream };
    },
  });
}

/** The answer of the mock model. */
export const ANSWER =
  'It is 24 degrees and sunny in Lisbon right now. ' +
  'Expect a light breeze from the Atlantic this afternoon, and a clear, mild evening.';
