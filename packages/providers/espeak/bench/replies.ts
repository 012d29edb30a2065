/**
 * The workload shared by the concurrency bench (real engine) and the queue simulation (virtual time):
 * deterministic assistant replies cut into segments as the session engine cuts them, and how their
 * playback is judged.
 */
import { segmentText } from '@utter/core';
import { prepareText } from '../src/text.js';

/** How fast the replies' text arrives: ~60 tokens/s of ~4 characters. */
export const CHARS_PER_SECOND = 240;

/** Gaps in playback shorter than this are not stalls (timer jitter; a player buffers more than that). */
export const STALL_MIN_MS = 1;

const SENTENCES = [
  'Sure, here is a quick overview of how the process works.',
  'First, open the settings page and select the account you want to change.',
  'The update usually takes effect within a few minutes, but it can take up to an hour during busy periods.',
  'If you see an error message, try signing out and back in again.',
  'That should fix it.',
  'The main difference between the two plans is the amount of storage and the number of team members you can invite.',
  'Most people find the basic plan is enough when they are just getting started.',
  'You can always upgrade later without losing any of your data.',
  'Let me know if you would like a step by step guide.',
  'Great question!',
  'In short, yes, you can run it offline once the models are installed on your machine.',
  'The recipe needs two cups of flour, one egg, a pinch of salt and about half a cup of milk.',
  'Mix the dry ingredients first, then whisk in the egg and the milk until the batter is smooth.',
  'Bake it for twenty five minutes, or until the top is golden brown.',
  'Happy to help with anything else.',
  'The train leaves at a quarter past nine from platform four, and the journey takes about two hours.',
  'I would recommend booking a seat in advance, since the morning trains are often full.',
  'Here are three things to keep in mind.',
  'Keep your answers short and specific, and give an example whenever you can.',
  'Finally, remember to follow up with a short thank you note after the interview.',
];

export interface Reply {
  /** When it starts, in ms from the start of the run. */
  readonly startMs: number;
  /** Its segments: the text sent to the engine, and when the LLM has written it (ms from the start of the run). */
  readonly segments: readonly { readonly text: string; readonly availableMs: number }[];
}

/**
 * `count` replies of 3-5 sentences (seeded: the same every run), starting at random within
 * `spreadMs`, cut by `@utter/core`'s segmenter; a segment is available once its last character has
 * been written at {@link CHARS_PER_SECOND}.
 */
export function makeReplies(count: number, spreadMs: number): Reply[] {
  const replies: Reply[] = [];
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < count; i++) {
    const sentences = 3 + Math.floor(random() * 3);
    const start = Math.floor(random() * SENTENCES.length);
    const text = Array.from({ length: sentences }, (_, k) => SENTENCES[(start + k * 3) % SENTENCES.length]).join(' ');
    const startMs = random() * spreadMs;
    const segments = segmentText(text)
      .filter((segment) => segment.speakable.trim() !== '')
      .map((segment) => ({ text: prepareText(segment.speakable, false).sent, availableMs: startMs + (segment.end / CHARS_PER_SECOND) * 1000 }));
    replies.push({ startMs, segments });
  }
  return replies;
}

/** A chunk of a reply's audio: when it arrived, and how long it plays. */
export interface Chunk {
  readonly at: number;
  readonly ms: number;
}

/**
 * Plays a reply's chunks (in segment order) in real time from its first one: a stall is a chunk
 * arriving after the audio before it has run out. Returns their count and total length.
 */
export function playback(segments: readonly (readonly Chunk[])[]): { stalls: number; stallMs: number } {
  let clock = Number.NaN; // when the audio produced so far runs out
  let stalls = 0;
  let stallMs = 0;
  for (const chunks of segments) {
    for (const chunk of chunks) {
      if (Number.isNaN(clock)) clock = chunk.at;
      else if (chunk.at - clock >= STALL_MIN_MS) {
        stalls++;
        stallMs += chunk.at - clock;
        clock = chunk.at;
      } else clock = Math.max(clock, chunk.at);
      clock += chunk.ms;
    }
  }
  return { stalls, stallMs };
}

/** The `q` quantile (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
