/**
 * The app's `streamText` call: a weather agent with one tool, two steps (tool call, then answer).
 */
import { stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { ANSWER, mockModel } from './model.js';

/** Options of {@link askWeather}. */
export interface AskOptions {
  readonly prompt?: string;
  /** Stops the model. Pass the same signal to `speak()` (or use its owned form) to stop both. */
  readonly abortSignal?: AbortSignal;
  /** Delay between tokens of the mock model, in ms. */
  readonly tokenDelayMs?: number;
}

/** Asks the (mock) model about the weather; returns the `streamText` result. */
export function askWeather(options: AskOptions = {}) {
  return streamText({
    model: mockModel(ANSWER, options.tokenDelayMs),
    prompt: options.prompt ?? 'What is the weather in Lisbon?',
    tools: {
      weather: tool({
        description: 'The current weather in a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, temperatureC: 24, sky: 'sunny' }),
      }),
    },
    stopWhen: stepCountIs(3),
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
}
