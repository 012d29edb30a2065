/**
 * The audio assembler: attributes incoming audio and words to segments and emits a reply's events in
 * order — `segment`, its `audio` and `word` events, `segment-end` — holding back what arrives early.
 *
 * With segment acks (the provider says which segment audio belongs to and when it is complete) the
 * attribution is exact. Without them (one audio stream per reply) audio is cut between segments at the
 * boundaries that word timings reveal, else at an estimate from the speaking rate learned so far, and
 * a segment ends when a later one is known to have started or the reply's audio is complete.
 * @internal
 */
import type { SpeechEvent } from '../events.js';
import type { ProviderWord } from '../provider.js';
import { findWord, type SegmentState } from './segment-state.js';
import { estimateMs, type SpokenContext } from './spoken.js';
import { msOf, samplesOf } from './time.js';

/** Speaking rate assumed before any audio was measured (characters per second; neural voices speak 14-17). */
const DEFAULT_CHARS_PER_SECOND = 15;

/**
 * A provider's speaking rate as measured so far: characters and milliseconds of audio of segments
 * spoken whole. Shared by the replies of a session, so later replies estimate with what earlier ones
 * measured. @internal
 */
export interface SpeakingRate {
  chars: number;
  ms: number;
}

/** What the assembler needs from its reply. @internal */
export interface AssemblerHost {
  readonly utteranceId: string;
  /** Output sample rate. */
  readonly rate: number;
  /** Emits one event; false when the reply is over. */
  emit(event: SpeechEvent): boolean;
  /** Whether the current provider acknowledges segments. */
  acks(): boolean;
  /** Whether the current provider reports word timings. */
  wordTimestamps(): boolean;
  /** The current provider's speaking rate, as measured so far in the session. */
  speakingRate(): SpeakingRate;
  now(): number;
}

/** Orders one reply's output. @internal */
export class Assembler {
  readonly segments: SegmentState[] = [];
  /** Index of the segment being output. */
  head = 0;
  /** Samples emitted in the reply. */
  emitted = 0;
  /** Reply sample where the current generation's audio begins (word times without acks). */
  generationStart = 0;
  firstAudioAt: number | undefined;
  lastAudioAt: number | undefined;

  constructor(private readonly host: AssemblerHost) {}

  /** The accounting context: rate, learned speaking rate, word timings. */
  spokenContext(): SpokenContext {
    const learned = this.host.speakingRate();
    const charsPerSecond = learned.chars > 0 && learned.ms > 200 ? (learned.chars * 1000) / learned.ms : DEFAULT_CHARS_PER_SECOND;
    return { rate: this.host.rate, charsPerSecond, wordTimestamps: this.host.wordTimestamps() };
  }

  /** Reply time of everything emitted, in ms. */
  emittedMs(): number {
    return msOf(this.emitted, this.host.rate);
  }

  /** True when every segment was output. */
  get drained(): boolean {
    return this.head >= this.segments.length;
  }

  /** Emits what can be emitted at the head, in order. */
  advance(): void {
    while (this.head < this.segments.length) {
      const seg = this.segments[this.head] as SegmentState;
      if (!seg.announced) {
        seg.announced = true;
        seg.startSample = this.emitted;
        const { text, start, end, speakable, reason } = seg.segment;
        if (!this.host.emit({ type: 'segment', utteranceId: this.host.utteranceId, segmentId: seg.index, text, start, end, speakable, reason })) return;
      }
      if (seg.held.length > 0) {
        const held = seg.held;
        seg.held = [];
        seg.heldSamples = 0;
        for (const item of held) {
          if (!(item.kind === 'audio' ? this.emitAudio(seg, item.pcm) : this.emitWord(seg, item.word))) return;
        }
      }
      if (!seg.done && (this.host.acks() || !this.boundaryReached(seg))) return;
      if (!this.endHead(seg)) return;
    }
  }

