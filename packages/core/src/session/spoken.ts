/**
 * Spoken-text accounting: which part of a reply's text a listener has heard after a given amount of
 * its audio was played. Pure functions of the segments' state, used for `interrupted.spokenText`, for
 * wasted-character metrics and by the recovery planner (where to resume after a failure).
 *
 * A word counts as heard once its audio has been played to its end: by the provider's word timings
 * when there are any, else by an estimate that spreads each generation's text evenly over its audio
 * (see {@link SpokenPiece}). Positions always end at a word boundary.
 * @internal
 */
import { msOf, samplesOf } from './time.js';
import { wordBoundaryBefore, type SegmentState, type SpokenPiece } from './segment-state.js';

/** An estimated position is moved back by this many characters plus this share of it. */
const ESTIMATE_MARGIN_CHARS = 1;
const ESTIMATE_MARGIN_SHARE = 0.02;

/** What the accounting needs to know besides the segments. @internal */
export interface SpokenContext {
  /** Output sample rate. */
  readonly rate: number;
  /** Speaking rate for estimates (characters per second). */
  readonly charsPerSecond: number;
  /** Whether the provider reports word timings (then no word heard yet means nothing heard). */
  readonly wordTimestamps: boolean;
}

/** Where in a segment a listener is, in speakable characters. @internal */
export interface HeardPosition {
  /** Speakable offset just past the last whole word heard (0: none). */
  readonly speakableEnd: number;
  /** Whether word timings (rather than an estimate) said so. */
  readonly byWords: boolean;
}

/** Estimated audio duration of `chars` speakable characters, in ms. @internal */
export function estimateMs(chars: number, ctx: SpokenContext): number {
  return (chars * 1000) / ctx.charsPerSecond;
}

/**
 * The speakable text of `seg` heard when the reply's audio has been played up to `playedMs`.
 * `cautious` (for resuming): an estimate counts a word as heard only with a margin past it, since
 * a word said twice is better than a word lost. @internal
 */
export function heardInSegment(seg: SegmentState, playedMs: number, ctx: SpokenContext, cautious = false): HeardPosition {
  const speakable = seg.segment.speakable;
  if (seg.words.length > 0 || (ctx.wordTimestamps && seg.pieces.length <= 1)) {
    let best = -1;
    for (const w of seg.words) if (w.endMs <= playedMs) best = Math.max(best, w.end);
    if (best < 0) return { speakableEnd: 0, byWords: true };
    let pos = 0;
    for (let i = 0; i <= speakable.length; i++) if (seg.segment.toOriginal(i) <= best) pos = i;
    return { speakableEnd: wordBoundaryBefore(speakable, pos), byWords: true };
  }
  const played = samplesOf(playedMs, ctx.rate) - seg.startSample;
  if (played <= 0 || seg.pieces.length === 0) return { speakableEnd: 0, byWords: false };
  let piece = seg.pieces[0] as SpokenPiece;
  for (const p of seg.pieces) if (p.sampleFrom <= played) piece = p;
  const last = piece === seg.pieces[seg.pieces.length - 1];
  const chars = piece.textTo - piece.textFrom;
  const complete = !last || seg.done;
  const totalMs = complete ? msOf(piece.samples, ctx.rate) : Math.max(msOf(piece.samples, ctx.rate), estimateMs(chars, ctx));
  if (totalMs <= 0) return { speakableEnd: wordBoundaryBefore(speakable, piece.textFrom), byWords: false };
  const fraction = Math.min(1, Math.max(0, msOf(played - piece.sampleFrom, ctx.rate) / totalMs));
  const heardChars = Math.floor(fraction * chars);
  const margin = complete || !cautious ? 0 : Math.ceil(ESTIMATE_MARGIN_CHARS + ESTIMATE_MARGIN_SHARE * heardChars);
  const pos = piece.textFrom + Math.max(0, heardChars - margin);
  return { speakableEnd: wordBoundaryBefore(speakable, pos), byWords: false };
}

/** The original text heard at reply time `playedMs`. @internal */
export interface SpokenSoFar {
  /** Original offset where the heard text ends (trailing whitespace excluded). */
  readonly end: number;
  /** Speakable characters heard. */
  readonly heardChars: number;
  /** Whether word timings decided the last segment heard. */
  readonly byWords: boolean;
}

/** The original text heard at reply time `playedMs`, ending at a word boundary. @internal */
export function spokenAt(segments: readonly SegmentState[], original: string, playedMs: number, ctx: SpokenContext): SpokenSoFar {
  let end = 0;
  let heardChars = 0;
  let byWords = false;
  for (const seg of segments) {
    if (!seg.announced) break;
    const segEndMs = msOf(seg.startSample + seg.emitted, ctx.rate);
    if (seg.ended && playedMs >= segEndMs) {
      if (!seg.silent) {
        end = seg.segment.end;
        heardChars += seg.segment.speakable.length;
      }
      continue;
    }
    if (playedMs <= msOf(seg.startSample, ctx.rate)) break;
    const heard = heardInSegment(seg, playedMs, ctx);
    byWords ||= heard.byWords;
    if (heard.speakableEnd > 0) end = seg.segment.toOriginal(heard.speakableEnd);
    heardChars += heard.speakableEnd;
    break;
  }
  return { end: original.slice(0, end).trimEnd().length, heardChars, byWords };
}

/** Characters sent (each segment counted once) that the listener did not hear. @internal */
export function wastedChars(segments: readonly SegmentState[], spoken: SpokenSoFar): number {
  let sent = 0;
  for (const s of segments) if (s.charsSent > 0) sent += s.segment.speakable.length;
  return Math.max(0, sent - spoken.heardChars);
}
