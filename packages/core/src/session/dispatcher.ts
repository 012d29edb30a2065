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
import { limitKeyOf, requestCost, requestUnitOf, type LimitStore } from '../limits/index.js';
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
  /** Counted against the requests-per-minute limit (providers that count a context per reply). */
  counted: boolean;
  /** The limit store granted the next request asynchronously: it is already counted. */
  granted: boolean;
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

/** The session options the dispatcher follows. @internal */
export interface DispatchOptions {
  readonly maxBufferedAudioMs: number | undefined;
  readonly maxHeldAudioBytes: number;
  readonly onLimit: 'queue' | 'fail';
  readonly limits: LimitStore;
}

/** Sends one reply's text. @internal */
export class Dispatcher {
  /** The current generation, if any. */
  generation: Generation | undefined;
  private count = 0;
  private waitTimer: Subscription | undefined;
  /** An asynchronous answer of the limit store is awaited. */
  private asking = false;

  constructor(
    private readonly host: DispatchHost,
    private readonly utteranceId: string,
    private readonly options: DispatchOptions,
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
      granted: false,
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
    // Segments are sent in order: the ones in flight all come before the first unsent one.
    let inFlight = 0;
    for (let i = head; i < segments.length; i++) {
      const seg = segments[i] as SegmentState;
      if (seg.sent && !seg.done) inFlight++;
      else if (!seg.sent && !seg.done) break;
    }
    for (let i = head; i < segments.length; i++) {
      const seg = segments[i] as SegmentState;
      if (seg.done || seg.sent) continue;
      if (inFlight >= gen.strategy.window || (gen.sentAny && this.paceWait()) || (inFlight > 0 && gen.strategy.mode === 'request' && this.aheadFull(i))) return;
      const text = textToSend(seg);
      if (!this.rateLimitOk(gen, text)) return;
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
    const budget = this.options.maxBufferedAudioMs;
    if (budget === undefined) return false;
    const ahead = this.bufferedAheadMs();
    if (ahead <= budget) return false;
    if (!this.host.playbackReported()) this.wait(ahead - budget);
    return true;
  }

  /**
   * Backpressure on audio held out of order (request strategy: its requests' audio may interleave;
   * the other strategies' audio arrives in order). Audio of a request ahead of the segment being output is
   * held until that segment is out, so a request ahead is made only while the audio that could pile
   * up — still expected for the segments in flight, plus what later ones already hold — fits
   * `maxHeldAudioBytes`. Services deliver requests at similar speeds, so what the new request holds
   * stays about what was still expected when it was made. A re-check comes with the next audio.
   */
  private aheadFull(index: number): boolean {
    const { segments } = this.host;
    const head = this.host.head();
    if (index <= head) return false;
    const ctx = this.host.spokenContext();
    const budget = this.options.maxHeldAudioBytes / 2;
    let pending = 0;
    for (let i = head; i < index; i++) {
      const s = segments[i] as SegmentState;
      if (!s.sent || s.done) continue;
      const got = s.emitted - s.generationBase + s.heldSamples;
      const expected = (estimateMs(s.segment.speakable.length - s.sendOffset, ctx) * ctx.rate) / 1000;
      pending += Math.max(0, expected - got) + s.heldSamples;
      if (pending > budget) return true;
    }
    return false;
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

  /**
   * The requests-per-minute limit: true when sending `text` may happen now (and it is counted: once
   * per reply for providers that count contexts, else per segment times its cost).
   */
  private rateLimitOk(gen: Generation, text: string): boolean {
    const unit = requestUnitOf(gen.provider);
    if (unit === 'context' && gen.counted) return true;
    if (gen.granted) {
      gen.granted = false;
      return true;
    }
    const key = limitKeyOf(gen.provider);
    if (key.requestsPerMinute === undefined) return true;
    if (this.asking) return false;
    const count = unit === 'context' ? 1 : requestCost(gen.provider, text);
    let answer: number | Promise<number>;
    try {
      answer = this.options.limits.takeRequests(key, count, this.host.scheduler.now());
    } catch (err) {
      answer = Promise.reject(err);
    }
    if (typeof answer === 'number') return this.limitAnswer(gen, answer);
    this.asking = true;
    answer.then(
      (ms) => {
        this.asking = false;
        if (this.generation !== gen || this.host.halted()) return;
        if (this.limitAnswer(gen, ms)) {
          gen.granted = unit !== 'context';
          this.pump();
        }
      },
      (err: unknown) => {
        this.asking = false;
        if (this.generation === gen && !this.host.halted()) this.host.limited(SpeechError.from(err, 'connection', { provider: gen.provider.name }));
      },
    );
    return false;
  }

  /** Acts on the store's answer: true when counted; else waits, or fails the reply with `onLimit: 'fail'`. */
  private limitAnswer(gen: Generation, waitMs: number): boolean {
    if (waitMs <= 0) {
      gen.counted = true;
      return true;
    }
    if (this.options.onLimit === 'fail') {
      const max = limitKeyOf(gen.provider).requestsPerMinute;
      this.host.limited(new SpeechError('rate-limit', `Limit of ${max} requests per minute reached for ${gen.provider.name}.`, { retryable: false, provider: gen.provider.name }));
      return false;
    }
    this.wait(waitMs);
    return false;
  }
}
