/**
 * The OpenAI speech provider: one HTTP request per segment to `POST /v1/audio/speech`
 * (`response_format: 'pcm'`, 24 kHz), several in flight at once (the core puts their audio back in
 * order), each with its own AbortController so that cancelling a reply aborts its requests.
 *
 * There is no socket: a connection is the kit's socketless connection (reply bookkeeping, `error` and
 * `closed` exactly once, late output of cancelled replies dropped) whose handlers run `fetch`es.
 */
import {
  SegmentQueue,
  SpeechError,
  createSocketlessConnection,
  limiterKeyFor,
  missingApiKeyError,
  parseProviderOptions,
  resolveApiKey,
  type ConnectOptions,
  type ConnectionContext,
  type ConnectionHandlers,
  type ProtocolConnection,
  type ProviderCapabilities,
  type SpeechProvider,
  type WireProtocol,
} from '@utter/core/provider';
import { streamSpeech } from './http.js';
import { apiKeyEnv, openaiOptionsSchema, resolveOpenAiOptions, type OpenAiOptions, type ResolvedOpenAiOptions } from './options.js';
import { MAX_CHARS_PER_REQUEST, OPENAI_IDENTITY, PCM_SAMPLE_RATE, speechStreamEventSchema, type SpeechStreamEvent } from './protocol.js';
import { createRetryGate, type RetryGate } from './retry-gate.js';

/** What an OpenAI connection adds to {@link SpeechConnection}. */
export interface OpenAiConnectionExtras {
  /** Requests in flight (started or waiting for a `retry-after`). */
  readonly activeRequests: number;
}

/** An OpenAI connection. */
export type OpenAiConnection = ProtocolConnection<OpenAiConnectionExtras>;

/** The OpenAI {@link SpeechProvider}. */
export interface OpenAiProvider extends SpeechProvider {
  readonly name: 'openai';
  /** Opens a connection (no network until the first segment: HTTP has no handshake). */
  connect(options: ConnectOptions): Promise<OpenAiConnection>;
}

/** One request in flight: a whole segment. */
interface Pending {
  readonly utteranceId: string;
  readonly segmentId: number;
  readonly controller: AbortController;
}

/** What the adapter can do with these settings. */
export function openaiCapabilities(o: ResolvedOpenAiOptions): ProviderCapabilities {
  return {
    textInput: 'request',
    segmentAcks: true,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate: PCM_SAMPLE_RATE,
    sampleRates: [PCM_SAMPLE_RATE],
    encodings: ['pcm16', 'wav', 'mp3', 'opus', 'aac', 'flac'],
    maxCharsPerRequest: MAX_CHARS_PER_REQUEST,
    maxConcurrentRequests: o.maxConcurrentRequests,
  };
}

function handlers(ctx: ConnectionContext<ResolvedOpenAiOptions>, gate: RetryGate): ConnectionHandlers<SpeechStreamEvent, OpenAiConnectionExtras> {
  const o = ctx.options;
  const queue = new SegmentQueue<Pending>(ctx);
  let disposed = false;

  /** Forgets a reply's requests and aborts them (but `except`, which has ended already). */
  const abortReply = (utteranceId: string, except?: Pending): void => {
    for (const pending of queue.drop(utteranceId)) if (pending !== except) pending.controller.abort();
  };

  const run = (pending: Pending, text: string): void => {
    const { utteranceId, segmentId, controller } = pending;
    streamSpeech(o, ctx.apiKey, text, controller.signal, {
      audio: (pcm) => ctx.emit({ type: 'audio', utteranceId, segmentId, pcm, sampleRate: PCM_SAMPLE_RATE }),
      retryAfter: (ms) => gate.hold(ms),
    }).then(
      () => {
        if (!controller.signal.aborted) queue.done(pending);
      },
      (thrown: unknown) => {
        if (disposed || controller.signal.aborted) return;
        const error = SpeechError.from(thrown, 'provider', { provider: 'openai' });
        // A bad key or an empty account fails every request: the connection is unusable.
        if (error.code === 'auth' || error.code === 'quota') return ctx.fail(error);
        abortReply(utteranceId, pending);
        ctx.replyError(utteranceId, error, segmentId);
      },
    );
  };

  return {
    message: () => undefined, // no socket: events come from the requests
    send({ utteranceId, segmentId, text }) {
      // Nothing to say: OpenAI rejects an empty input. Done at once (the core keeps segments in order).
      if (text.trim() === '') return ctx.emit({ type: 'segment-done', utteranceId, segmentId });
      if (text.length > MAX_CHARS_PER_REQUEST) {
        const error = new SpeechError('text-too-long', `OpenAI takes at most ${MAX_CHARS_PER_REQUEST} characters per request; got ${text.length}.`, {
          provider: 'openai',
          retryable: false,
        });
        abortReply(utteranceId);
        return ctx.replyError(utteranceId, error, segmentId);
      }
      const pending: Pending = { utteranceId, segmentId, controller: new AbortController() };
      queue.add(pending);
      gate.whenOpen(pending.controller.signal, () => run(pending, text));
    },
    finish: (utteranceId) => queue.finish(utteranceId),
    cancel: (utteranceId) => abortReply(utteranceId),
    dispose() {
      disposed = true;
      for (const pending of queue.items) pending.controller.abort();
    },
    extras: {
      get activeRequests() {
        return queue.length;
      },
    },
  };
}

/**
 * Creates an OpenAI text-to-speech provider (`POST /v1/audio/speech`, PCM at 24 kHz).
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { openai } from '@utter/openai';
 * speak('Hello there!', { provider: openai({ voice: 'coral' }) }).subscribe(console.log);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option (e.g. `instructions` with tts-1). A missing key is
 * reported by `connect()` (`auth`, naming OPENAI_API_KEY).
 */
export function openai(input?: OpenAiOptions): OpenAiProvider {
  // Registered before validation, so that no error (an invalid option included) can show the key.
  const apiKey = resolveApiKey((input as { apiKey?: unknown } | undefined)?.apiKey, apiKeyEnv);
  const options = resolveOpenAiOptions(parseProviderOptions(openaiOptionsSchema, input, OPENAI_IDENTITY) as OpenAiOptions);
  const gate = createRetryGate(options.scheduler);
  const protocol: WireProtocol<ResolvedOpenAiOptions, SpeechStreamEvent, OpenAiConnectionExtras> = {
    ...OPENAI_IDENTITY,
    messages: speechStreamEventSchema,
    connection: (ctx) => handlers(ctx, gate),
  };
  return {
    name: 'openai',
    capabilities: openaiCapabilities(options),
    ...(apiKey === undefined ? {} : { limiterKey: limiterKeyFor('openai', apiKey) }),
    async connect({ signal }: ConnectOptions): Promise<OpenAiConnection> {
      if (apiKey === undefined) throw missingApiKeyError(OPENAI_IDENTITY, apiKeyEnv);
      if (signal.aborted) throw new SpeechError('cancelled', 'Connecting to OpenAI was cancelled.', { provider: 'openai' });
      return createSocketlessConnection(protocol, options, apiKey);
    },
  };
}
