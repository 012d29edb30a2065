/**
 * The real `streamText` of ai 7, 6 and 5 (installed side by side as `ai7`, `ai6`, `ai5`) over their own
 * `ai/test` mock language models, driven by one version-neutral script.
 */
import * as ai5 from 'ai5';
import * as ai5test from 'ai5/test';
import * as ai6 from 'ai6';
import * as ai6test from 'ai6/test';
import * as ai7 from 'ai7';
import * as ai7test from 'ai7/test';
import { z } from 'zod';

/** One thing the mock model does in a step. */
export type ScriptItem =
  | { readonly text: string }
  | { readonly reasoning: string }
  | { readonly tool: string; readonly input: Record<string, unknown> }
  | { readonly error: unknown }
  | { readonly stall: true };

/** What each model call (step) streams. */
export type Script = readonly (readonly ScriptItem[])[];

export type Major = 5 | 6 | 7;
export const MAJORS: readonly Major[] = [7, 6, 5];

let nextId = 0;

function parts(major: Major, step: readonly ScriptItem[]): { chunks: unknown[]; stall: boolean } {
  const chunks: unknown[] = [{ type: 'stream-start', warnings: [] }];
  let toolCalls = false;
  let stall = false;
  for (const item of step) {
    const id = `p${nextId++}`;
    if ('text' in item) {
      // Split into small deltas, like a real model.
      chunks.push({ type: 'text-start', id });
      for (const delta of item.text.match(/.{1,7}/gsu) ?? []) chunks.push({ type: 'text-delta', id, delta });
      chunks.push({ type: 'text-end', id });
    } else if ('reasoning' in item) {
      chunks.push({ type: 'reasoning-start', id });
      chunks.push({ type: 'reasoning-delta', id, delta: item.reasoning });
      chunks.push({ type: 'reasoning-end', id });
    } else if ('tool' in item) {
      toolCalls = true;
      const input = JSON.stringify(item.input);
      chunks.push({ type: 'tool-input-start', id, toolName: item.tool });
      chunks.push({ type: 'tool-input-delta', id, delta: input });
      chunks.push({ type: 'tool-input-end', id });
      chunks.push({ type: 'tool-call', toolCallId: id, toolName: item.tool, input });
    } else if ('error' in item) {
      chunks.push({ type: 'error', error: item.error });
    } else {
      stall = true;
    }
  }
  if (!stall) {
    const reason = toolCalls ? 'tool-calls' : 'stop';
    chunks.push(
      major === 5
        ? { type: 'finish', finishReason: reason, usage: { inputTokens: 3, outputTokens: 10, totalTokens: 13 } }
        : {
            type: 'finish',
            finishReason: { unified: reason, raw: reason },
            usage: {
              inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
              outputTokens: { total: 10, text: 10, reasoning: undefined },
            },
          },
    );
  }
  return { chunks, stall };
}

function streamOf(chunks: unknown[], stall: boolean, signal: AbortSignal | undefined): ReadableStream<unknown> {
  let i = 0;
  return new ReadableStream<unknown>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (i < chunks.length) {
        controller.enqueue(chunks[i++]);
        return;
      }
      if (!stall) {
        controller.close();
        return;
      }
      // A stalled model: waits until the call is aborted.
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      controller.error(signal?.reason ?? new Error('aborted'));
    },
  });
}

/** Counters of what the mock model saw. */
export interface ModelProbe {
  /** How many calls (steps) were made. */
  calls: number;
  /** Whether the last call's abortSignal was aborted. */
  aborted: () => boolean;
}

/** A mock language model of the given major that plays `script` (one entry per step). */
export function mockModel(major: Major, script: Script): { model: unknown; probe: ModelProbe } {
  let lastSignal: AbortSignal | undefined;
  const probe: ModelProbe = { calls: 0, aborted: () => lastSignal?.aborted ?? false };
  const doStream = async (options: { abortSignal?: AbortSignal }) => {
    const step = script[Math.min(probe.calls, script.length - 1)] ?? [];
    probe.calls += 1;
    lastSignal = options.abortSignal;
    const { chunks, stall } = parts(major, step);
    return { stream: streamOf(chunks, stall, options.abortSignal) };
  };
  const model =
    major === 7
      ? new ai7test.MockLanguageModelV4({ doStream: doStream as never })
      : major === 6
        ? new ai6test.MockLanguageModelV3({ doStream: doStream as never })
        : new ai5test.MockLanguageModelV2({ doStream: doStream as never });
  return { model, probe };
}

/** Options of {@link runStreamText}. */
export interface RunOptions {
  readonly abortSignal?: AbortSignal;
  readonly transform?: unknown;
  readonly onError?: (event: { error: unknown }) => void;
}

/** Calls the real `streamText` of `major` with the mock model and a `weather` tool. */
export function runStreamText(major: Major, script: Script, options: RunOptions = {}): { result: any; probe: ModelProbe } {
  const { model, probe } = mockModel(major, script);
  const common = {
    prompt: 'What is the weather?',
    abortSignal: options.abortSignal,
    onError: options.onError ?? (() => {}),
    ...(options.transform === undefined ? {} : { experimental_transform: options.transform }),
  };
  let result: unknown;
  if (major === 7) {
    const weather = ai7.tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, sky: 'sunny' }) });
    result = ai7.streamText({ ...common, model: model as never, tools: { weather }, stopWhen: ai7.stepCountIs(5) } as never);
  } else if (major === 6) {
    const weather = ai6.tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, sky: 'sunny' }) });
    result = ai6.streamText({ ...common, model: model as never, tools: { weather }, stopWhen: ai6.stepCountIs(5) } as never);
  } else {
    const weather = ai5.tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, sky: 'sunny' }) });
    result = ai5.streamText({ ...common, model: model as never, tools: { weather }, stopWhen: ai5.stepCountIs(5) } as never);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { result: result as any, probe };
}

export { ai5, ai6, ai7 };
