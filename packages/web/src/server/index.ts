/**
 * @packageDocumentation
 * `@utter/web/server`: the server side of utter's browser speech wire format. Relays a speech
 * session's (or an AI SDK `speak()` stream's) events to a browser over a WebSocket and feeds its
 * playback reports and barge-in back, so `interrupted.spokenText` is what the listener heard.
 */
export { createSpeechLink } from './link.js';
export type {
  SpeechLink,
  SpeechLinkOptions,
  SpeechSessionLike,
  SpeechStreamLike,
  SubscribableLike,
  ReplyControls,
  RelayOutcome,
} from './link.js';
export { attachSpeechSocket } from './socket.js';
export type { SpeechSocketLike } from './socket.js';
export * from '../wire.js';
export { toSpeechResponse } from './response.js';
export type { SpeechResponseInit } from './response.js';
export * from '../stream-frames.js';
