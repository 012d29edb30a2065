/**
 * @packageDocumentation
 * `@utter/openai`: utter adapter for OpenAI's speech API (`POST /v1/audio/speech`, streamed PCM at
 * 24 kHz, one request per segment, pipelined).
 */
export { openai, openaiCapabilities, type OpenAiProvider, type OpenAiConnection, type OpenAiConnectionExtras } from './provider.js';
export {
  apiKeyEnv,
  openaiOptionsSchema,
  resolveOpenAiOptions,
  speechUrl,
  isTts1Model,
  DEFAULT_BASE_URL,
  DEFAULT_PATH_PREFIX,
  SPEECH_PATH,
  DEFAULT_MODEL,
  DEFAULT_VOICE,
  OPENAI_TTS_MODELS,
  OPENAI_VOICES,
  type OpenAiOptions,
  type ResolvedOpenAiOptions,
  type OpenAiSpeechModel,
  type OpenAiVoice,
  type OpenAiStreamFormat,
} from './options.js';
export {
  MAX_CHARS_PER_REQUEST,
  PCM_SAMPLE_RATE,
  KNOWN_EVENT_TYPES,
  speechRequestSchema,
  speechAudioDeltaSchema,
  speechAudioDoneSchema,
  speechErrorEventSchema,
  speechStreamEventSchema,
  apiErrorSchema,
  errorBodySchema,
  decodeStreamEvent,
  errorFromStatus,
  errorFromMessage,
  retryAfterMs,
  safeMessage,
  type SpeechRequest,
  type SpeechStreamEvent,
  type ErrorBody,
  type FailedResponse,
} from './protocol.js';
export { speechRequestBody, type SpeechStreamSink } from './http.js';
