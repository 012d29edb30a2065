/**
 * @packageDocumentation
 * `@utter/elevenlabs`: the utter adapter for ElevenLabs' realtime text-to-speech WebSockets
 * (`multi-stream-input`, a context per reply, and `stream-input`).
 */
export { elevenlabs, elevenlabsEndpoint, ELEVENLABS_SAMPLE_RATES, type ElevenLabsProvider, type ElevenLabsConnection } from './provider.js';
export type { ElevenLabsConnectionExtras } from './multi.js';
export {
  apiKeyEnv,
  elevenlabsOptionsSchema,
  parseElevenLabsOptions,
  sampleRateOf,
  ELEVENLABS_OUTPUT_FORMATS,
  ELEVENLABS_HOSTS,
  ELEVENLABS_MAX_CONTEXTS,
  DEFAULT_ELEVENLABS_VOICE,
  DEFAULT_ELEVENLABS_MODEL,
  DEFAULT_INACTIVITY_TIMEOUT_S,
  type ElevenLabsOptions,
  type ElevenLabsOutputFormat,
  type ElevenLabsRegion,
  type ElevenLabsVoiceSettings,
  type ElevenLabsPronunciationDictionary,
} from './options.js';
export {
  ServerMessage as ElevenLabsServerMessage,
  MultiClientMessage as ElevenLabsMultiClientMessage,
  SingleClientMessage as ElevenLabsSingleClientMessage,
  Alignment as ElevenLabsAlignment,
  ELEVENLABS_CLOSE_CODES,
  errorFromMessage,
  errorFromClose,
} from './protocol.js';
