/**
 * The conformance suite's "what the listener heard" assertions: decodes a reply's audio (tagged test
 * audio) and fails on a mid-generation splice, a missing word, more than one repeated word, or audio
 * that is not the server's.
 */
import { expect } from 'vitest';
import type { SpeechEvent } from '@utter/core';
import type { Generation } from '../base/recorder.js';
import { checkHeard, type HeardJudgement, type HeardRun } from '../base/heard.js';

/** A multi-sentence reply whose second sentence a fault breaks off in the middle of a word. */
export const RECOVERY_TEXT =
  'Recovery must resume at a word. The second sentence is the one that breaks off in the middle, somewhere inside a word. ' +
  'The third sentence ends the reply.';

/**
 * Audio chunks after which the recovery checks drop the connection or send a server error: at the
 * servers' defaults (40 ms chunks, 60 ms per character, so 2/3 of a character per chunk) about 59.3
 * characters into a reply whose segments are synthesized one after another: inside "one" of the
 * second sentence.
 */
export const RECOVERY_FAULT_AFTER_CHUNKS = 89;

/** The decoded runs and the judgement of one reply. */
export type HeardReport = HeardJudgement & { readonly runs: readonly HeardRun[]; readonly sampleRate: number };

/** Decodes and judges the audio of `events` (one reply) against `text` and the server's generations. */
export function heardReply(events: readonly SpeechEvent[], text: string, generations: readonly Generation[], msPerChar: number): HeardReport {
  const audio = events.filter((e): e is Extract<SpeechEvent, { type: 'audio' }> => e.type === 'audio');
  const rates = new Set(audio.map((e) => e.sampleRate));
  expect(rates.size, 'the reply changed sample rate mid-way').toBeLessThanOrEqual(1);
  const sampleRate = audio[0]?.sampleRate ?? 24_000;
  const report = checkHeard(
    audio.map((e) => e.pcm),
    text,
    generations,
    { sampleRate, msPerChar },
  );
  return { ...report, sampleRate };
}

/**
 * Every word heard once (at most the one cut word twice), no splice, nothing foreign. The failure
 * message carries the decoded runs (`g3[~17..40)`: generation 3, characters 17 to 40, entered inside
 * the audio of character 17). `maxRepeated`: words that may be heard twice — 1 (the cut word) for a
 * provider with word timings; a provider without them resumes at an estimated word, which may be one
 * word early.
 */
export function expectHeardOnce(report: HeardReport, maxRepeated = 1): void {
  const runs = `heard: ${report.summary}`;
  expect(report.foreignSamples, `audio that is no test-server audio (a decoding bug?): ${runs}`).toBe(0);
  expect(report.splices.map((s) => s.description), `mid-generation splice: ${runs}`).toEqual([]);
  expect(report.missingWords.map((w) => w.word), `words never heard whole: ${runs}`).toEqual([]);
  expect(report.unexpectedWords, `words heard that are not in the text: ${runs}`).toEqual([]);
  expect(report.repeatedWords.length, `more than ${maxRepeated} word(s) heard twice (${report.repeatedWords.map((w) => w.word).join(', ')}): ${runs}`).toBeLessThanOrEqual(maxRepeated);
}
