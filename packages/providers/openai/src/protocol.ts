/**
 * OpenAI's speech endpoint (`POST /v1/audio/speech`) as zod schemas: the request body, the SSE events
 * of `stream_format: 'sse'`, the error body, and the mapping of HTTP statuses and error events to
 * typed {@link SpeechError}s. Sources: the API reference of `audio/speech` (CreateSpeechRequest), the
 * error-codes guide; see docs/providers/openai.md for what is assumed.
 */
import { z } from 'zod';
import { SpeechError, redact, type SpeechErrorCode } from '@utter/core/provider';

/** Provider name and label, for errors. */
export const OPENAI_IDENTITY = { name: 'openai', label: 'OpenAI' } as const;

/** Maximum characters of `input` in one request. */
export const MAX_CHARS_PER_REQUEST = 4096;
/** Sample rate of `response_format: 'pcm'` (s16le mono, no header). */
export const PCM_SAMPLE_RATE = 24_000;

/** Client -> server: the JSON body of one request. */
export const speechRequestSchema = z
  .object({
    model: z.string().min(1),
    input: z.string().min(1).max(MAX_CHARS_PER_REQUEST),
    voice: z.union([z.string().min(1), z.object({ id: z.string().min(1) }).strict()]),
    instructions: z.string().min(1).optional(),
    response_format: z.literal('pcm'),
    speed: z.number().min(0.25).max(4).optional(),
    stream_format: z.enum(['audio', 'sse']).optional(),
  })
  .strict();
/** The request body. */
export type SpeechRequest = z.infer<typeof speechRequestSchema>;

/** Server -> client (SSE): a chunk of audio, base64. */
export const speechAudioDeltaSchema = z.object({ type: z.literal('speech.audio.delta'), audio: z.string() }).passthrough();
/** Server -> client (SSE): the audio is complete; usage in tokens. */
export const speechAudioDoneSchema = z
  .object({
    type: z.literal('speech.audio.done'),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() }).passthrough().optional(),
  })
  .passthrough();
/** The `error` object of an error body or error event. */
export const apiErrorSchema = z
  .object({
    message: z.string().optional(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  })
  .passthrough();
/** Server -> client (SSE): an error in the middle of the stream (shape assumed: OpenAI's `error` event). */
export const speechErrorEventSchema = z
  .object({ type: z.literal('error'), error: apiErrorSchema.optional(), message: z.string().optional(), code: z.string().nullish() })
  .passthrough();

/** Any SSE event the adapter understands. */
export const speechStreamEventSchema = z.discriminatedUnion('type', [speechAudioDeltaSchema, speechAudioDoneSchema, speechErrorEventSchema]);
/** An SSE event. */
export type SpeechStreamEvent = z.infer<typeof speechStreamEventSchema>;
/** The event types of {@link speechStreamEventSchema}; other types are ignored (forward compatibility). */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(['speech.audio.delta', 'speech.audio.done', 'error']);

/** The body of an HTTP error: `{ error: { message, type, param, code } }`. */
export const errorBodySchema = z.object({ error: apiErrorSchema }).passthrough();
/** An HTTP error body. */
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * Decodes one SSE `data` payload: the typed event, `undefined` for an event type this adapter does not
 * know (ignored), or a retryable `protocol` SpeechError for data that is not JSON or a malformed event.
 */
export function decodeStreamEvent(data: string): SpeechStreamEvent | undefined | SpeechError {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return new SpeechError('protocol', `OpenAI sent an event that is not JSON (${data.length} characters).`, { provider: 'openai', retryable: true });
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !KNOWN_EVENT_TYPES.has(type)) return undefined;
  const parsed = speechStreamEventSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  return new SpeechError('protocol', `OpenAI sent a malformed ${typeof type === 'string' ? `${JSON.stringify(type.slice(0, 40))} ` : ''}event.`, {
    provider: 'openai',
    retryable: true,
  });
}

/**
 * Makes a provider message safe to show: registered secrets and key-like query values redacted (first),
 * masked key fragments that OpenAI echoes (`sk-abc***...xyz`) removed, then cut to 300 characters.
 */