  /** Audio of the current generation, already at the output rate. */
  onAudio(segmentId: number | undefined, pcm: Int16Array): void {
    if (pcm.length === 0) return;
    const now = this.host.now();
    this.lastAudioAt = now;
    if (this.host.acks()) {
      const seg = this.segments[segmentId ?? this.head];
      if (!seg || !seg.sent || seg.done) return;
      seg.firstAudioAt ??= now;
      if (seg.index === this.head) this.emitAudio(seg, pcm);
      else {
        seg.held.push({ kind: 'audio', pcm });
        seg.heldSamples += pcm.length;
      }
      return;
    }
    // One audio stream for the reply: cut it between segments at known or estimated boundaries.
    let rest = pcm;
    while (rest.length > 0) {
      const seg = this.segments[this.head];
      if (!seg) return; // audio with no text left to attribute it to: dropped
      seg.firstAudioAt ??= now;
      const limit = this.boundaryFor(seg);
      if (limit !== undefined && this.emitted + rest.length > limit) {
        const n = Math.max(0, limit - this.emitted);
        if (n > 0 && !this.emitAudio(seg, rest.subarray(0, n))) return;
        rest = rest.subarray(n);
        if (!this.endHead(seg)) return;
        this.advance();
        continue;
      }
      if (!this.emitAudio(seg, rest)) return;
      break;
    }
    const seg = this.segments[this.head];
    if (seg && (this.boundaryReached(seg) || this.estimateReached(seg)) && this.endHead(seg)) this.advance();
  }

  /** A word timing of the current generation. */
  onWord(segmentId: number | undefined, word: ProviderWord): void {
    if (this.host.acks()) {
      const seg = this.segments[segmentId ?? this.head];
      if (!seg || !seg.sent || seg.done) return;
      if (seg.index === this.head) this.emitWord(seg, word);
      else seg.held.push({ kind: 'word', word });
      return;
    }
    // Reply time, and the segment found by the word's text.
    const base = msOf(this.generationStart, this.host.rate);
    const shifted: ProviderWord = { ...word, startMs: base + word.startMs, endMs: base + word.endMs };
    let target: SegmentState | undefined;
    for (let i = this.head; i < this.segments.length; i++) {
      const s = this.segments[i] as SegmentState;
      if (!s.sent) {
        if (s.done) continue; // nothing speakable: never sent
        break;
      }
      if (findWord(s.segment.speakable, word.text, i === this.head ? s.wordCursor : s.sendOffset) >= 0) {
        target = s;
        break;
      }
    }
    target ??= this.segments[this.head];
    if (!target) return;
    if (target.index > this.head) {
      // A later segment has started: the segments before it end where this word starts.
      const startSample = samplesOf(shifted.startMs, this.host.rate);
      for (let i = this.head; i < target.index; i++) {
        const s = this.segments[i] as SegmentState;
        s.boundary ??= Math.max(startSample, i === this.head ? this.emitted : startSample);
      }
      target.held.push({ kind: 'word', word: shifted });
      this.advance();
      return;
    }
    this.emitWord(target, shifted);
  }

  /** All audio of a segment arrived (acks). */
  onSegmentDone(segmentId: number): void {
    const seg = this.segments[segmentId];
    if (!seg || !seg.sent || seg.done) return;
    seg.done = true;
    if (seg.index === this.head) this.advance();
  }

  /** All audio of the reply's generation arrived: every segment sent is complete. */
  onGenerationDone(): void {
    for (let i = this.head; i < this.segments.length; i++) {
      const seg = this.segments[i] as SegmentState;
      if (seg.sent) seg.done = true;
    }
    this.advance();
  }

  private endHead(seg: SegmentState): boolean {
    seg.ended = true;
    this.head = seg.index + 1;
    const complete = seg.done || seg.boundary !== undefined;
    if (complete && seg.pieces.length === 1) this.learn(seg);
    return this.host.emit({ type: 'segment-end', utteranceId: this.host.utteranceId, segmentId: seg.index, audioMs: msOf(seg.emitted, this.host.rate) });
  }

