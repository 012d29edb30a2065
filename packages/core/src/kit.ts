/**
 * @packageDocumentation
 * `@utter/core/provider`: what adapter authors need — the provider contract, the provider kit
 * (`defineWebSocketProvider`, option and key helpers, wire decoding, segment queues), the WebSocket
 * transport and backoff, and secret registration. Applications import `@utter/core` instead.
 * See docs/providers/writing-an-adapter.md.
 */
export * from './provider.js';
export * from './provider-kit/index.js';
export * from './transport/index.js';
export { SpeechError, registerSecret, redact, redactAndTruncate, redactUrl, isAbortError } from './errors.js';
export type { SpeechErrorCode, SpeechErrorOptions } from './errors.js';
export * from './audio/index.js';
