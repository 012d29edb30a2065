/**
 * The dispatcher: sends a reply's segments on its current generation as the strategy, pacing and
 * rate limits allow, finishes the generation when the input has ended, and ends it (cancel, or
 * close where the provider cannot cancel) when the reply fails, is cancelled or resumes.
 * @internal
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { SpeechProvider } from '../provider.js';
import type { ConnectionSlot, LiveConnection } from './connections.js';
import { limiterFor } from './limiter.js';
import { textToSend, type SegmentState } from './segment-state.js';
import { strategyFor, type TextStrategy } from './strategies.js';
import { estimateMs, type SpokenContext } from './spoken.js';
import { msOf, timer } from './time.js';

/** One provider generation of a reply: a new one after each resume. @internal */
export interface Generation {
  /** The id on the wire (`utteranceId` of its requests; the context id in context mode). */
  readonly id: string;
  readonly conn: LiveConnection;
  readonly provider: SpeechProvider;
  readonly strategy: TextStrategy;
  sentAny: boolean;
  finished: boolean;
  /** `utterance-done` arrived. */
  done: boolean;
  /** Audio received, in ms (runaway detection). */
  receivedMs: number;
  /** Characters sent. */
  chars: number;
  /** Counted against the requests-per-minute limit (strategies that count generations). */
  counted: boolean;
}

/** What the dispatcher needs from its reply. @internal */
export interface DispatchHost {
  readonly segments: readonly SegmentState[];
  readonly slot: ConnectionSlot;
  readonly scheduler: SchedulerLike;
  /** Index of the segment being output. */
  head(): number;
  inputEnded(): boolean;
  /** The reply is over, or not running (queued, recovering). */
  halted(): boolean;
  /** Opens (or reuses) the connection; the reply then calls {@link Dispatcher.begin}. */
  connect(): void;
  /** Reply time of the audio emitted so far, in ms. */
  emittedMs(): number;
  /** Audio played so far: as reported by the player, else the real time since the first audio. */
  playedMs(): number;
  /** Rate and speaking-rate estimate, for the audio still expected from sent text. */
  spokenContext(): SpokenContext;
  /** Whether the player reports playback (then pacing waits for reports, not for time). */
  playbackReported(): boolean;
  /** Text is now owed audio: the watchdog starts counting. */
  owed(): void;
  /** The in-process rate limit is reached and the reply must fail. */
  limited(error: SpeechError): void;
}

/** Sends one reply's text. @internal */
export class Dispatcher {
  /** The current generation, if any. */
  generation: Generation | undefined;
  private count = 0;
  private waitTimer: Subscription | undefined;

  constructor(
    private readonly host: DispatchHost,
    private readonly utteranceId: string,
    private readonly maxBufferedAudioMs: number | undefined,
    private readonly onLimit: 'queue' | 'fail',
  ) {}

  /** Starts a new generation on `conn`. */
  begin(conn: LiveConnection): Generation {
    const n = this.count++;
    this.generation = {
      id: n === 0 ? this.utteranceId : `${this.utteranceId}~${n}`,
      conn,
      provider: conn.provider,
      strategy: strategyFor(conn.provider.capabilities),
      sentAny: false,
      finished: false,
      done: false,
      receivedMs: 0,
      chars: 0,
      counted: false,
    };
    return this.generation;
  }

  /** True when the provider owes audio for text of the current generation. */
  outstanding(): boolean {
    const gen = this.generation;
    if (!gen || !gen.sentAny) return false;
    if (!gen.provider.capabilities.segmentAcks && gen.finished) return !gen.done;
    const { segments } = this.host;
    for (let i = this.host.head(); i < segments.length; i++) {
      const s = segments[i] as SegmentState;
      if (s.sent && !s.done) return true;
    }
    return false;
  }

