/**
 * Test-only helpers of the OpenAI adapter's tests: decoding the generation-tagged test audio into what
 * the listener heard. (Not exported from the package.)
 */
import type { ConnectionEvent, SpeechEvent } from '@utter/core';

/** A run of identical tags: which generation (server id) and which character of its text. */
export interface HeardRun {
  readonly generation: number;
  readonly char: number;
  readonly samples: number;
}

/** Decodes tagged samples (`generationTag`: bits 8..14 generation mod 120 + 1, bits 0..7 char index) into runs. */
export function heardRuns(pcm: Int16Array): HeardRun[] {
  const runs: HeardRun[] = [];
  let last: { generation: number; char: number; samples: number } | undefined;
  for (const v of pcm) {
    const generation = (v >> 8) - 1;
    const char = v & 0xff;
    if (last && last.generation === generation && last.char === char) last.samples++;
    else {
      last = { generation, char, samples: 1 };
      runs.push(last);
    }
  }
  return runs;
}

/** The generations heard, in order of first appearance. */
export function generationsHeard(pcm: Int16Array): number[] {
  const out: number[] = [];
  for (const run of heardRuns(pcm)) if (out.at(-1) !== run.generation) out.push(run.generation);
  return out;
}

/** The audio of speech or connection events (optionally of one segment), joined. */
export function joinedAudio(events: readonly (SpeechEvent | ConnectionEvent)[], segmentId?: number): Int16Array {
  const parts = events.flatMap((e) => (e.type === 'audio' && (segmentId === undefined || e.segmentId === segmentId) ? [e.pcm] : []));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
