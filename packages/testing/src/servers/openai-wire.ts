/**
 * What the OpenAI speech test server knows about the wire: the request body (validated with zod, as
 * strictly as the real API), the error bodies it answers with, and the SSE events it streams.
 * Written from OpenAI's API reference independently of the adapter (servers share no code with clients).
 */
import { z } from 'zod';
import { countChars } from '../base/pcm.js';

/** Models the test server accepts (others get 404 `model_not_found`). */
export const OPENAI_TEST_MODELS = ['gpt-4o-mini-tts', 'gpt-4o-mini-tts-2025-12-15', 'tts-1', 'tts-1-hd'] as const;
/** Built-in voices the test server accepts (and any custom voice `{ id }`). */
export const OPENAI_TEST_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;
/** Response formats the API documents; the test server only streams `pcm` (24 kHz s16le mono). */
export const OPENAI_RESPONSE_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
/** The maximum `input` length. */
export const OPENAI_MAX_INPUT_CHARS = 4096;
/** The endpoint path. */
export const OPENAI_SPEECH_PATH = '/v1/audio/speech';

/** The request body of `POST /v1/audio/speech` (unknown fields are rejected, as the API does). */
export const openAiSpeechBodySchema = z
  .object({
    model: z.string().min(1),
    input: z.string().min(1),
    voice: z.union([z.string().min(1), z.object({ id: z.string().min(1) }).strict()]),
    instructions: z.string().optional(),
    response_format: z.enum(OPENAI_RESPONSE_FORMATS).optional(),
    speed: z.number().min(0.25).max(4).optional(),
    stream_format: z.enum(['audio', 'sse']).optional(),
  })
  .strict();
/** A parsed request body. */
export type OpenAiSpeechBody = z.infer<typeof openAiSpeechBodySchema>;

/** An error the server answers with: status, OpenAI's error object, extra headers. */
export interface OpenAiErrorAnswer {
  readonly status: number;
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null };
  readonly headers?: Readonly<Record<string, string>>;
}

/** OpenAI echoes a masked key in its 401 message: the first 3 and last 4 characters (assumed shape). */
export function maskKey(key: string): string {
  if (key.length <= 8) return '****';
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(40, key.length - 7))}${key.slice(-4)}`;
}

/** The 401 for a missing or wrong key. */
export function invalidKeyAnswer(given: string | undefined): OpenAiErrorAnswer {
  return {
    status: 401,
    error: {
      message:
        given === undefined
          ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
          : `Incorrect API key provided: ${maskKey(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: 'invalid_request_error',
      param: null,
      code: given === undefined ? null : 'invalid_api_key',
    },
  };
}

/** The 429 of a rate limit, with `retry-after-ms`/`retry-after` headers. */
export function rateLimitAnswer(retryAfterMs: number): OpenAiErrorAnswer {
  return {
    status: 429,
    error: {
      message: `Rate limit reached for gpt-4o-mini-tts on requests per min (RPM): Limit 50, Used 50, Requested 1. Please try again in ${retryAfterMs}ms.`,
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
    headers: { 'retry-after-ms': String(retryAfterMs), 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  };
}

/** The 429 of an account without credit (not a rate limit: retrying does not help). */
export const QUOTA_ANSWER: OpenAiErrorAnswer = {
  status: 429,
  error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
};

/** The 400 for an input over 4096 characters. */
export function inputTooLongAnswer(length: number): OpenAiErrorAnswer {
  return {
    status: 400,
    error: {
      message: `[{'type': 'string_too_long', 'loc': ('body', 'input'), 'msg': 'String should have at most ${OPENAI_MAX_INPUT_CHARS} characters', 'input_length': ${length}}]`,
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  };
}

/** A 400 for an invalid body. */
export function invalidRequestAnswer(message: string, param: string | null): OpenAiErrorAnswer {
  return { status: 400, error: { message, type: 'invalid_request_error', param, code: null } };
}

/** The 500 of a server failure. */
export const SERVER_ERROR_ANSWER: OpenAiErrorAnswer = {
  status: 500,
  error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null },
};

/** The 503 of an overloaded engine. */
export const OVERLOADED_ANSWER: OpenAiErrorAnswer = {
  status: 503,
  error: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', param: null, code: null },
  headers: { 'retry-after': '1' },
};

/** The answer for an arbitrary status (the `upgradeStatus` fault); `givenKey` is the key the client sent. */
export function answerForStatus(status: number, givenKey: string | undefined): OpenAiErrorAnswer {
  if (status === 401) return invalidKeyAnswer(givenKey);
  if (status === 429) return rateLimitAnswer(20);
  if (status === 503) return OVERLOADED_ANSWER;
  if (status >= 500) return { ...SERVER_ERROR_ANSWER, status };
  if (status === 403) return { status, error: { message: 'Country, region, or territory not supported', type: 'request_forbidden', param: null, code: 'unsupported_country_region_territory' } };
  if (status === 404) return { status, error: { message: 'The model `x` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' } };
  return invalidRequestAnswer(`Request failed with status ${status}`, null);
}

/** One SSE event as written on the wire. */
export function sseEvent(data: object | string): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** The parsed body, or what the real API would answer (a string: a 400 with that message). */
export function checkSpeechBody(json: unknown): OpenAiSpeechBody | OpenAiErrorAnswer | string {
  if (json === undefined) return 'We could not parse the JSON body of your request.';
  const parsed = openAiSpeechBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalidRequestAnswer(`${issue?.path.join('.') ?? 'body'}: ${issue?.message ?? 'invalid'}`, issue?.path.join('.') ?? null);
  }
  const body = parsed.data;
  if (!(OPENAI_TEST_MODELS as readonly string[]).includes(body.model)) {
    return { status: 404, error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } };
  }
  if (typeof body.voice === 'string' && !(OPENAI_TEST_VOICES as readonly string[]).includes(body.voice)) return invalidRequestAnswer(`Invalid voice: ${body.voice}`, 'voice');
  const length = countChars(body.input);
  if (length > OPENAI_MAX_INPUT_CHARS) return inputTooLongAnswer(length);
  const tts1 = body.model.startsWith('tts-1');
  if (tts1 && body.instructions !== undefined) return invalidRequestAnswer(`instructions is not supported for ${body.model}.`, 'instructions');
  if (tts1 && body.stream_format === 'sse') return invalidRequestAnswer(`stream_format sse is not supported for ${body.model}.`, 'stream_format');
  if ((body.response_format ?? 'mp3') !== 'pcm') return invalidRequestAnswer('this test server streams response_format "pcm" only', 'response_format');
  return body;
}
