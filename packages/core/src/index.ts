/**
 * @packageDocumentation
 * `@utter/core`: the provider-agnostic realtime core of utter.
 */
export * from './errors.js';
export * from './events.js';
export * from './provider.js';
export * from './audio/index.js';
export * from './transport/index.js';
export * from './segmenter/index.js';
export * from './session/types.js';
export * from './session/index.js';
export * from './provider-kit/index.js';
