/**
 * @packageDocumentation
 * `@utter/rxjs`: pipeable RxJS operators over utter's session engine.
 *
 * ```ts
 * llmTokens$.pipe(speak(espeak()), interruptOn(userSpeaking$), audio())
 * ```
 */
export { speak } from './speak.js';
export type { SpeakOperatorOptions } from './speak.js';
export { speakReplies } from './speak-replies.js';
export type { SpeakRepliesOptions, ReplyPolicy } from './speak-replies.js';
export { interruptOn } from './interrupt-on.js';
export { segment } from './segment.js';
export { audio } from './audio.js';
export { toWav } from './to-wav.js';
export type { ToWavOptions } from './to-wav.js';
export { resample } from './resample.js';
export { frames } from './frames.js';
export type { FramesOptions } from './frames.js';
export { pace } from './pace.js';
export type { PaceOptions } from './pace.js';
export { isPcmChunk } from './internal/pcm.js';
export type { PcmChunk, AudioInput } from './internal/pcm.js';
export type { OperatorSessionOptions, SpeechTarget } from './internal/target.js';
