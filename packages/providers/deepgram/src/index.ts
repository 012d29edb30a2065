/**
 * @packageDocumentation
 * `@utter/deepgram`: the utter adapter for Deepgram Aura's streaming text-to-speech WebSocket
 * (`wss://api.deepgram.com/v1/speak`).
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { deepgram } from '@utter/deepgram';
 * speak(llmTokens, { provider: deepgram({ model: 'aura-2-thalia-en' }) }).subscribe(play);
 * ```
 */
export { deepgram, type DeepgramProvider } from './provider.js';
export {
  apiKeyEnv,
  deepgramOptionsSchema,
  resolveDeepgramOptions,
  DEEPGRAM_URL,
  DEFAULT_MODEL,
  DEEPGRAM_FLUSH_LIMIT,
  DEEPGRAM_FLUSH_WINDOW_MS,
  type DeepgramOptions,
  type ResolvedDeepgramOptions,
} from './options.js';
export { FlushBudget } from './flush.js';
export {
  DEEPGRAM_ENCODINGS,
  DEEPGRAM_SAMPLE_RATES,
  G711_SAMPLE_RATES,
  DEEPGRAM_MAX_SPEAK_CHARS,
  DEEPGRAM_CLOSE_CODES,
  EXCESSIVE_FLUSH,
  deepgramClientMessageSchema,
  deepgramServerMessageSchema,
  speakMessageSchema,
  flushMessageSchema,
  clearMessageSchema,
  closeMessageSchema,
  metadataMessageSchema,
  flushedMessageSchema,
  clearedMessageSchema,
  warningMessageSchema,
  errorMessageSchema,
  isFlushRateWarning,
  codeForDeepgramError,
  errorFromMessage,
  errorFromStatus,
  type DeepgramEncoding,
  type DeepgramSampleRate,
  type DeepgramClientMessage,
  type DeepgramServerMessage,
  type DeepgramWarningMessage,
  type DeepgramErrorMessage,
} from './protocol.js';
