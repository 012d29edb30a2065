/**
 * @packageDocumentation
 * `@utter/upliftai`: utter adapter for Uplift AI's realtime text-to-speech (Urdu), over its plain
 * WebSocket multi-stream endpoint.
 */
export { upliftai, type UpliftAiProvider, type UpliftConnection } from './provider.js';
export { apiKeyEnv, upliftaiOptionsSchema, DEFAULT_BASE_URL, DEFAULT_VOICE, WEBSOCKET_PATH, type UpliftAiOptions } from './options.js';
export {
  UPLIFTAI_OUTPUT_FORMATS,
  SUPPORTED_OUTPUT_FORMATS,
  MAX_CHARS_PER_REQUEST,
  synthesizeSchema,
  cancelSchema,
  upliftClientMessageSchema,
  upliftServerMessageSchema,
  codeForUpliftError,
  parseServerMessage,
  splitText,
  type UpliftOutputFormat,
  type SupportedUpliftOutputFormat,
  type SynthesizeMessage,
  type CancelMessage,
  type UpliftClientMessage,
  type UpliftServerMessage,
} from './protocol.js';
