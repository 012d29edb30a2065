/**
 * One reply: wires its parts together — the input (tokens to segments), the dispatcher (sending on
 * the current generation), the assembler (in-order output), the watchdog, the recovery policy and
 * the spoken-text accounting — and owns its lifecycle: start, complete, fail, cancel, interrupt.
 *
 * A reply that is not at the front of its session (a later reply whose context opened early) keeps
 * its events in an outbox until every earlier reply has ended, so replies never interleave.
 * @internal
 */
import { Subscription, type SchedulerLike, type Subscriber } from 'rxjs';
import { resample } from '../audio/index.js';
import { SpeechError } from '../errors.js';
import type { SpeechEvent, UtteranceMetrics } from '../events.js';
import type { ConnectionEvent, SpeechProvider } from '../provider.js';
import { Assembler, type SpeakingRate } from './assembler.js';
import type { ConnectionSlot, LiveConnection } from './connections.js';
import { Dispatcher } from './dispatcher.js';
import { replyMetrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import { applyResume, decideRecovery, finalError, planResume } from './recovery.js';
import { ReplyInput } from './reply-input.js';
import { createSegmentState, type SegmentState } from './segment-state.js';
import { heardInSegment, spokenAt, wastedChars } from './spoken.js';
import { msOf, timer } from './time.js';
import type { SpeechInput, UtteranceReport } from './types.js';
import { startSoon } from './start-gate.js';
import { Watchdog } from './watchdog.js';
import { ReplyOutput } from './reply-output.js';
import { backoffDelay } from '../transport/index.js';

/** Audio beyond this per generation (plus per character below) is a runaway generation. */
const RUNAWAY_BASE_MS = 30_000;
const RUNAWAY_PER_CHAR_MS = 600;

let counter = 0;
function newUtteranceId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `utt-${Date.now().toString(36)}-${counter.toString(36)}`;
}

/** What a reply needs from its session. @internal */
export interface ReplyHost {
  readonly options: ResolvedOptions;
  readonly providers: readonly SpeechProvider[];
  readonly scheduler: SchedulerLike;
  readonly outputRate: number;
  readonly slot: ConnectionSlot;
  /** The smallest `maxCharsPerRequest` of the providers. */
  readonly maxChars: number | undefined;
  /** Provider `index`'s speaking rate as measured so far in the session (updated by the replies). */
  speakingRate(index: number): SpeakingRate;
  /** The reply is over (any outcome); `report` is undefined for a reply that never started. */
  replyDone(reply: Reply, report: UtteranceReport | undefined): void;
}

/** One reply. @internal */
export class Reply {
  readonly id = newUtteranceId();
  private state: 'queued' | 'active' | 'over' = 'queued';
  private readonly assembler: Assembler;
  private readonly dispatcher: Dispatcher;
  private readonly watchdog: Watchdog;
  private input: ReplyInput | undefined;
  private inputEnded = false;
  private providerIndex = 0;
  private retries = 0;
  private totalRetries = 0;
  private recovering: Subscription | undefined;
  private connecting = false;
  private played: number | undefined;
  private readonly output: ReplyOutput;
  private readonly startedAt: number;

  constructor(
    private readonly host: ReplyHost,
    private readonly source: SpeechInput,
    out: Subscriber<SpeechEvent>,
  ) {
    this.output = new ReplyOutput(out);
    this.startedAt = host.scheduler.now();
    this.assembler = new Assembler({
      utteranceId: this.id,
      rate: host.outputRate,
      emit: (event) => this.emit(event),
      acks: () => this.provider.capabilities.segmentAcks,
      wordTimestamps: () => this.provider.capabilities.wordTimestamps,
      speakingRate: () => host.speakingRate(this.providerIndex),
      now: () => host.scheduler.now(),
    });
    this.dispatcher = new Dispatcher(
      {
        segments: this.assembler.segments,
        slot: host.slot,
        scheduler: host.scheduler,
        head: () => this.assembler.head,
        inputEnded: () => this.inputEnded,
        halted: () => this.over || this.state !== 'active' || this.recovering !== undefined,
        connect: () => this.connect(),
        emittedMs: () => this.assembler.emittedMs(),
        playedMs: () => this.played ?? (this.assembler.firstAudioAt === undefined ? 0 : host.scheduler.now() - this.assembler.firstAudioAt),
        spokenContext: () => this.assembler.spokenContext(),
        playbackReported: () => this.played !== undefined,
        owed: () => this.watchdog.progress(),
        limited: (error) => this.terminal(error),
      },
      this.id,
      host.options,
    );
    const limitMs = host.options.firstAudioMs;
    this.watchdog = new Watchdog(host.scheduler, limitMs, () => this.dispatcher.outstanding(), () => {
      const name = this.dispatcher.generation?.provider.name ?? this.provider.name;
      this.fail(new SpeechError('timeout', `No audio from ${name} for ${limitMs} ms after sending text.`, { provider: name }), true);
    });
  }

  private get provider(): SpeechProvider {
    return this.host.providers[this.providerIndex] as SpeechProvider;
  }

