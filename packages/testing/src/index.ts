/**
 * @packageDocumentation
 * `@utter/testing`: protocol-faithful test servers for realtime TTS providers, fault injection,
 * and a conformance suite for utter adapters.
 */
export * from './base/index.js';
export * from './servers/murmr-buffer.js';
export * from './servers/murmr.js';
export * from './servers/murf.js';
export * from './servers/munsit.js';
export * from './servers/munsit-http.js';
export * from './servers/upliftai.js';
export * from './servers/deepgram.js';
export * from './servers/elevenlabs.js';
export * from './servers/openai.js';
export * from './servers/cartesia.js';
export * from './adapter-helpers.js';
