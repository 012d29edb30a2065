import type { AudioEvent, SpeechEvent } from '@utter/core';

/**
 * A chunk of mono PCM16 audio with its sample rate. {@link AudioEvent}s are PCM chunks, so the
 * audio operators (`resample`, `frames`, `pace`, `toWav`) accept either.
 */
export interface PcmChunk {
  /** Mono 16-bit samples. */
  readonly pcm: Int16Array;
  /** Samples per second. */
  readonly sampleRate: number;
}

/** True for a PCM chunk: an `audio` event or a plain `{ pcm, sampleRate }` object. */
export function isPcmChunk(value: unknown): value is PcmChunk {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { pcm?: unknown; sampleRate?: unknown; type?: unknown };
  return v.pcm instanceof Int16Array && typeof v.sampleRate === 'number' && (v.type === undefined || v.type === 'audio');
}

/** Items the audio operators take: speech events (non-audio ones pass or are skipped) or PCM chunks. */
export type AudioInput = SpeechEvent | PcmChunk;

/** Narrowing helper for an `audio` event. */
export function isAudioEvent(value: SpeechEvent): value is AudioEvent {
  return value.type === 'audio';
}