export function safeMessage(message: string): string {
  return redact(message)
    .replace(/\b(?:sk|rk|pk|sess)-[A-Za-z0-9_*.-]{4,}/g, '[redacted]')
    .slice(0, 300);
}

/** Milliseconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date); undefined without. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (Number.isFinite(Number(value))) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What {@link errorFromStatus} needs about a failed response. */
export interface FailedResponse {
  readonly status: number;
  /** The body as text (maybe JSON). */
  readonly body: string;
  /** `retry-after` in ms, when the response had one. */
  readonly retryAfterMs?: number;
  /** OpenAI's `x-request-id` (not secret; useful to OpenAI support). */
  readonly requestId?: string | null;
  /** Longest `retry-after` still worth waiting for; longer makes the error not retryable. */
  readonly maxRetryAfterMs: number;
}

function errorCodeFor(status: number, error: z.infer<typeof apiErrorSchema> | undefined, message: string): [SpeechErrorCode, boolean] {
  const code = typeof error?.code === 'string' ? error.code : '';
  const type = error?.type ?? '';
  if (status === 401 || status === 403) return ['auth', false];
  if (status === 413 || code === 'string_too_long' || /string_too_long|at most 4096|too long|maximum (?:input )?length/i.test(message)) return ['text-too-long', false];
  if (status === 429 || code === 'insufficient_quota' || type === 'insufficient_quota') {
    if (code === 'insufficient_quota' || type === 'insufficient_quota' || /quota|billing|credit/i.test(message)) return ['quota', false];
    return ['rate-limit', true];
  }
  if (status === 400 || status === 404 || status === 422) return ['invalid-input', false];
  if (status === 408 || status === 409) return ['provider', true];
  if (status >= 500) return ['provider', true];
  return ['provider', false];
}

/**
 * The SpeechError for an HTTP error response: 401/403 `auth`; 413 or a too-long input `text-too-long`;
 * 429 `rate-limit` (retryable unless `retry-after` exceeds the maximum) or `quota` (insufficient_quota);
 * 400/404/422 `invalid-input`; 408/409/5xx `provider` (retryable); other statuses `provider`.
 */
export function errorFromStatus(response: FailedResponse): SpeechError {
  let error: z.infer<typeof apiErrorSchema> | undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(response.body));
    if (parsed.success) error = parsed.data.error;
  } catch {
    // not JSON: the text is the message
  }
  const raw = error?.message ?? response.body;
  const message = safeMessage(raw.trim());
  let [code, retryable] = errorCodeFor(response.status, error, raw);
  const wait = response.retryAfterMs;
  if (retryable && wait !== undefined && wait > response.maxRetryAfterMs) retryable = false;
  const hints: string[] = [];
  if (code === 'auth') hints.push('check OPENAI_API_KEY');
  if (code === 'invalid-input' && response.status === 404) hints.push('check model and baseUrl');
  if (wait !== undefined) hints.push(`retry after ${Math.ceil(wait)} ms`);
  if (response.requestId) hints.push(`request ${safeMessage(response.requestId).slice(0, 80)}`);
  const detail = `${message || 'no message'}${hints.length > 0 ? ` (${hints.join('; ')})` : ''}`;
  const providerCode = typeof error?.code === 'string' && error.code !== '' ? error.code : response.status;
  return new SpeechError(code, `OpenAI HTTP ${response.status}: ${detail}`, { provider: 'openai', retryable, providerCode });
}

/** The SpeechError for an `error` event in an SSE stream (a server-side failure mid-stream: retryable). */
export function errorFromMessage(event: Extract<SpeechStreamEvent, { type: 'error' }>): SpeechError {
  const raw = event.error?.message ?? event.message ?? 'unknown error';
  const providerCode = (typeof event.error?.code === 'string' ? event.error.code : undefined) ?? event.code ?? undefined;
  const [code, retryable] = errorCodeFor(providerCode === 'rate_limit_exceeded' ? 429 : 500, event.error, raw);
  return new SpeechError(code, `OpenAI stream error: ${safeMessage(raw)}`, {
    provider: 'openai',
    retryable,
    ...(providerCode ? { providerCode } : {}),
  });
}
