/**
 * Transport helpers: a WebSocket client with typed errors and cancellation, and exponential backoff.
 */
export { connectWebSocket } from './websocket.js';
export type {
  ConnectWebSocketOptions,
  WebSocketCloseInfo,
  WebSocketConnection,
  WebSocketImplementation,
  WebSocketMessage,
} from './websocket.js';
export { backoffDelay, retryBackoff, isRetryableError } from './backoff.js';
export type { BackoffJitter, BackoffOptions, RetryBackoffOptions } from './backoff.js';
