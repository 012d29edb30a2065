import { expect } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import type { AudioEvent, SpeechEvent, UtteranceMetrics } from '@utter/core';

/** A TestScheduler asserting with vitest's deep equality. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** An audio event of `samples` samples, each equal to `value`. */
export function audioEvent(value: number, samples = 4, sampleRate = 1000, utteranceId = 'u1', offsetMs = 0): AudioEvent {
  return { type: 'audio', utteranceId, segmentId: 0, pcm: new Int16Array(samples).fill(value), sampleRate, offsetMs };
}

export const metrics: UtteranceMetrics = {
  timeToFirstAudioMs: undefined,
  timeToFirstAudioFromTextMs: undefined,
  audioDurationMs: 0,
  totalMs: 0,
  realTimeFactor: undefined,
  charactersSent: 0,
  retries: 0,
  wastedCharacters: 0,
  segments: [],
  provider: 'test',
};

export function segmentEvent(text: string, utteranceId = 'u1'): SpeechEvent {
  return { type: 'segment', utteranceId, segmentId: 0, text, start: 0, end: text.length, speakable: text, reason: 'end' };
}

export function endEvent(text: string, utteranceId = 'u1'): SpeechEvent {
  return { type: 'utterance-end', utteranceId, text, metrics };
}

export function interruptedEvent(spokenText: string, utteranceId = 'u1'): SpeechEvent {
  return { type: 'interrupted', utteranceId, spokenText, spokenEnd: spokenText.length, playedMs: 0, basis: 'estimate', metrics };
}
