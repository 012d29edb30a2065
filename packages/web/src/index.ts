/**
 * @packageDocumentation
 * `@utter/web`: utter in the browser. A streaming speech player on an AudioWorklet
 * ({@link createSpeechPlayer}) that resamples, pre-rolls, plays segments back to back and stops
 * with the exact position heard; a client of the speech wire format ({@link connectSpeech}) that
 * surfaces words when they are heard and reports playback to the server for barge-in. The server
 * side lives in `@utter/web/server` (this entry imports nothing from Node).
 */
export { createSpeechPlayer, SpeechPlayer } from './player/player.js';
export type { SpeechPlayerOptions, PlaybackPosition, StopResult, SpeechPlayerEvents, PlayerStats } from './player/player.js';
export type { ChunkRecord } from './player/worklet.js';
export { StreamResampler } from './player/resampler.js';
export { connectSpeech, playSpeechResponse, SpeechClient } from './client.js';
export type { SpeechClientOptions, SpeechResponseOptions, SpeechTransport, Interruption } from './client.js';
export { encodeStreamFrame, StreamFrameDecoder, SPEECH_STREAM_CONTENT_TYPE } from './stream-frames.js';
export * from './wire.js';
