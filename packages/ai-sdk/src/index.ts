/**
 * @packageDocumentation
 * `@utter/ai-sdk`: speak Vercel AI SDK `streamText` results (ai 5, 6 and 7) while the model writes,
 * and use utter providers as AI SDK speech models.
 */
export { speak, SpeechStream } from './speak.js';
export type {
  SpeakOptions,
  SpeakWithProviderOptions,
  SpeakWithSessionOptions,
  SpeakSource,
  OwnedTextSource,
  AudioStreamOptions,
  SpeechResponseOptions,
} from './speak.js';
export type { AudioByteFormat } from './audio.js';
export { answerText, isStreamTextResult } from './text.js';
export type { TextSource, TextExtractionOptions } from './text.js';
export { speechModel } from './speech-model.js';
export type {
  SpeechModelOptions,
  UtterSpeechModelV4,
  UtterSpeechModelV3,
  UtterSpeechModelV2,
  SpeechModelCallOptionsLike,
  SpeechStreamOptionsLike,
  SpeechStreamPartLike,
  SpeechStreamTextPartLike,
  SpeechGenerateResultLike,
  SpeechWarningV4Like,
  SpeechWarningV2Like,
} from './speech-model.js';
export { speechTransform } from './transform.js';
export type { SpeechTransform, SpeechTransformOptions } from './transform.js';
export { writeSpeechToUIStream } from './ui.js';
export type { SpeechUIStreamOptions, SpeechUIOutcome } from './ui.js';
export type {
  StreamPartLike,
  TextDeltaPartLike,
  ErrorPartLike,
  StreamTextResultLike,
  StreamTextTransformLike,
  DataUIChunkLike,
  UIMessageStreamWriterLike,
  SpeechUIDataTypes,
  SpeechUIChunk,
  SpeechSegmentData,
  SpeechAudioData,
  SpeechInterruptedData,
  SpeechMetricsData,
  SpeechErrorData,
} from './types.js';
