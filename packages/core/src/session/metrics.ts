/**
 * Metrics of a reply: time to first audio (from the first token and from the first text sent),
 * durations, real-time factor, characters sent and wasted, retries, per-segment figures.
 * @internal
 */
import type { SegmentMetrics, UtteranceMetrics } from '../events.js';
import type { SegmentState } from './segment-state.js';
import { msOf } from './time.js';

/** The moments and counts a reply records (what is sent is read from the segments). @internal */
export interface ReplyTimeline {
  readonly startedAt: number;
  readonly firstTokenAt: number | undefined;
  readonly firstAudioAt: number | undefined;
  readonly lastAudioAt: number | undefined;
  readonly retries: number;
  readonly provider: string;
}

/** Builds a reply's metrics at `now`. @internal */
export function replyMetrics(t: ReplyTimeline, segments: readonly SegmentState[], emitted: number, rate: number, now: number, wastedCharacters: number): UtteranceMetrics {
  const audioDurationMs = msOf(emitted, rate);
  const from = t.firstTokenAt ?? t.startedAt;
  let firstSentAt: number | undefined;
  let charsSent = 0;
  for (const s of segments) {
    charsSent += s.charsSent;
    if (s.firstSentAt !== undefined) firstSentAt = Math.min(firstSentAt ?? s.firstSentAt, s.firstSentAt);
  }
  const segmentMetrics: SegmentMetrics[] = segments.map((s) => ({
    segmentId: s.index,
    characters: s.charsSent,
    timeToFirstByteMs: s.firstSentAt !== undefined && s.firstAudioAt !== undefined ? s.firstAudioAt - s.firstSentAt : undefined,
    audioMs: msOf(s.emitted, rate),
  }));
  const synthMs = firstSentAt !== undefined && t.lastAudioAt !== undefined ? t.lastAudioAt - firstSentAt : undefined;
  return {
    timeToFirstAudioMs: t.firstAudioAt !== undefined ? t.firstAudioAt - from : undefined,
    timeToFirstAudioFromTextMs: t.firstAudioAt !== undefined && firstSentAt !== undefined ? t.firstAudioAt - firstSentAt : undefined,
    audioDurationMs,
    totalMs: now - from,
    realTimeFactor: synthMs !== undefined && audioDurationMs > 0 ? synthMs / audioDurationMs : undefined,
    charactersSent: charsSent,
    retries: t.retries,
    wastedCharacters,
    segments: segmentMetrics,
    provider: t.provider,
  };
}
