/**
 * The session: one conversation over one provider connection. It validates what the public API
 * receives, queues replies, starts them as the text strategy allows (one at a time, or up to the
 * provider's context cap), routes connection events to the reply whose generation they belong to,
 * and hands the front of the output from one reply to the next, so replies never interleave.
 * @internal
 */
import { Observable, Subject, type SchedulerLike } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { SpeechEvent } from '../events.js';
import type { SpeechProvider } from '../provider.js';
import type { SpeakingRate } from './assembler.js';
import { ConnectionSlot } from './connections.js';
import { fallbackProviders } from './fallback.js';
import { isSpeechInput } from './input.js';
import { resolveOptions, validateSignal, type ResolvedOptions } from './options.js';
import { Reply, type ReplyHost } from './reply.js';
import { startSoon } from './start-gate.js';
import { checkDrivable, strategyFor } from './strategies.js';
import type { SayOptions, SpeechInput, SpeechSession, SpeechSessionOptions, UtteranceReport } from './types.js';

const closedError = (): SpeechError => new SpeechError('cancelled', 'The speech session is closed.', { retryable: false });

/** The session engine behind `speak()` and `createSpeechSession()`. @internal */
export class Session implements SpeechSession, ReplyHost {
  readonly options: ResolvedOptions;
  readonly providers: readonly SpeechProvider[];
  readonly scheduler: SchedulerLike;
  readonly outputRate: number;
  readonly maxChars: number | undefined;
  readonly slot: ConnectionSlot;
  readonly metrics$: Observable<UtteranceReport>;
  private readonly metricsSubject = new Subject<UtteranceReport>();
  /** Replies not yet started. */
  private readonly queue: Reply[] = [];
  /** Replies started and not over. */
  private readonly running: Reply[] = [];
  /** Every reply whose last event is not yet delivered, in `say()` order; the first is the front. */
  private readonly order: Reply[] = [];
  private closed = false;
  private readonly rates = new Map<number, SpeakingRate>();

  constructor(options: SpeechSessionOptions) {
    this.options = resolveOptions(options);
    this.providers = fallbackProviders(this.options.provider);
    for (const p of this.providers) checkDrivable(p);
    this.scheduler = this.options.scheduler;
    this.outputRate = (this.providers[0] as SpeechProvider).capabilities.sampleRate;
    const limits = this.providers.map((p) => p.capabilities.maxCharsPerRequest).filter((n): n is number => n !== undefined && n > 0);
    this.maxChars = limits.length > 0 ? Math.min(...limits) : undefined;
    this.metrics$ = this.metricsSubject.asObservable();
    this.slot = new ConnectionSlot(
      { providers: this.providers, scheduler: this.scheduler, handshakeMs: this.options.handshakeMs, slotWaitMs: this.options.slotWaitMs, onLimit: this.options.onLimit, limits: this.options.limits },
      {
        event: (conn, event) => {
          const id = 'utteranceId' in event ? event.utteranceId : undefined;
          for (const reply of this.running) if (id !== undefined && reply.uses(conn, id)) return reply.onEvent(event);
          // Anything else is late output of a cancelled or finished generation: dropped.
        },
        dead: (conn, error) => {
          for (const reply of [...this.running]) if (reply.uses(conn)) reply.fail(error, true);
        },
      },
    );
  }

  /** {@inheritDoc SpeechSession.say} */
  say(input: SpeechInput, options: SayOptions = {}): Observable<SpeechEvent> {
    return new Observable<SpeechEvent>((subscriber) => {
      if (this.closed) {
        subscriber.error(closedError());
        return undefined;
      }
      if (!isSpeechInput(input)) {
        subscriber.error(new SpeechError('invalid-input', 'say() input must be a string, an (async) iterable of strings or an Observable of strings.', { retryable: false }));
        return undefined;
      }
      let signal: AbortSignal | undefined;
      try {
        signal = validateSignal((options ?? {}).signal, 'say()');
      } catch (err) {
        subscriber.error(err);
        return undefined;
      }
      if (signal?.aborted) {
        subscriber.complete();
        return undefined;
      }
      const reply = new Reply(this, input, subscriber);
      const onAbort = (): void => {
        reply.cancel();
        subscriber.complete();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(reply);
      this.order.push(reply);
      this.promote();
      this.next();
      return () => {
        signal?.removeEventListener('abort', onAbort);
        reply.cancel();
      };
    });
  }

  /** {@inheritDoc ReplyHost.speakingRate} */
  speakingRate(index: number): SpeakingRate {
    let rate = this.rates.get(index);
    if (!rate) {
      rate = { chars: 0, ms: 0 };
      this.rates.set(index, rate);
    }
    return rate;
  }

  /** {@inheritDoc SpeechSession.interrupt} */
  interrupt(): void {
    const front = this.order[0];
    if (front?.running) front.interrupt();
  }

  /** {@inheritDoc SpeechSession.reportPlayback} */
  reportPlayback(utteranceId: string, playedMs: number): void {
    if (typeof utteranceId !== 'string' || typeof playedMs !== 'number' || !Number.isFinite(playedMs) || playedMs < 0) return;
    this.running.find((r) => r.id === utteranceId)?.onPlayback(playedMs);
  }

  /** {@inheritDoc SpeechSession.warmup} */
  async warmup(): Promise<void> {
    if (this.closed) throw closedError();
    await (this.providers[0] as SpeechProvider).warmup?.();
    await this.slot.acquire(this.slot.currentIndex ?? 0);
  }

  /** {@inheritDoc SpeechSession.close} */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new SpeechError('cancelled', 'The speech session was closed.', { retryable: false });
    for (const reply of [...this.order]) reply.abort(error);
    this.queue.length = 0;
    this.running.length = 0;
    this.order.length = 0;
    this.slot.close();
    this.metricsSubject.complete();
  }

  /** {@inheritDoc ReplyHost.replyDone} */
  replyDone(reply: Reply, report: UtteranceReport | undefined): void {
    remove(this.queue, reply);
    remove(this.running, reply);
    if (report) this.metricsSubject.next(report);
    if (this.closed) return;
    this.promote();
    this.next();
    if (this.running.length === 0) this.slot.setIdle(true);
  }

  /** Hands the front on past every delivered reply. */
  private promote(): void {
    while (this.order.length > 0) {
      const front = this.order[0] as Reply;
      if (!front.delivered && !front.toFront()) return;
      this.order.shift();
    }
  }

  /** Starts queued replies while the strategy allows more on the connection. */
  private next(): void {
    while (!this.closed && this.queue.length > 0) {
      const index = this.slot.currentIndex ?? 0;
      const cap = strategyFor((this.providers[index] as SpeechProvider).capabilities).repliesPerConnection;
      if (this.running.length >= cap) return;
      const reply = this.queue.shift() as Reply;
      if (this.running.length === 0) this.slot.renewIfOld();
      this.running.push(reply);
      this.slot.setIdle(false);
      // Counted as running at once (the strategy's cap); its work begins when the turn allows.
      startSoon(() => {
        if (!this.closed) reply.start(this.slot.currentIndex ?? 0);
      });
    }
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
