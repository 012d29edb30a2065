/**
 * @packageDocumentation
 * `@utter/munsit`: utter adapter for Munsit's realtime text-to-speech (Arabic), over its WebSocket
 * with an automatic fall-back to its HTTP streaming endpoint.
 */
export { munsit, type MunsitProvider, type MunsitConnection, type MunsitConnectionExtras, type MunsitProviderExtras } from './provider.js';
export {
  apiKeyEnv,
  munsitOptionsSchema,
  DEFAULT_BASE_URL,
  DEFAULT_HTTP_BASE_URL,
  type MunsitProviderState,
  DEFAULT_MODEL,
  DEFAULT_VOICE,
  WEBSOCKET_PATH,
  HTTP_PATH,
  type MunsitOptions,
} from './options.js';
export {
  MUNSIT_OUTPUT_FORMATS,
  munsitClientMessageSchema,
  initConnectionSchema,
  textMessageSchema,
  audioChunkSchema,
  munsitServerMessageSchema,
  errorFromMessage,
  errorMessageSchema,
  httpRequestBodySchema,
  codeForMunsitError,
  codeForHttpStatus,
  parseServerMessage,
  type MunsitOutputFormat,
  type MunsitClientMessage,
  type MunsitServerMessage,
} from './protocol.js';
