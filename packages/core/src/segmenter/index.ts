/**
 * Streaming text segmentation: LLM tokens in, speakable segments out.
 * @packageDocumentation
 */
export { createSegmenter, segmentText } from './segmenter.js';
export { toSpeakable, mapSpeakableOffset } from './speakable.js';
export type { SpeakableOptions, SpeakableText } from './speakable.js';
export { SegmenterOptionsError } from './types.js';
export type { CutReason, Granularity, Segment, Segmenter, SegmenterOptions } from './types.js';