  /** Sends what may be sent now (connection, window, pacing and rate limit permitting). */
  pump(): void {
    if (this.host.halted()) return;
    const gen = this.generation;
    const { segments } = this.host;
    const head = this.host.head();
    if (!gen) {
      if (segments.some((s, i) => i >= head && !s.done && !s.sent)) this.host.connect();
      return;
    }
    let inFlight = 0;
    for (let i = head; i < segments.length; i++) if ((segments[i] as SegmentState).sent && !(segments[i] as SegmentState).done) inFlight++;
    for (let i = head; i < segments.length; i++) {
      const seg = segments[i] as SegmentState;
      if (seg.done || seg.sent) continue;
      if (inFlight >= gen.strategy.window || (gen.sentAny && this.paceWait()) || !this.rateLimitOk(gen)) return;
      const text = textToSend(seg);
      const wasOwed = this.outstanding();
      seg.sent = true;
      seg.generationBase = seg.emitted;
      seg.pieces.push({ textFrom: seg.sendOffset, textTo: seg.segment.speakable.length, sampleFrom: seg.emitted, samples: 0 });
      gen.chars += text.length;
      gen.sentAny = true;
      inFlight++;
      seg.firstSentAt ??= this.host.scheduler.now();
      seg.charsSent += text.length;
      this.host.slot.touched(gen.conn);
      if (!wasOwed) this.host.owed();
      gen.conn.connection.send({ utteranceId: gen.id, segmentId: seg.index, text });
      if (this.host.halted() || this.generation !== gen) return;
    }
    if (this.host.inputEnded() && gen.sentAny && !gen.finished && segments.every((s, i) => i < head || s.done || s.sent)) {
      const wasOwed = this.outstanding();
      gen.finished = true;
      this.host.slot.touched(gen.conn);
      if (!wasOwed) this.host.owed();
      gen.conn.connection.finish(gen.id);
    }
  }

  /**
   * Detaches the current generation and ends it at the provider: a cancel where audio is still
   * owed, or closing the connection when it is broken or the provider can only cancel by closing.
   */
  end(closeConnection: boolean): void {
    this.waitTimer?.unsubscribe();
    this.waitTimer = undefined;
    const gen = this.generation;
    if (!gen) return;
    // A context that was never told to end is closed too, so it does not count against the provider's cap.
    const owed = this.outstanding() || (gen.strategy.mode === 'context' && gen.sentAny && !gen.finished && !gen.done);
    this.generation = undefined;
    if (gen.conn.dead) return;
    if (closeConnection || (owed && gen.provider.capabilities.cancel === 'close')) {
      this.host.slot.drop(gen.conn);
      return;
    }
    if (owed) {
      gen.conn.connection.cancel(gen.id);
      this.host.slot.touched(gen.conn);
    }
  }

  /** Re-runs {@link pump} after `ms` (one pending wait at a time). */
  private wait(ms: number): void {
    if (this.waitTimer) return;
    this.waitTimer = timer(this.host.scheduler, ms, () => {
      this.waitTimer = undefined;
      this.pump();
    });
  }

  /** Pacing: true (and a re-check scheduled) when too much unplayed audio is ahead. */
  private paceWait(): boolean {
    const budget = this.maxBufferedAudioMs;
    if (budget === undefined) return false;
    const ahead = this.bufferedAheadMs();
    if (ahead <= budget) return false;
    if (!this.host.playbackReported()) this.wait(ahead - budget);
    return true;
  }

  /** Audio emitted or still expected from sent text, minus what was played, in ms. */
  private bufferedAheadMs(): number {
    const ctx = this.host.spokenContext();
    let expected = this.host.emittedMs();
    const { segments } = this.host;
    for (let i = this.host.head(); i < segments.length; i++) {
      const s = segments[i] as SegmentState;
      if (s.sent && !s.done) expected += Math.max(0, estimateMs(s.segment.speakable.length - s.sendOffset, ctx) - msOf(s.emitted - s.generationBase, ctx.rate));
    }
    return expected - this.host.playedMs();
  }

  /** The requests-per-minute limit: true when a request may be made now (and it is counted). */
  private rateLimitOk(gen: Generation): boolean {
    if (!gen.strategy.countsEachRequest && gen.counted) return true;
    const limiter = limiterFor(gen.provider);
    const waitMs = limiter.tryRequest(this.host.scheduler.now());
    if (waitMs === 0) {
      gen.counted = true;
      return true;
    }
    if (this.onLimit === 'fail') {
      this.host.limited(
        new SpeechError('rate-limit', `In-process limit of ${limiter.requestsPerMinute} requests per minute reached for ${gen.provider.name}.`, { retryable: false, provider: gen.provider.name }),
      );
      return false;
    }
    this.wait(waitMs);
    return false;
  }
}