  private get over(): boolean {
    return this.state === 'over' || this.output.closed;
  }

  /** The reply's last event (or error) has been delivered. */
  get delivered(): boolean {
    return this.output.delivered;
  }

  /** Whether the reply has started and not ended. */
  get running(): boolean {
    return this.state === 'active';
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts reading the input, on provider `providerIndex` of the chain. */
  start(providerIndex: number): void {
    if (this.state !== 'queued') return;
    this.state = 'active';
    this.providerIndex = providerIndex;
    const input = new ReplyInput(
      { ...this.host.options, maxChars: this.host.maxChars },
      {
        segments: (list) => {
          for (const s of list) this.assembler.segments.push(createSegmentState(s, this.assembler.segments.length));
          this.progressed();
        },
        end: () => {
          this.inputEnded = true;
          this.progressed();
        },
        error: (error) => this.terminal(error),
      },
    );
    this.input = input;
    input.start(this.source);
  }

  /** The reply reached the front of its session: deliver what it kept. Returns `delivered`. */
  toFront(): boolean {
    return this.output.toFront();
  }

  /** Whether this reply's current generation is on `conn` (with wire id `id`, when given). */
  uses(conn: LiveConnection, id?: string): boolean {
    const gen = this.dispatcher.generation;
    return this.state === 'active' && gen !== undefined && gen.conn === conn && (id === undefined || gen.id === id);
  }

  private emit(event: SpeechEvent): boolean {
    if (this.over) return false;
    this.output.next(event);
    return !this.over;
  }

  /** After new segments, output or acks: emit, complete when everything is out, send more. */
  private progressed(): void {
    if (this.over) return;
    this.assembler.advance();
    if (this.over) return;
    if (this.inputEnded && this.assembler.drained) this.complete();
    else this.dispatcher.pump();
  }

  private complete(): void {
    const metrics = this.metrics(0);
    this.finish('completed', metrics, (out) => {
      out.next({ type: 'utterance-end', utteranceId: this.id, text: this.original, metrics });
      out.complete();
    });
  }

  // ---------------------------------------------------------------- connection and events

  private connect(): void {
    if (this.connecting) return;
    this.connecting = true;
    // Another reply may have moved the session on to a later provider of the chain: follow it.
    const current = this.host.slot.currentIndex ?? 0;
    if (current > this.providerIndex) {
      this.providerIndex = current;
      this.retries = 0;
    }
    // Handshakes of many replies complete together: their first sends share the start gate's budget.
    this.host.slot.acquire(this.providerIndex).then(
      (conn) =>
        startSoon(() => {
          this.connecting = false;
          if (this.over || this.state !== 'active' || this.recovering || this.dispatcher.generation) return;
          if (conn.dead) {
            this.fail(new SpeechError('connection', `The connection to ${conn.provider.name} closed.`, { provider: conn.provider.name }), true);
            return;
          }
          this.dispatcher.begin(conn);
          this.assembler.generationStart = this.assembler.emitted;
          this.dispatcher.pump();
        }),
      (err: unknown) => {
        this.connecting = false;
        if (this.over || this.state !== 'active') return;
        this.fail(SpeechError.from(err, 'connection', { provider: this.provider.name }), true);
      },
    );
  }

  /** An event of this reply's current generation. */
  onEvent(event: ConnectionEvent): void {
    const gen = this.dispatcher.generation;
    if (!gen || this.over) return;
    if (event.type === 'error') {
      this.fail(event.error, false);
      return;
    }
    this.watchdog.progress();
    switch (event.type) {
      case 'audio': {
        const rate = this.host.outputRate;
        const pcm = event.sampleRate === rate || event.pcm.length === 0 ? event.pcm : resample(event.pcm, event.sampleRate, rate);
        gen.receivedMs += msOf(pcm.length, rate);
        if (gen.receivedMs > RUNAWAY_BASE_MS + RUNAWAY_PER_CHAR_MS * gen.chars) {
          const error = new SpeechError('protocol', `${gen.provider.name} sent far more audio than the text can take; treating the generation as runaway.`, { provider: gen.provider.name });
          this.fail(error, true, true);
          return;
        }
        this.assembler.onAudio(event.segmentId, pcm);
        break;
      }
      case 'word':
        this.assembler.onWord(event.segmentId, event.word);
        break;
      case 'segment-done':
        this.assembler.onSegmentDone(event.segmentId);
        break;
      case 'utterance-done':
        gen.done = true;
        this.assembler.onGenerationDone();
        break;
      default:
        return;
    }
    this.progressed();
  }

  /** Reported playback position (ms from the start of the reply). */
  onPlayback(playedMs: number): void {
    this.played = Math.max(this.played ?? 0, playedMs);
    this.dispatcher.pump();
  }

  // ---------------------------------------------------------------- failures

  /**
   * A failure of the current generation: retry, fall back or fail, as the recovery policy decides.
   * @param closeConnection - the connection is unusable (or suspect, e.g. stalled) and is closed
   * @param garbled - the generation's audio cannot be trusted to say its text (runaway): the head
   *   resumes where this generation started it
   */
  fail(error: SpeechError, closeConnection: boolean, garbled = false): void {
    if (this.over || this.state !== 'active') return;
    this.dispatcher.end(closeConnection);
    this.watchdog.stop();
    const state = { retries: this.retries, maxRetries: this.host.options.maxRetries, providerIndex: this.providerIndex, providerCount: this.host.providers.length };
    const { initialDelayMs, maxDelayMs, jitter } = this.host.options;
    const decision = decideRecovery(error, closeConnection, state, (attempt) => backoffDelay(attempt, { initialDelayMs, maxDelayMs, jitter }));
    if (decision.kind === 'fail') {
      this.terminal(error);
      return;
    }
    if (decision.kind === 'retry') this.retries++;
    else {
      this.providerIndex++;
      this.retries = 0;
    }
    this.totalRetries++;
    this.recovering = timer(this.host.scheduler, decision.kind === 'retry' ? decision.delayMs : 0, () => {
      this.recovering = undefined;
      if (this.over) return;
      const at = this.assembler.emittedMs();
      const ctx = this.assembler.spokenContext();
      const heard = (seg: SegmentState): number => (garbled ? seg.sendOffset : heardInSegment(seg, at, ctx, true).speakableEnd);
      applyResume(this.assembler.segments, planResume(this.assembler.segments, this.assembler.head, heard));
      this.progressed();
    });
  }

  /** Fails the reply for good, with the text that was not spoken. */
  private terminal(error: SpeechError): void {
    if (this.over) return;
    const { segments, head } = this.assembler;
    const from = segments[head]?.segment.start ?? segments[segments.length - 1]?.segment.end ?? 0;
    const wrapped = finalError(error, this.original.slice(from), this.provider.name);
    this.finish('failed', this.metrics(this.wasted()), (out) => out.error(wrapped));
  }

  // ---------------------------------------------------------------- cancel and interrupt

  /** Unsubscribe or abort: stop everything, emit nothing more. */
  cancel(): void {
    if (this.state === 'over') return;
    if (this.state === 'queued') {
      this.state = 'over';
      this.output.drop();
      this.host.replyDone(this, undefined);
      return;
    }
    this.finish('cancelled', this.metrics(this.wasted()));
  }

  /** Session closed: fail with `cancelled`. */
  abort(error: SpeechError): void {
    if (this.state === 'over') return;
    this.output.toFront();
    if (this.state === 'queued') {
      this.state = 'over';
      this.output.end((out) => out.error(error));
      return;
    }
    this.finish('cancelled', this.metrics(this.wasted()), (out) => out.error(error));
  }

  /** Barge-in: `interrupted` with the text heard, then complete. */
  interrupt(): void {
    if (this.state !== 'active' || this.over) return;
    const hasPlayback = this.played !== undefined;
    const playedMs = Math.min(hasPlayback ? (this.played as number) : Number.POSITIVE_INFINITY, this.assembler.emittedMs());
    const spoken = spokenAt(this.assembler.segments, this.original, playedMs, this.assembler.spokenContext());
    const basis: 'playback' | 'words' | 'estimate' = hasPlayback ? 'playback' : spoken.byWords ? 'words' : 'estimate';
    const metrics = this.metrics(wastedChars(this.assembler.segments, spoken));
    this.finish('interrupted', metrics, (out) => {
      out.next({ type: 'interrupted', utteranceId: this.id, spokenText: this.original.slice(0, spoken.end), spokenEnd: spoken.end, playedMs, basis, metrics });
      out.complete();
    });
  }

  /** Common end: stop input, timers and the generation; deliver the last event; tell the session. */
  private finish(outcome: UtteranceReport['outcome'], metrics: UtteranceMetrics, last?: (out: Subscriber<SpeechEvent>) => void): void {
    if (this.state === 'over') return;
    this.input?.stop();
    this.recovering?.unsubscribe();
    this.recovering = undefined;
    this.dispatcher.end(false);
    this.watchdog.stop();
    this.state = 'over';
    if (last) this.output.end(last);
    else this.output.drop();
    this.host.replyDone(this, { utteranceId: this.id, outcome, metrics });
  }

  // ---------------------------------------------------------------- accounting

  /** The reply's text as written so far. */
  private get original(): string {
    return this.input?.original ?? '';
  }

  private wasted(): number {
    const at = Math.min(this.played ?? Number.POSITIVE_INFINITY, this.assembler.emittedMs());
    return wastedChars(this.assembler.segments, spokenAt(this.assembler.segments, this.original, at, this.assembler.spokenContext()));
  }

  private metrics(wastedCharacters: number): UtteranceMetrics {
    const a = this.assembler;
    const timeline = {
      startedAt: this.startedAt,
      firstTokenAt: this.input?.firstDeltaAt,
      firstAudioAt: a.firstAudioAt,
      lastAudioAt: a.lastAudioAt,
      retries: this.totalRetries,
      provider: this.provider.name,
    };
    return replyMetrics(timeline, a.segments, a.emitted, this.host.outputRate, this.host.scheduler.now(), wastedCharacters);
  }
}
