/**
 * The provider kit: shared plumbing for WebSocket adapters, so that an adapter is mostly declarations —
 * an options schema, an endpoint, capabilities, zod schemas of its wire messages and small mapping
 * handlers. See docs/providers/writing-an-adapter.md.
 */
export * from './options.js';
export * from './api-key.js';
export * from './wire.js';
export * from './segments.js';
export * from './connection.js';
export * from './define.js';