  private emitAudio(seg: SegmentState, pcm: Int16Array): boolean {
    if (pcm.length === 0) return true;
    const offsetMs = msOf(this.emitted, this.host.rate);
    this.emitted += pcm.length;
    seg.emitted += pcm.length;
    const piece = seg.pieces[seg.pieces.length - 1];
    if (piece) piece.samples += pcm.length;
    else seg.pieces.push({ textFrom: seg.sendOffset, textTo: seg.segment.speakable.length, sampleFrom: seg.emitted - pcm.length, samples: pcm.length });
    this.firstAudioAt ??= this.host.now();
    return this.host.emit({ type: 'audio', utteranceId: this.host.utteranceId, segmentId: seg.index, pcm, sampleRate: this.host.rate, offsetMs });
  }

  /** Emits a word: `word` times are relative to the segment's generation with acks, reply time without. */
  private emitWord(seg: SegmentState, word: ProviderWord): boolean {
    const base = this.host.acks() ? msOf(seg.startSample + seg.generationBase, this.host.rate) : 0;
    const startMs = base + word.startMs;
    const endMs = base + word.endMs;
    const located = this.locateWord(seg, word);
    if (located) seg.words.push({ end: located.end, endMs });
    return this.host.emit({
      type: 'word',
      utteranceId: this.host.utteranceId,
      segmentId: seg.index,
      text: word.text,
      startMs,
      endMs,
      ...(located ? { start: located.start, end: located.end } : {}),
    });
  }

  /** Original offsets of a word of `seg`, from its text offset or by searching the speakable text. */
  private locateWord(seg: SegmentState, word: ProviderWord): { start: number; end: number } | undefined {
    const speakable = seg.segment.speakable;
    let at: number;
    if (word.textOffset !== undefined && this.host.acks()) at = seg.sendOffset + word.textOffset;
    else {
      at = findWord(speakable, word.text, Math.max(seg.wordCursor, seg.sendOffset));
      if (at < 0) return undefined;
    }
    const endAt = Math.min(speakable.length, at + word.text.trim().length);
    seg.wordCursor = Math.max(seg.wordCursor, endAt);
    return { start: seg.segment.toOriginal(at), end: seg.segment.toOriginal(endAt) };
  }

  /** No acks: true when a later segment is known to have started at or before the emitted position. */
  private boundaryReached(seg: SegmentState): boolean {
    return seg.boundary !== undefined && this.emitted >= seg.boundary;
  }

  /** No acks: reply sample where the head ends (from word timings or an estimate). */
  private boundaryFor(seg: SegmentState): number | undefined {
    if (seg.boundary !== undefined) return seg.boundary;
    if (!this.canEstimateEnd(seg)) return undefined;
    const piece = seg.pieces[seg.pieces.length - 1];
    const pieceStart = seg.startSample + (piece?.sampleFrom ?? 0);
    const chars = seg.segment.speakable.length - seg.sendOffset;
    return pieceStart + samplesOf(estimateMs(chars, this.spokenContext()), this.host.rate);
  }

  /** An estimate may end a segment only when a later segment was sent and no word timing can tell. */
  private canEstimateEnd(seg: SegmentState): boolean {
    if (this.host.wordTimestamps()) return false;
    for (let i = seg.index + 1; i < this.segments.length; i++) {
      const next = this.segments[i] as SegmentState;
      if (next.sent) return true;
      if (!next.done) return false;
    }
    return false;
  }

  private estimateReached(seg: SegmentState): boolean {
    const limit = this.boundaryFor(seg);
    return limit !== undefined && seg.boundary === undefined && this.emitted >= limit && seg.emitted > 0;
  }

  /** Learns the speaking rate from a segment spoken whole by one generation. */
  private learn(seg: SegmentState): void {
    const chars = seg.segment.speakable.length;
    const ms = msOf(seg.emitted, this.host.rate);
    if (chars > 0 && ms > 0) {
      const learned = this.host.speakingRate();
      learned.chars += chars;
      learned.ms += ms;
    }
  }
}
