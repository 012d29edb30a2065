/**
 * @packageDocumentation
 * `@utter/core`: the provider-agnostic realtime core of utter — what applications use: `speak()`,
 * sessions, `fallback()`, the streaming segmenter, the speech events, typed errors and the audio
 * utilities. Adapter authors import the provider kit from `@utter/core/provider`; test doubles are in
 * `@utter/core/testing`.
 */
export { SpeechError, isAbortError } from './errors.js';
export type { SpeechErrorCode, SpeechErrorOptions } from './errors.js';
export * from './events.js';
export type * from './provider.js';
export * from './audio/index.js';
export * from './segmenter/index.js';
export * from './session/types.js';
export * from './session/index.js';
export { inProcessLimits } from './limits/memory.js';
export type * from './limits/types.js';
