/**
 * Route handlers in the Fetch API style (Next.js app router, Hono, SvelteKit, Remix, Bun, Deno...).
 *
 * - `POST /api/speak` streams the spoken reply as `audio/wav` while the model is still writing;
 *   play it with `<audio src>` / `new Audio(url)` or decode it as it arrives.
 * - `POST /api/chat` streams the AI SDK UI message stream (text for `useChat`) with speech progress
 *   as `data-speech-*` parts (captions in sync with the voice, metrics, and the audio itself).
 */
import { speak, writeSpeechToUIStream } from '@utter/ai-sdk';
import type { SpeechProvider } from '@utter/core';
import { createUIMessageStream, createUIMessageStreamResponse, toUIMessageStream } from 'ai';
import { askWeather } from './agent.js';

async function promptOf(request: Request): Promise<string | undefined> {
  const body: unknown = await request.json().catch(() => undefined);
  const prompt = typeof body === 'object' && body !== null ? (body as { prompt?: unknown }).prompt : undefined;
  return typeof prompt === 'string' && prompt.trim() !== '' ? prompt : undefined;
}

/** `POST /api/speak`: the reply as streaming WAV. */
export function speakRoute(provider: SpeechProvider, tokenDelayMs?: number) {
  return async function POST(request: Request): Promise<Response> {
    const prompt = await promptOf(request);
    // request.signal aborts when the client goes away: speech stops, and (owned form) the model too.
    return speak(({ abortSignal }) => askWeather({ abortSignal, ...(prompt ? { prompt } : {}), ...(tokenDelayMs === undefined ? {} : { tokenDelayMs }) }), {
      provider,
      abortSignal: request.signal,
    }).toResponse();
  };
}

/** `POST /api/chat`: text for the chat UI plus `data-speech-*` parts. */
export function chatRoute(provider: SpeechProvider, tokenDelayMs?: number) {
  return async function POST(request: Request): Promise<Response> {
    const prompt = await promptOf(request);
    const stream = createUIMessageStream({
      execute: async ({ writer }) => {
        const result = askWeather({ abortSignal: request.signal, ...(prompt ? { prompt } : {}), ...(tokenDelayMs === undefined ? {} : { tokenDelayMs }) });
        writer.merge(toUIMessageStream({ stream: result.stream }));
        await writeSpeechToUIStream(writer, speak(result, { provider, abortSignal: request.signal }), { audio: true });
      },
    });
    return createUIMessageStreamResponse({ stream });
  };
}
