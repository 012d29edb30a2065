/**
 * @packageDocumentation
 * `@utter/cartesia`: the utter adapter for Cartesia's realtime text-to-speech WebSocket
 * (`wss://api.cartesia.ai/tts/websocket`, Sonic models): a context per reply on one socket.
 */
export { cartesia, type CartesiaProvider, type CartesiaConnection, type CartesiaConnectionExtras } from './provider.js';
export {
  apiKeyEnv,
  cartesiaOptionsSchema,
  parseCartesiaOptions,
  resolveCartesiaOptions,
  CARTESIA_URL,
  CARTESIA_VERSIONS,
  CARTESIA_SAMPLE_RATES,
  CARTESIA_ENCODINGS,
  DEFAULT_CARTESIA_VERSION,
  DEFAULT_CARTESIA_MODEL,
  DEFAULT_CARTESIA_VOICE,
  type CartesiaOptions,
  type CartesiaVoiceById,
  type CartesiaGenerationConfig,
  type CartesiaClock,
  type CartesiaSampleRate,
  type CartesiaEncoding,
  type ResolvedCartesiaOptions,
} from './options.js';
export {
  CARTESIA_CLOSE_CODES,
  cartesiaServerMessageSchema,
  cartesiaClientMessageSchema,
  generationRequestSchema,
  cancelRequestSchema,
  outputFormatSchema,
  chunkSchema,
  timestampsSchema,
  phonemeTimestampsSchema,
  flushDoneSchema,
  doneSchema,
  errorSchema,
  errorFromMessage,
  errorFromClose,
  errorFromStatus,
  codeFromStatus,
  isContextExpired,
  type CartesiaServerMessage,
  type CartesiaClientMessage,
  type CartesiaErrorMessage,
  type GenerationRequest,
  type CancelRequest,
} from './protocol.js';
export { createAudioDecoder, type CartesiaAudioDecoder } from './decode.js';
