/**
 * {@link toSpeechResponse}: the speech wire format as a streaming HTTP response, for route handlers
 * (Next.js, Hono, SvelteKit, Remix, Bun, Deno...) that cannot hold a WebSocket.
 */
import { encodeStreamFrame, SPEECH_STREAM_CONTENT_TYPE } from '../stream-frames.js';
import { createSpeechLink, type SpeechStreamLike } from './link.js';

/** Options of {@link toSpeechResponse}. */
export interface SpeechResponseInit {
  /** HTTP status. Default 200. */
  readonly status?: number;
  /** Extra headers. */
  readonly headers?: Record<string, string>;
}

/**
 * Streams one spoken reply (`speak(streamText(...), { provider })` from `@utter/ai-sdk`) as speech
 * wire messages in an HTTP body; the browser plays it with `playSpeechResponse(fetch(...))`. When
 * the browser goes away (or aborts to barge in) the body is cancelled and speech stops at once.
 * There is no way back over HTTP: the browser works out what was heard itself.
 */
export function toSpeechResponse(stream: SpeechStreamLike, init: SpeechResponseInit = {}): Response {
  let stop: (() => void) | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const link = createSpeechLink((data) => {
        if (open) controller.enqueue(encodeStreamFrame(data));
      });
      stop = () => {
        open = false;
        link.close();
      };
      void link.speak(stream).then(() => {
        if (!open) return;
        open = false;
        controller.close();
      });
    },
    cancel() {
      stop?.();
    },
  });
  return new Response(body, {
    status: init.status ?? 200,
    headers: { 'content-type': SPEECH_STREAM_CONTENT_TYPE, 'cache-control': 'no-store', ...init.headers },
  });
}
