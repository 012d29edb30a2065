import { filter } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { AudioEvent, SpeechEvent } from '@utter/core';

/**
 * Keeps only the audio: the `audio` events (PCM16 chunks with their sample rate and position).
 *
 * ```
 * events:   --s--A1--w--A2--e--E--|
 * audio():  -----A1------A2-------|
 * ```
 *
 * Completes and errors with its source; unsubscribing unsubscribes the source.
 *
 * @example
 * ```ts
 * tokens$.pipe(speak(espeak()), audio()).subscribe(({ pcm, sampleRate }) => player.write(pcm, sampleRate));
 * ```
 */
export function audio(): OperatorFunction<SpeechEvent, AudioEvent> {
  return filter((event: SpeechEvent): event is AudioEvent => event.type === 'audio');
}
