/**
 * One speech request over HTTP: `POST {baseUrl}/audio/speech` with `Authorization: Bearer`, then the
 * body as it streams — raw PCM bytes (`stream_format: 'audio'`) or server-sent events with base64
 * deltas (`'sse'`, parsed with `eventsource-parser`). Bytes are turned into samples by the core's
 * streaming PCM16 decoder, so chunks that end in the middle of a sample are carried over.
 */
import { createParser } from 'eventsource-parser';
import { SpeechError, base64ToBytes, createPcm16Decoder } from '@utter/core/provider';
import type { ResolvedOpenAiOptions } from './options.js';
import { decodeStreamEvent, errorFromMessage, errorFromStatus, retryAfterMs, speechRequestSchema, type SpeechRequest } from './protocol.js';

/** What a request reports while it streams. */
export interface SpeechStreamSink {
  /** Samples decoded from the body (never empty). */
  audio(pcm: Int16Array): void;
  /** A `retry-after` the service asked for (429/503), in ms: the adapter holds new requests until it passes. */
  retryAfter?(ms: number): void;
}

/** The JSON body for `input` with these options. */
export function speechRequestBody(o: ResolvedOpenAiOptions, input: string): SpeechRequest {
  return {
    model: o.model,
    input,
    voice: typeof o.voice === 'string' ? o.voice : { id: o.voice.id },
    response_format: 'pcm',
    ...(o.instructions === undefined ? {} : { instructions: o.instructions }),
    ...(o.speed === undefined ? {} : { speed: o.speed }),
    stream_format: o.streamFormat,
  };
}

function connectionError(message: string, cause: unknown): SpeechError {
  return new SpeechError('connection', message, { provider: 'openai', cause });
}

/**
 * Runs one request to its end. Resolves when all audio arrived (end of body; with SSE, after
 * `speech.audio.done`); rejects with a {@link SpeechError}, or with the abort reason when `signal` aborts.
 */
export async function streamSpeech(o: ResolvedOpenAiOptions, apiKey: string, input: string, signal: AbortSignal, sink: SpeechStreamSink): Promise<void> {
  const request = speechRequestSchema.safeParse(speechRequestBody(o, input));
  if (!request.success) {
    const issue = request.error.issues[0];
    throw new SpeechError('invalid-input', `The OpenAI request is invalid: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid value'}.`, { provider: 'openai', retryable: false });
  }
  let response: Response;
  try {
    response = await fetch(o.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        accept: o.streamFormat === 'sse' ? 'text/event-stream' : 'audio/pcm, application/octet-stream, */*',
      },
      body: JSON.stringify(request.data),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw connectionError(`The OpenAI request failed before a response: ${reason}`, error);
  }
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    const wait = retryAfterMs(response.headers);
    if (wait !== undefined && wait <= o.maxRetryAfterMs) sink.retryAfter?.(wait);
    throw errorFromStatus({
      status: response.status,
      body,
      maxRetryAfterMs: o.maxRetryAfterMs,
      requestId: response.headers.get('x-request-id'),
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  }
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase();
  const sse = contentType.startsWith('text/event-stream');
  if (o.streamFormat === 'sse' ? !sse : sse || contentType.startsWith('application/json') || contentType.startsWith('text/')) {
    await response.body?.cancel().catch(() => undefined);
    throw new SpeechError('protocol', `OpenAI answered with content type ${JSON.stringify(contentType.slice(0, 60))}, expected ${o.streamFormat === 'sse' ? 'text/event-stream' : 'raw PCM audio'}; check baseUrl.`, {
      provider: 'openai',
      retryable: false,
    });
  }
  const body = response.body;
  if (!body) throw new SpeechError('protocol', 'OpenAI answered without a body.', { provider: 'openai', retryable: true });
  const decoder = createPcm16Decoder();
  const emit = (bytes: Uint8Array): void => {
    const pcm = decoder.push(bytes);
    if (pcm.length > 0) sink.audio(pcm);
  };
  const reader = body.getReader();
  const sseState = sse ? createSseState(emit) : undefined;
  let complete = false;
  try {
    // Read to the end of the body (also after `speech.audio.done`): a body read to its end lets the
    // HTTP client keep the TCP connection alive for the next request; a cancelled one closes it.
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal.aborted) throw error;
        throw connectionError('The OpenAI response broke off before its end.', error);
      }
      if (chunk.done) break;
      if (chunk.value.byteLength === 0) continue;
      if (sseState) sseState.feed(chunk.value);
      else emit(chunk.value);
    }
    complete = true;
  } finally {
    reader.releaseLock();
    if (!complete) await body.cancel().catch(() => undefined);
  }
  if (sseState && !sseState.done) throw connectionError('The OpenAI event stream ended without speech.audio.done.', undefined);
  if (decoder.pendingBytes > 0) throw connectionError('The OpenAI response ended in the middle of a sample.', undefined);
  // Let the HTTP client put the keep-alive socket back in its pool before the next request starts
  // (otherwise a request sent at once opens a new TCP + TLS connection).
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

interface SseState {
  feed(bytes: Uint8Array): void;
  readonly done: boolean;
}

/** Parses SSE bytes (UTF-8 split anywhere) into audio; throws a SpeechError for a bad or error event. */
function createSseState(emit: (bytes: Uint8Array) => void): SseState {
  const text = new TextDecoder();
  let done = false;
  let failure: SpeechError | undefined;
  const parser = createParser({
    onEvent(message) {
      if (done || failure) return;
      const event = decodeStreamEvent(message.data);
      if (event === undefined) return;
      if (event instanceof SpeechError) failure = event;
      else if (event.type === 'speech.audio.delta') {
        try {
          emit(base64ToBytes(event.audio));
        } catch (error) {
          failure = new SpeechError('protocol', 'OpenAI sent a speech.audio.delta whose audio is not base64.', { provider: 'openai', retryable: true, cause: error });
        }
      }
      else if (event.type === 'speech.audio.done') done = true;
      else failure = errorFromMessage(event);
    },
  });
  return {
    feed(bytes) {
      parser.feed(text.decode(bytes, { stream: true }));
      if (failure) throw failure;
    },
    get done() {
      return done;
    },
  };
}
