/**
 * The session engine: drives one provider connection for a stream of replies.
 *
 * A {@link Session} owns the (lazy, reused) connection and a queue of replies; a {@link Reply} owns
 * one reply's segments, their sending (strategy chosen from the provider's capabilities), the
 * attribution of incoming audio to segments, in-order emission, recovery (reconnect + replay),
 * interruption, pacing and metrics. All time comes from the injected scheduler.
 * @internal
 */
import { Observable, Subject, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { resample } from '../audio/index.js';
import { SpeechError } from '../errors.js';
import { backoffDelay } from '../transport/index.js';
import type { SegmentMetrics, SpeechEvent, UtteranceMetrics } from '../events.js';
import type { ConnectionEvent, ProviderWord, SpeechConnection, SpeechProvider } from '../provider.js';
import { fallbackProviders } from './fallback.js';
import { startInput, type InputHandle } from './input.js';
import { limiterFor, type LimiterLease } from './limiter.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { createEngineSegmenter, splitSegment, wordBoundaryBefore, type EngineSegment, type EngineSegmenter } from './segments.js';
import type { SayOptions, SpeechInput, SpeechSession, SpeechSessionOptions, UtteranceReport } from './types.js';

/** Default speaking rate used to estimate audio duration before any audio was measured. */
const DEFAULT_CHARS_PER_SECOND = 14;
/** Audio beyond this per generation (plus per character below) is a runaway generation. */
const RUNAWAY_BASE_MS = 30_000;
const RUNAWAY_PER_CHAR_MS = 600;

let utteranceCounter = 0;
function newUtteranceId(): string {
  utteranceCounter = (utteranceCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `utt-${Date.now().toString(36)}-${utteranceCounter.toString(36)}`;
}

/** One open provider connection as the session holds it. */
interface Conn {
  readonly connection: SpeechConnection;
  readonly provider: SpeechProvider;
  readonly providerIndex: number;
  readonly connectedAt: number;
  readonly lease: LimiterLease;
  sub: Subscription | undefined;
  dead: boolean;
  lastSendAt: number;
  keepAliveTimer: Subscription | undefined;
}

/** A timer on the scheduler. */
function timer(scheduler: SchedulerLike, delayMs: number, fn: () => void): Subscription {
  return scheduler.schedule(fn, Math.max(0, delayMs));
}

/** The session: connection lifecycle and the queue of replies. @internal */
export class Session implements SpeechSession {
  readonly options: ResolvedOptions;
  readonly providers: readonly SpeechProvider[];
  readonly scheduler: SchedulerLike;
  readonly outputRate: number;
  readonly metrics$: Observable<UtteranceReport>;
  private readonly metricsSubject = new Subject<UtteranceReport>();
  private conn: Conn | undefined;
  private connecting: { index: number; promise: Promise<Conn>; controller: AbortController } | undefined;
  private readonly queue: Reply[] = [];
  private active: Reply | undefined;
  private closed = false;

  constructor(options: SpeechSessionOptions) {
    this.options = resolveOptions(options);
    this.providers = fallbackProviders(this.options.provider);
    this.scheduler = this.options.scheduler;
    this.outputRate = (this.providers[0] as SpeechProvider).capabilities.sampleRate;
    this.metrics$ = this.metricsSubject.asObservable();
    for (const p of this.providers) {
      const t = p.capabilities.textInput;
      if (t === 'request' && !p.capabilities.segmentAcks) {
        throw new SpeechError('unsupported', `Provider ${p.name} takes one request per segment but reports no segment acks; the engine cannot tell when a request ends.`, { retryable: false, provider: p.name });
      }
    }
  }

  now(): number {
    return this.scheduler.now();
  }

  /** {@inheritDoc SpeechSession.say} */
  say(input: SpeechInput, options: SayOptions = {}): Observable<SpeechEvent> {
    return new Observable<SpeechEvent>((subscriber) => {
      if (this.closed) {
        subscriber.error(new SpeechError('cancelled', 'The speech session is closed.', { retryable: false }));
        return undefined;
      }
      const reply = new Reply(this, input, subscriber);
      const signal = options.signal;
      let onAbort: (() => void) | undefined;
      if (signal) {
        if (signal.aborted) {
          subscriber.complete();
          return undefined;
        }
        onAbort = () => {
          reply.cancel();
          subscriber.complete();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
      this.queue.push(reply);
      this.next();
      return () => {
        if (signal && onAbort) signal.removeEventListener('abort', onAbort);
        reply.cancel();
      };
    });
  }

  /** {@inheritDoc SpeechSession.interrupt} */
  interrupt(): void {
    this.active?.interrupt();
  }

  /** {@inheritDoc SpeechSession.reportPlayback} */
  reportPlayback(utteranceId: string, playedMs: number): void {
    if (!Number.isFinite(playedMs) || playedMs < 0) return;
    const reply = this.active;
    if (reply && reply.id === utteranceId) reply.onPlayback(playedMs);
  }

  /** {@inheritDoc SpeechSession.warmup} */
  async warmup(): Promise<void> {
    if (this.closed) throw new SpeechError('cancelled', 'The speech session is closed.', { retryable: false });
    const provider = this.providers[0] as SpeechProvider;
    await provider.warmup?.();
    await this.acquire(this.conn?.providerIndex ?? 0);
  }

  /** {@inheritDoc SpeechSession.close} */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new SpeechError('cancelled', 'The speech session was closed.', { retryable: false });
    for (const reply of this.queue.splice(0)) reply.abort(err);
    this.active?.abort(err);
    this.active = undefined;
    this.connecting?.controller.abort();
    this.connecting = undefined;
    if (this.conn) this.drop(this.conn);
    this.metricsSubject.complete();
  }

  /** Called by a reply when it is over (any outcome). */
  replyDone(reply: Reply, report: UtteranceReport | undefined): void {
    const i = this.queue.indexOf(reply);
    if (i >= 0) this.queue.splice(i, 1);
    if (report) this.metricsSubject.next(report);
    if (this.active === reply) {
      this.active = undefined;
      if (this.conn) this.armKeepAlive(this.conn);
      this.next();
    }
  }

  /** Starts the next queued reply when none is active. */
  private next(): void {
    if (this.active || this.closed) return;
    const reply = this.queue.shift();
    if (!reply) return;
    this.active = reply;
    const conn = this.conn;
    const maxAge = conn?.provider.capabilities.maxConnectionAgeMs;
    if (conn && maxAge !== undefined && this.now() - conn.connectedAt >= maxAge) this.drop(conn);
    reply.start(this.conn?.providerIndex ?? 0);
  }

  /** The live connection to provider `index`, connecting when needed. */
  acquire(index: number): Promise<Conn> {
    const conn = this.conn;
    if (conn && !conn.dead) {
      if (conn.providerIndex === index) return Promise.resolve(conn);
      this.drop(conn);
    }
    if (this.connecting) {
      if (this.connecting.index === index) return this.connecting.promise;
      this.connecting.controller.abort();
      this.connecting = undefined;
    }
    const controller = new AbortController();
    const promise = this.open(index, controller);
    const entry = { index, promise, controller };
    this.connecting = entry;
    const clear = (): void => {
      if (this.connecting === entry) this.connecting = undefined;
    };
    promise.then(clear, clear);
    return promise;
  }

  /** Opens a connection: limiter slot, then connect() under the handshake deadline. */
  private open(index: number, controller: AbortController): Promise<Conn> {
    const provider = this.providers[index] as SpeechProvider;
    const { handshakeMs, onLimit } = this.options;
    return new Promise<Conn>((resolve, reject) => {
      let settled = false;
      let deadline: Subscription | undefined;
      let lease: LimiterLease | undefined;
      const fail = (error: SpeechError): void => {
        if (settled) return;
        settled = true;
        deadline?.unsubscribe();
        lease?.release();
        controller.abort();
        reject(error);
      };
      controller.signal.addEventListener('abort', () => fail(new SpeechError('cancelled', 'Connecting was cancelled.', { provider: provider.name })), { once: true });
      limiterFor(provider)
        .acquireConnection(onLimit, controller.signal)
        .then(
          (granted) => {
            if (settled) return granted.release();
            lease = granted;
            deadline = timer(this.scheduler, handshakeMs, () =>
              fail(new SpeechError('timeout', `Connecting to ${provider.name} took longer than ${handshakeMs} ms.`, { provider: provider.name })),
            );
            let pending: Promise<SpeechConnection>;
            try {
              pending = provider.connect({ signal: controller.signal });
            } catch (err) {
              pending = Promise.reject(err);
            }
            pending.then(
              (connection) => {
                if (settled) {
                  connection.close();
                  return;
                }
                settled = true;
                deadline?.unsubscribe();
                resolve(this.attach(connection, provider, index, granted));
              },
              (err: unknown) => fail(SpeechError.from(err, 'connection', { provider: provider.name })),
            );
          },
          (err: unknown) => fail(SpeechError.from(err, 'rate-limit', { provider: provider.name })),
        );
    });
  }

  private attach(connection: SpeechConnection, provider: SpeechProvider, index: number, lease: LimiterLease): Conn {
    const conn: Conn = {
      connection,
      provider,
      providerIndex: index,
      connectedAt: this.now(),
      lease,
      sub: undefined,
      dead: false,
      lastSendAt: this.now(),
      keepAliveTimer: undefined,
    };
    if (this.closed) {
      this.conn = conn;
      this.drop(conn);
      return conn;
    }
    if (this.conn && this.conn !== conn) this.drop(this.conn);
    this.conn = conn;
    conn.sub = connection.events.subscribe({
      next: (event) => this.onEvent(conn, event),
      error: (err: unknown) => this.onDead(conn, SpeechError.from(err, 'connection', { provider: provider.name })),
      complete: () => this.onDead(conn, new SpeechError('connection', `The connection to ${provider.name} closed.`, { provider: provider.name })),
    });
    if (!this.active) this.armKeepAlive(conn);
    return conn;
  }

  /** Closes and forgets a connection (its late events are ignored). */
  drop(conn: Conn): void {
    if (this.conn === conn) this.conn = undefined;
    if (conn.dead) return;
    conn.dead = true;
    conn.keepAliveTimer?.unsubscribe();
    conn.sub?.unsubscribe();
    conn.lease.release();
    try {
      conn.connection.close();
    } catch {
      // close() must not throw; ignore if it does
    }
  }

  /** Records that something was sent (for keepalive idleness). */
  touched(conn: Conn): void {
    conn.lastSendAt = this.now();
  }

  private armKeepAlive(conn: Conn): void {
    const interval = conn.provider.capabilities.keepAliveIntervalMs;
    if (interval === undefined || !conn.connection.keepAlive || conn.dead) return;
    conn.keepAliveTimer?.unsubscribe();
    const tick = (): void => {
      if (conn.dead) return;
      const idle = this.now() - conn.lastSendAt;
      if (idle >= interval) {
        conn.connection.keepAlive?.();
        conn.lastSendAt = this.now();
        conn.keepAliveTimer = timer(this.scheduler, interval, tick);
      } else {
        conn.keepAliveTimer = timer(this.scheduler, interval - idle, tick);
      }
    };
    conn.keepAliveTimer = timer(this.scheduler, interval - (this.now() - conn.lastSendAt), tick);
  }

  private onEvent(conn: Conn, event: ConnectionEvent): void {
    if (conn.dead) return;
    if (event.type === 'closed') {
      this.onDead(conn, event.error ?? new SpeechError('connection', `The connection to ${conn.provider.name} closed.`, { provider: conn.provider.name }));
      return;
    }
    if (event.type === 'error' && event.utteranceId === undefined) {
      this.onDead(conn, event.error);
      return;
    }
    const reply = this.active;
    if (reply && reply.owns(conn, event.utteranceId)) reply.onEvent(event);
    // Anything else is late output of a cancelled or finished generation: dropped.
  }

  private onDead(conn: Conn, error: SpeechError): void {
    if (conn.dead) return;
    this.drop(conn);
    const reply = this.active;
    if (reply && reply.usesConn(conn)) reply.fail(error, true);
  }
}

/** A held item of a segment not yet at the head of output. */
type Held = { readonly kind: 'audio'; readonly pcm: Int16Array } | { readonly kind: 'word'; readonly word: ProviderWord };

/** Engine state of one segment. */
interface Seg extends EngineSegment {
  readonly index: number;
  /** `segment` event emitted. */
  announced: boolean;
  /** `segment-end` emitted. */
  ended: boolean;
  /** All of its audio has arrived (acks, utterance-done) or nothing needs sending. */
  done: boolean;
  /** Sent in the current generation. */
  sent: boolean;
  /** Offset in `speakable` where the text to send begins (after a fallback resume). */
  sendOffset: number;
  firstSentAt: number | undefined;
  firstAudioAt: number | undefined;
  charsSent: number;
  /** Items waiting until the segment is at the head. */
  held: Held[];
  /** Samples emitted (output rate). */
  emitted: number;
  /** Reply sample position where its audio starts (set when it becomes the head). */
  startSample: number;
  /** Samples of incoming audio still to drop (replay of a partly emitted segment). */
  skip: number;
  /** Segment-relative start of the last word emitted (acks), to drop replayed words. */
  lastWordMs: number;
  /** Words emitted: original end offset and reply-time end, for `spokenText`. */
  words: Array<{ readonly end: number; readonly endMs: number }>;
  /** Reply sample where the next segment starts, known from word timings (no acks). */
  boundary: number | undefined;
  /** Search position for unattributed words in `speakable` (no acks). */
  wordCursor: number;
}

/** One provider generation of a reply (a new one after each reconnect/replay). */
interface Gen {
  readonly id: string;
  readonly conn: Conn;
  readonly provider: SpeechProvider;
  sentAny: boolean;
  finished: boolean;
  utteranceDone: boolean;
  /** Reply sample position where this generation's audio begins (no acks). */
  readonly baseSample: number;
  /** Samples of this generation's audio to drop (no acks: already emitted). */
  skip: number;
  receivedMs: number;
  chars: number;
  rpmCounted: boolean;
}

type Outcome = UtteranceReport['outcome'];

/** One reply. @internal */
export class Reply {
  readonly id = newUtteranceId();
  private readonly opts: ResolvedOptions;
  private readonly scheduler: SchedulerLike;
  private readonly rate: number;
  private original = '';
  private readonly segs: Seg[] = [];
  private segmenter: EngineSegmenter | undefined;
  private input: InputHandle | undefined;
  private inputEnded = false;
  private state: 'queued' | 'active' | 'over' = 'queued';
  private head = 0;
  private emitted = 0;
  private gen: Gen | undefined;
  private genCount = 0;
  private connecting = false;
  private recovering: Subscription | undefined;
  private waitTimer: Subscription | undefined;
  private watchdog: Subscription | undefined;
  private lastProgressAt = 0;
  private providerIndex = 0;
  private retries = 0;
  private totalRetries = 0;
  private played: number | undefined;
  private lastWordReplyMs = -1;
  /** First segment whose completion is not confirmed (no acks), and its start sample. */
  private confirmedIdx = 0;
  private confirmedSample = 0;
  private learnedChars = 0;
  private learnedMs = 0;
  // metrics
  private readonly startedAt: number;
  private firstTokenAt: number | undefined;
  private firstSentAt: number | undefined;
  private firstAudioAt: number | undefined;
  private lastAudioArrivalAt: number | undefined;
  private charsSent = 0;

  constructor(
    private readonly session: Session,
    private readonly source: SpeechInput,
    private readonly out: Subscriber<SpeechEvent>,
  ) {
    this.opts = session.options;
    this.scheduler = session.scheduler;
    this.rate = session.outputRate;
    this.startedAt = this.scheduler.now();
  }

  private now(): number {
    return this.scheduler.now();
  }

  private get provider(): SpeechProvider {
    return this.session.providers[this.providerIndex] as SpeechProvider;
  }

  private get acks(): boolean {
    return this.provider.capabilities.segmentAcks;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Becomes the active reply: starts reading the input. */
  start(providerIndex: number): void {
    if (this.state !== 'queued') return;
    this.state = 'active';
    this.providerIndex = providerIndex;
    try {
      this.segmenter = createEngineSegmenter(this.opts.segmenter);
    } catch (err) {
      this.terminal(SpeechError.from(err, 'invalid-input', { retryable: false }));
      return;
    }
    this.input = startInput(this.source, {
      next: (delta) => this.onDelta(delta),
      end: () => this.onInputEnd(),
      error: (error) => this.terminal(error),
    });
  }

  owns(conn: Conn, utteranceId: string | undefined): boolean {
    return this.state === 'active' && this.gen !== undefined && this.gen.conn === conn && this.gen.id === utteranceId;
  }

  usesConn(conn: Conn): boolean {
    return this.state === 'active' && this.gen !== undefined && this.gen.conn === conn;
  }

  private get over(): boolean {
    return this.state === 'over' || this.out.closed;
  }

  private emit(event: SpeechEvent): boolean {
    if (this.over) return false;
    this.out.next(event);
    return !this.over;
  }

  // ---------------------------------------------------------------- input

  private onDelta(delta: string): void {
    if (this.over || delta.length === 0) return;
    this.firstTokenAt ??= this.now();
    this.original += delta;
    let segments: EngineSegment[];
    try {
      segments = (this.segmenter as EngineSegmenter).push(delta);
    } catch (err) {
      this.terminal(SpeechError.from(err, 'invalid-input', { retryable: false }));
      return;
    }
    this.addSegments(segments);
  }

  private onInputEnd(): void {
    if (this.over) return;
    let segments: EngineSegment[];
    try {
      segments = (this.segmenter as EngineSegmenter).end();
    } catch (err) {
      this.terminal(SpeechError.from(err, 'invalid-input', { retryable: false }));
      return;
    }
    this.inputEnded = true;
    this.input = undefined;
    this.addSegments(segments);
  }

  private addSegments(segments: readonly EngineSegment[]): void {
    const max = this.provider.capabilities.maxCharsPerRequest;
    for (const raw of segments) {
      for (const piece of splitSegment(raw, (a, b) => this.original.slice(a, b), max)) {
        const seg: Seg = {
          ...piece,
          index: this.segs.length,
          announced: false,
          ended: false,
          done: piece.speakable.trim().length === 0,
          sent: false,
          sendOffset: 0,
          firstSentAt: undefined,
          firstAudioAt: undefined,
          charsSent: 0,
          held: [],
          emitted: 0,
          startSample: 0,
          skip: 0,
          lastWordMs: -1,
          words: [],
          boundary: undefined,
          wordCursor: 0,
        };
        this.segs.push(seg);
      }
    }
    this.advance();
    this.pump();
  }

  // ---------------------------------------------------------------- output

  /** Emits what can be emitted at the head, in order; completes the reply at the end. */
  private advance(): void {
    while (!this.over && this.head < this.segs.length) {
      const seg = this.segs[this.head] as Seg;
      if (!seg.announced) {
        seg.announced = true;
        seg.startSample = this.emitted;
        if (!this.emit({ type: 'segment', utteranceId: this.id, segmentId: seg.index, text: seg.text, start: seg.start, end: seg.end, speakable: seg.speakable, reason: seg.reason })) return;
      }
      if (seg.held.length > 0) {
        const held = seg.held;
        seg.held = [];
        for (const item of held) {
          if (item.kind === 'audio') this.emitAudio(seg, item.pcm);
          else this.emitWord(seg, item.word);
          if (this.over) return;
        }
      }
      if (!seg.done) {
        if (this.acks || !this.boundaryReached(seg)) break;
      }
      this.endHead(seg);
    }
    if (!this.over && this.inputEnded && this.head >= this.segs.length) this.complete();
  }

  /** No acks: true when a later segment is known to have started at or before the emitted position. */
  private boundaryReached(seg: Seg): boolean {
    return seg.boundary !== undefined && this.emitted >= seg.boundary;
  }

  private endHead(seg: Seg): void {
    seg.ended = true;
    this.head = seg.index + 1;
    const evidence = this.acks ? seg.done : seg.done || seg.boundary !== undefined;
    if (evidence && seg.sendOffset === 0) this.learn(seg);
    if (!this.acks && evidence && seg.index + 1 > this.confirmedIdx) {
      this.confirmedIdx = seg.index + 1;
      this.confirmedSample = this.emitted;
    }
    this.emit({ type: 'segment-end', utteranceId: this.id, segmentId: seg.index, audioMs: (seg.emitted * 1000) / this.rate });
  }

  private emitAudio(seg: Seg, pcm: Int16Array): void {
    if (pcm.length === 0) return;
    const offsetMs = (this.emitted * 1000) / this.rate;
    this.emitted += pcm.length;
    seg.emitted += pcm.length;
    this.firstAudioAt ??= this.now();
    this.emit({ type: 'audio', utteranceId: this.id, segmentId: seg.index, pcm, sampleRate: this.rate, offsetMs });
  }

  /** Emits a word; `word.startMs` is segment-relative with acks, reply-relative (already shifted) without. */
  private emitWord(seg: Seg, word: ProviderWord): void {
    const base = this.acks ? (seg.startSample * 1000) / this.rate : 0;
    const startMs = base + word.startMs;
    const endMs = base + word.endMs;
    if (this.acks) {
      if (word.startMs <= seg.lastWordMs) return; // replayed word already emitted
      seg.lastWordMs = word.startMs;
    }
    const located = this.locateWord(seg, word);
    if (located) seg.words.push({ end: located.end, endMs });
    this.lastWordReplyMs = Math.max(this.lastWordReplyMs, startMs);
    this.emit({
      type: 'word',
      utteranceId: this.id,
      segmentId: seg.index,
      text: word.text,
      startMs,
      endMs,
      ...(located ? { start: located.start, end: located.end } : {}),
    });
  }

  /** Original offsets of a word of `seg`, from its text offset or by searching the speakable text. */
  private locateWord(seg: Seg, word: ProviderWord): { start: number; end: number } | undefined {
    let at: number;
    if (word.textOffset !== undefined && this.acks) {
      at = seg.sendOffset + word.textOffset;
    } else {
      const found = findWord(seg.speakable, word.text, seg.wordCursor);
      if (found < 0) return undefined;
      at = found;
    }
    const endAt = Math.min(seg.speakable.length, at + word.text.length);
    seg.wordCursor = Math.max(seg.wordCursor, endAt);
    return { start: seg.toOriginal(at), end: seg.toOriginal(endAt) };
  }

  private complete(): void {
    const metrics = this.metrics(0);
    this.finishReply('completed', metrics, () => {
      this.out.next({ type: 'utterance-end', utteranceId: this.id, text: this.original, metrics });
      this.out.complete();
    });
  }

  // ---------------------------------------------------------------- sending

  /** Sends what may be sent now (connection, pipeline window, pacing, rate limit permitting). */
  private pump(): void {
    if (this.over || this.state !== 'active' || this.recovering) return;
    const caps = this.provider.capabilities;
    const gen = this.gen;
    const from = Math.min(this.head, this.resendFrom);
    if (!gen) {
      for (let i = from; i < this.segs.length; i++) {
        const s = this.segs[i] as Seg;
        if (!s.done && !s.sent) {
          this.connect();
          break;
        }
      }
      return;
    }
    const maxInFlight = caps.textInput === 'request' ? Math.max(1, caps.maxConcurrentRequests ?? 1) : Number.POSITIVE_INFINITY;
    let inFlight = 0;
    for (let i = this.head; i < this.segs.length; i++) {
      const s = this.segs[i] as Seg;
      if (s.sent && !s.done) inFlight++;
    }
    for (let i = from; i < this.segs.length; i++) {
      const seg = this.segs[i] as Seg;
      if (seg.done || seg.sent) continue;
      if (inFlight >= maxInFlight) return;
      if (gen.sentAny && this.paceWait()) return;
      if (!this.rateLimitOk(gen)) return;
      const text = seg.speakable.slice(seg.sendOffset);
      // The watchdog counts from the first text that is owed audio, not from later sends.
      const owed = this.outstanding();
      seg.sent = true;
      seg.firstSentAt ??= this.now();
      seg.charsSent += text.length;
      this.charsSent += text.length;
      gen.chars += text.length;
      this.firstSentAt ??= this.now();
      if (!gen.sentAny) {
        gen.sentAny = true;
      }
      inFlight++;
      this.session.touched(gen.conn);
      if (!owed) this.progress();
      gen.conn.connection.send({ utteranceId: gen.id, segmentId: seg.index, text });
      if (this.over || this.gen !== gen) return;
    }
    this.resendFrom = Number.POSITIVE_INFINITY;
    if (this.inputEnded && gen.sentAny && !gen.finished && this.allSent()) {
      const owed = this.outstanding();
      gen.finished = true;
      this.session.touched(gen.conn);
      if (!owed) this.progress();
      gen.conn.connection.finish(gen.id);
    }
  }

  private allSent(): boolean {
    for (let i = Math.min(this.head, this.resendFrom); i < this.segs.length; i++) {
      const s = this.segs[i] as Seg;
      if (!s.done && !s.sent) return false;
    }
    return true;
  }

  /** Pacing: true (and a re-check scheduled) when too much unplayed audio is ahead. */
  private paceWait(): boolean {
    const budget = this.opts.maxBufferedAudioMs;
    if (budget === undefined) return false;
    const ahead = this.bufferedAheadMs();
    if (ahead <= budget) return false;
    if (this.played === undefined) this.wait(ahead - budget);
    return true;
  }

  /** Audio emitted or expected from sent text, minus what has been played, in ms. */
  private bufferedAheadMs(): number {
    let expected = (this.emitted * 1000) / this.rate;
    for (let i = this.head; i < this.segs.length; i++) {
      const s = this.segs[i] as Seg;
      if (s.sent && !s.done) expected += Math.max(0, this.estimateMs(s) - (s.emitted * 1000) / this.rate);
    }
    return expected - this.playedMs();
  }

  private playedMs(): number {
    if (this.played !== undefined) return this.played;
    return this.firstAudioAt === undefined ? 0 : this.now() - this.firstAudioAt;
  }

  /** Requests-per-minute limiter: true when a request may be made now (and it is counted). */
  private rateLimitOk(gen: Gen): boolean {
    const perRequest = this.provider.capabilities.textInput === 'request';
    if (!perRequest && gen.rpmCounted) return true;
    const limiter = limiterFor(gen.provider);
    const waitMs = limiter.tryRequest(this.now());
    if (waitMs === 0) {
      gen.rpmCounted = true;
      return true;
    }
    if (this.opts.onLimit === 'fail') {
      this.terminal(new SpeechError('rate-limit', `In-process limit of ${limiter.requestsPerMinute} requests per minute reached for ${gen.provider.name}.`, { retryable: false, provider: gen.provider.name }));
      return false;
    }
    this.wait(waitMs);
    return false;
  }

  private wait(ms: number): void {
    if (this.waitTimer) return;
    this.waitTimer = timer(this.scheduler, ms, () => {
      this.waitTimer = undefined;
      this.pump();
    });
  }

  /** Reported playback position (ms from the start of the reply). */
  onPlayback(playedMs: number): void {
    this.played = Math.max(this.played ?? 0, playedMs);
    this.pump();
  }

  /** Opens (or reuses) the connection and starts a generation on it. */
  private connect(): void {
    if (this.connecting) return;
    this.connecting = true;
    const index = this.providerIndex;
    this.session.acquire(index).then(
      (conn) => {
        this.connecting = false;
        if (this.over || this.state !== 'active' || this.recovering || this.gen) return;
        if (conn.dead) {
          this.fail(new SpeechError('connection', `The connection to ${conn.provider.name} closed.`, { provider: conn.provider.name }), true);
          return;
        }
        this.newGeneration(conn);
        this.pump();
      },
      (err: unknown) => {
        this.connecting = false;
        if (this.over || this.state !== 'active') return;
        this.fail(SpeechError.from(err, 'connection', { provider: this.provider.name }), true);
      },
    );
  }

  private newGeneration(conn: Conn): void {
    const count = this.genCount++;
    this.gen = {
      id: count === 0 ? this.id : `${this.id}~${count}`,
      conn,
      provider: conn.provider,
      sentAny: false,
      finished: false,
      utteranceDone: false,
      baseSample: this.acks ? 0 : this.confirmedSample,
      skip: this.acks ? 0 : this.emitted - this.confirmedSample,
      receivedMs: 0,
      chars: 0,
      rpmCounted: false,
    };
  }

  // ---------------------------------------------------------------- receiving

  onEvent(event: ConnectionEvent): void {
    const gen = this.gen;
    if (!gen || this.over) return;
    switch (event.type) {
      case 'audio':
        this.progress();
        this.onAudio(gen, event.segmentId, event.pcm, event.sampleRate);
        break;
      case 'word':
        this.progress();
        this.onWord(gen, event.segmentId, event.word);
        break;
      case 'segment-done': {
        this.progress();
        const seg = this.segs[event.segmentId];
        if (seg && seg.sent && !seg.done) {
          seg.done = true;
          if (seg.index === this.head) this.advance();
          this.pump();
        }
        break;
      }
      case 'utterance-done':
        this.progress();
        gen.utteranceDone = true;
        for (let i = this.head; i < this.segs.length; i++) {
          const seg = this.segs[i] as Seg;
          if (seg.sent && !seg.done) seg.done = true;
        }
        this.advance();
        this.pump();
        break;
      case 'error':
        this.fail(event.error, false);
        break;
      default:
        break;
    }
  }

  private onAudio(gen: Gen, segmentId: number | undefined, input: Int16Array, sampleRate: number): void {
    let pcm = sampleRate === this.rate || input.length === 0 ? input : resample(input, sampleRate, this.rate);
    if (pcm.length === 0) return;
    const now = this.now();
    this.lastAudioArrivalAt = now;
    gen.receivedMs += (pcm.length * 1000) / this.rate;
    if (gen.receivedMs > RUNAWAY_BASE_MS + RUNAWAY_PER_CHAR_MS * gen.chars) {
      this.fail(new SpeechError('protocol', `${gen.provider.name} sent far more audio than the text can take; treating the generation as runaway.`, { provider: gen.provider.name }), true);
      return;
    }
    if (this.acks) {
      const seg = this.segs[segmentId ?? this.head];
      if (!seg || !seg.sent || seg.done) return;
      seg.firstAudioAt ??= now;
      if (seg.skip > 0) {
        const drop = Math.min(seg.skip, pcm.length);
        seg.skip -= drop;
        pcm = pcm.subarray(drop);
        if (pcm.length === 0) return;
      }
      if (seg.index === this.head) this.emitAudio(seg, pcm);
      else seg.held.push({ kind: 'audio', pcm });
      return;
    }
    // In-order audio of the whole reply.
    if (gen.skip > 0) {
      const drop = Math.min(gen.skip, pcm.length);
      gen.skip -= drop;
      pcm = pcm.subarray(drop);
    }
    while (pcm.length > 0 && !this.over) {
      const seg = this.segs[this.head];
      if (!seg) return; // audio with no text left to attribute it to: dropped
      if (!seg.sent && !seg.done) {
        // Audio for text not sent in this generation cannot exist; attribute to the head anyway.
      }
      seg.firstAudioAt ??= now;
      const limit = this.boundaryFor(seg);
      if (limit !== undefined && this.emitted + pcm.length > limit) {
        const n = Math.max(0, limit - this.emitted);
        if (n > 0) this.emitAudio(seg, pcm.subarray(0, n));
        pcm = pcm.subarray(n);
        if (this.over) return;
        this.endHead(seg);
        this.advance();
        continue;
      }
      this.emitAudio(seg, pcm);
      break;
    }
    if (!this.over && this.head < this.segs.length) {
      const seg = this.segs[this.head] as Seg;
      if (this.boundaryReached(seg) || this.estimateReached(seg)) {
        this.endHead(seg);
        this.advance();
      }
    }
  }

  /** No acks: reply sample where the head segment ends (from word timings or an estimate). */
  private boundaryFor(seg: Seg): number | undefined {
    if (seg.boundary !== undefined) return seg.boundary;
    if (!this.canEstimateEnd(seg)) return undefined;
    return seg.startSample + Math.round((this.estimateMs(seg) * this.rate) / 1000);
  }

  /** An estimate may end a segment only when the next segment has been sent and has no word timing yet. */
  private canEstimateEnd(seg: Seg): boolean {
    if (this.provider.capabilities.wordTimestamps) return false;
    for (let i = seg.index + 1; i < this.segs.length; i++) {
      const next = this.segs[i] as Seg;
      if (next.sent) return true;
      if (!next.done) return false;
    }
    return false;
  }

  private estimateReached(seg: Seg): boolean {
    const limit = this.boundaryFor(seg);
    return limit !== undefined && seg.boundary === undefined && this.emitted >= limit && seg.emitted > 0;
  }

  private onWord(gen: Gen, segmentId: number | undefined, word: ProviderWord): void {
    if (this.acks) {
      const seg = this.segs[segmentId ?? this.head];
      if (!seg || !seg.sent || seg.done) return;
      if (seg.index === this.head) this.emitWord(seg, word);
      else seg.held.push({ kind: 'word', word });
      return;
    }
    // In-order: shift to reply time, find the segment by its text.
    const shifted: ProviderWord = {
      ...word,
      startMs: (gen.baseSample * 1000) / this.rate + word.startMs,
      endMs: (gen.baseSample * 1000) / this.rate + word.endMs,
    };
    if (shifted.startMs <= this.lastWordReplyMs) return; // replayed word already emitted
    let target: Seg | undefined;
    for (let i = this.head; i < this.segs.length; i++) {
      const s = this.segs[i] as Seg;
      if (!s.sent) {
        if (s.done) continue; // nothing speakable: never sent
        break;
      }
      if (findWord(s.speakable, word.text, i === this.head ? s.wordCursor : 0) >= 0) {
        target = s;
        break;
      }
    }
    target ??= this.segs[this.head];
    if (!target) return;
    if (target.index > this.head) {
      const startSample = Math.round((shifted.startMs * this.rate) / 1000);
      for (let i = this.head; i < target.index; i++) {
        const s = this.segs[i] as Seg;
        if (s.boundary === undefined) s.boundary = Math.max(startSample, this.emitted > startSample && i === this.head ? this.emitted : startSample);
      }
      target.held.push({ kind: 'word', word: shifted });
      this.advance();
      return;
    }
    this.emitWord(target, shifted);
  }

  /** Learns the speaking rate from a completed segment. */
  private learn(seg: Seg): void {
    const len = seg.speakable.length;
    const ms = (seg.emitted * 1000) / this.rate;
    if (len > 0 && ms > 0) {
      this.learnedChars += len;
      this.learnedMs += ms;
    }
  }

  private charsPerSecond(): number {
    if (this.learnedChars > 0 && this.learnedMs > 200) return (this.learnedChars * 1000) / this.learnedMs;
    return DEFAULT_CHARS_PER_SECOND;
  }

  /** Estimated audio duration of a segment, in ms. */
  private estimateMs(seg: Seg): number {
    return (seg.speakable.length * 1000) / this.charsPerSecond();
  }

  // ---------------------------------------------------------------- watchdog

  /** Something happened: re-arm the first-audio / stall watchdog. */
  private progress(): void {
    this.lastProgressAt = this.now();
    if (!this.watchdog) this.armWatchdog(this.opts.firstAudioMs);
  }

  private armWatchdog(delay: number): void {
    this.watchdog = timer(this.scheduler, delay, () => {
      this.watchdog = undefined;
      if (this.over || !this.outstanding()) return;
      const idle = this.now() - this.lastProgressAt;
      if (idle >= this.opts.firstAudioMs) {
        const gen = this.gen as Gen;
        this.fail(new SpeechError('timeout', `No audio from ${gen.provider.name} for ${this.opts.firstAudioMs} ms after sending text.`, { provider: gen.provider.name }), true);
      } else this.armWatchdog(this.opts.firstAudioMs - idle);
    });
  }

  /** True when audio is owed by the provider. */
  private outstanding(): boolean {
    const gen = this.gen;
    if (!gen || !gen.sentAny) return false;
    if (!this.acks && gen.finished) return !gen.utteranceDone;
    for (let i = this.head; i < this.segs.length; i++) {
      const s = this.segs[i] as Seg;
      if (s.sent && !s.done) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- failures and recovery

  /**
   * A failure of the current generation. Retries (reconnect + replay) while allowed, then moves to the
   * next fallback provider, then fails the reply with the unspoken text.
   * @param closeConn the connection is unusable (or suspect, e.g. stalled) and is closed
   */
  fail(error: SpeechError, closeConn: boolean): void {
    if (this.over || this.state !== 'active') return;
    this.endGeneration(closeConn);
    if (error.code === 'cancelled' || error.code === 'invalid-input') {
      this.terminal(error);
      return;
    }
    // A protocol violation that broke the connection is worth a fresh connection (a corrupted frame);
    // one on a live connection (e.g. a rejected request) is not.
    const retryable = error.retryable || (closeConn && error.code === 'protocol');
    const sameProvider = retryable && this.retries < this.opts.maxRetries;
    if (!sameProvider && this.providerIndex + 1 >= this.session.providers.length) {
      this.terminal(error);
      return;
    }
    let delay = 0;
    let switching = false;
    if (sameProvider) {
      this.retries++;
      delay = this.backoff(this.retries);
    } else {
      this.providerIndex++;
      this.retries = 0;
      switching = true;
    }
    this.totalRetries++;
    this.recovering = timer(this.scheduler, delay, () => {
      this.recovering = undefined;
      if (this.over) return;
      this.prepareReplay(switching);
      this.pump();
    });
  }

  private backoff(attempt: number): number {
    const { initialDelayMs, maxDelayMs, jitter } = this.opts;
    return backoffDelay(attempt, { initialDelayMs, maxDelayMs, jitter });
  }

  /** Marks what has to be sent again after a failure. */
  private prepareReplay(switching: boolean): void {
    if (!switching) {
      if (this.acks) {
        // Segments whose audio has not completely arrived are sent again; the head drops the samples
        // it already emitted (deterministic engines splice seamlessly), the others drop partial buffers.
        for (let i = this.head; i < this.segs.length; i++) {
          const s = this.segs[i] as Seg;
          if (s.done) continue;
          s.held = [];
          s.sent = false;
          if (i === this.head) s.skip = s.emitted;
          else {
            s.skip = 0;
            s.lastWordMs = -1;
          }
        }
        this.resendFrom = this.head;
        return;
      }
      // No acks: replay from the first segment not known to be complete; the new generation's audio up
      // to what was already emitted is skipped (see newGeneration).
      for (let i = this.confirmedIdx; i < this.segs.length; i++) {
        const s = this.segs[i] as Seg;
        s.sent = false;
        s.held = [];
        s.boundary = undefined;
        s.done = s.speakable.trim().length === 0;
      }
      this.resendFrom = this.confirmedIdx;
      return;
    }
    // A different provider: its audio cannot be spliced by samples. Resume the head segment at the first
    // word not yet heard (by word timings or an estimate) and resend everything after it.
    for (let i = this.head; i < this.segs.length; i++) {
      const s = this.segs[i] as Seg;
      if (s.done && s.speakable.trim().length === 0) continue;
      if (s.done && this.acks && i > this.head) continue; // complete audio already held
      s.done = false;
      s.sent = false;
      s.held = [];
      s.skip = 0;
      s.boundary = undefined;
      s.lastWordMs = -1;
    }
    this.confirmedIdx = this.head;
    this.confirmedSample = this.emitted;
    this.resendFrom = this.head;
    const head = this.segs[this.head];
    if (head && head.emitted > 0 && !head.ended) {
      const heard = this.heardInSegment(head, (this.emitted * 1000) / this.rate);
      let resume = heard.speakableEnd;
      while (resume < head.speakable.length && /\s/.test(head.speakable[resume] ?? '')) resume++;
      head.sendOffset = Math.max(head.sendOffset, resume);
      head.wordCursor = head.sendOffset;
      head.words = head.words.filter((w) => w.end <= head.toOriginal(head.sendOffset));
      if (head.speakable.slice(head.sendOffset).trim().length === 0) head.done = true;
    }
  }

  /** First index to consider for sending (below the head only while replaying without acks). */
  private resendFrom = Number.POSITIVE_INFINITY;

  /** Detaches the current generation and ends it at the provider (cancel, or close where needed). */
  private endGeneration(closeConn: boolean): void {
    this.watchdog?.unsubscribe();
    this.watchdog = undefined;
    this.waitTimer?.unsubscribe();
    this.waitTimer = undefined;
    const gen = this.gen;
    if (!gen) return;
    const owed = this.outstanding();
    this.gen = undefined;
    if (gen.conn.dead) return;
    if (closeConn || (owed && gen.provider.capabilities.cancel === 'close')) {
      this.session.drop(gen.conn);
      return;
    }
    if (owed) {
      gen.conn.connection.cancel(gen.id);
      this.session.touched(gen.conn);
    }
  }

  /** Fails the reply for good, with the text that was not spoken. */
  private terminal(error: SpeechError): void {
    if (this.over) return;
    const from = this.segs[this.head]?.start ?? this.segs[this.segs.length - 1]?.end ?? 0;
    const unspoken = this.original.slice(from);
    const provider = error.provider ?? (error.code === 'invalid-input' ? undefined : this.provider.name);
    const wrapped =
      (error.unspokenText === undefined && unspoken.length > 0) || provider !== error.provider
        ? new SpeechError(error.code, error.message, {
            retryable: error.retryable,
            ...(provider === undefined ? {} : { provider }),
            ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
            cause: error,
            ...(unspoken.length > 0 ? { unspokenText: error.unspokenText ?? unspoken } : {}),
          })
        : error;
    const metrics = this.metrics(this.wasted());
    this.finishReply('failed', metrics, () => this.out.error(wrapped));
  }

  // ---------------------------------------------------------------- cancel / interrupt

  /** Unsubscribe or abort: stop everything, emit nothing more. */
  cancel(): void {
    if (this.state === 'over') return;
    if (this.state === 'queued') {
      this.state = 'over';
      this.session.replyDone(this, undefined);
      return;
    }
    const metrics = this.metrics(this.wasted());
    this.finishReply('cancelled', metrics);
  }

  /** Session closed: fail with `cancelled`. */
  abort(error: SpeechError): void {
    if (this.state === 'over') return;
    if (this.state === 'queued') {
      this.state = 'over';
      this.out.error(error);
      return;
    }
    const metrics = this.metrics(this.wasted());
    this.finishReply('cancelled', metrics, () => this.out.error(error));
  }

  /** Barge-in. */
  interrupt(): void {
    if (this.state !== 'active' || this.over) return;
    const hasPlayback = this.played !== undefined;
    const playedMs = Math.min(hasPlayback ? (this.played as number) : Number.POSITIVE_INFINITY, (this.emitted * 1000) / this.rate);
    const spoken = this.spokenAt(playedMs);
    const basis: 'playback' | 'words' | 'estimate' = hasPlayback ? 'playback' : spoken.byWords ? 'words' : 'estimate';
    const metrics = this.metrics(Math.max(0, this.uniqueCharsSent() - spoken.heardChars));
    this.finishReply('interrupted', metrics, () => {
      this.out.next({
        type: 'interrupted',
        utteranceId: this.id,
        spokenText: this.original.slice(0, spoken.end),
        spokenEnd: spoken.end,
        playedMs,
        basis,
        metrics,
      });
      this.out.complete();
    });
  }

  /**
   * Common end of a reply: stop input, timers, provider generation; then `settle` emits the reply's
   * last event (or error) and only then does the session report metrics and start the next reply,
   * so the events of consecutive replies never interleave.
   */
  private finishReply(outcome: Outcome, metrics: UtteranceMetrics, settle?: () => void): void {
    if (this.state === 'over') return;
    this.input?.stop();
    this.input = undefined;
    this.recovering?.unsubscribe();
    this.recovering = undefined;
    this.endGeneration(false);
    this.state = 'over';
    settle?.();
    this.session.replyDone(this, { utteranceId: this.id, outcome, metrics });
  }

  /** The original text heard at reply time `playedMs`, ending at a word boundary. */
  private spokenAt(playedMs: number): { end: number; heardChars: number; byWords: boolean } {
    let end = 0;
    let heardChars = 0;
    let byWords = false;
    for (const seg of this.segs) {
      if (!seg.announced) break;
      const segStartMs = (seg.startSample * 1000) / this.rate;
      const segEndMs = segStartMs + (seg.emitted * 1000) / this.rate;
      if (seg.ended && playedMs >= segEndMs && seg.speakable.trim().length === 0) {
        continue;
      }
      if (seg.ended && playedMs >= segEndMs) {
        end = seg.end;
        heardChars += seg.speakable.length;
        continue;
      }
      if (playedMs <= segStartMs) break;
      const heard = this.heardInSegment(seg, playedMs);
      byWords ||= heard.byWords;
      if (heard.speakableEnd > 0) end = seg.toOriginal(heard.speakableEnd);
      heardChars += heard.speakableEnd;
      break;
    }
    // End at a word boundary: drop trailing whitespace and an unfinished word.
    let text = this.original.slice(0, end);
    const trimmed = text.trimEnd();
    text = trimmed;
    return { end: text.length, heardChars, byWords };
  }

  /** Speakable chars of `seg` heard at reply time `playedMs` (whole words only). */
  private heardInSegment(seg: Seg, playedMs: number): { speakableEnd: number; byWords: boolean } {
    const segStartMs = (seg.startSample * 1000) / this.rate;
    // With word timings, a word is heard when its end was played; none yet means none of this segment.
    if (seg.words.length > 0 || (this.provider.capabilities.wordTimestamps && seg.sendOffset === 0)) {
      let best = -1;
      for (const w of seg.words) if (w.endMs <= playedMs) best = Math.max(best, w.end);
      if (best < 0) return { speakableEnd: 0, byWords: true };
      // map original end back to speakable position
      let pos = 0;
      for (let i = 0; i <= seg.speakable.length; i++) if (seg.toOriginal(i) <= best) pos = i;
      return { speakableEnd: wordBoundaryBefore(seg.speakable, pos), byWords: true };
    }
    const totalMs = seg.done ? (seg.emitted * 1000) / this.rate : Math.max((seg.emitted * 1000) / this.rate, this.estimateMs(seg));
    if (totalMs <= 0) return { speakableEnd: 0, byWords: false };
    const fraction = Math.min(1, Math.max(0, (playedMs - segStartMs) / totalMs));
    const pos = Math.floor(fraction * seg.speakable.length);
    return { speakableEnd: wordBoundaryBefore(seg.speakable, pos), byWords: false };
  }

  private uniqueCharsSent(): number {
    let n = 0;
    for (const s of this.segs) if (s.charsSent > 0) n += s.speakable.length;
    return n;
  }

  private wasted(): number {
    const spoken = this.spokenAt(Math.min(this.played ?? Number.POSITIVE_INFINITY, (this.emitted * 1000) / this.rate));
    return Math.max(0, this.uniqueCharsSent() - spoken.heardChars);
  }

  // ---------------------------------------------------------------- metrics

  private metrics(wastedCharacters: number): UtteranceMetrics {
    const now = this.now();
    const audioDurationMs = (this.emitted * 1000) / this.rate;
    const segments: SegmentMetrics[] = this.segs.map((s) => ({
      segmentId: s.index,
      characters: s.charsSent,
      timeToFirstByteMs: s.firstSentAt !== undefined && s.firstAudioAt !== undefined ? s.firstAudioAt - s.firstSentAt : undefined,
      audioMs: (s.emitted * 1000) / this.rate,
    }));
    const synthMs = this.firstSentAt !== undefined && this.lastAudioArrivalAt !== undefined ? this.lastAudioArrivalAt - this.firstSentAt : undefined;
    return {
      timeToFirstAudioMs: this.firstAudioAt !== undefined ? this.firstAudioAt - (this.firstTokenAt ?? this.startedAt) : undefined,
      timeToFirstAudioFromTextMs: this.firstAudioAt !== undefined && this.firstSentAt !== undefined ? this.firstAudioAt - this.firstSentAt : undefined,
      audioDurationMs,
      totalMs: now - (this.firstTokenAt ?? this.startedAt),
      realTimeFactor: synthMs !== undefined && audioDurationMs > 0 ? synthMs / audioDurationMs : undefined,
      charactersSent: this.charsSent,
      retries: this.totalRetries,
      wastedCharacters,
      segments,
      provider: this.provider.name,
    };
  }
}

/** Finds `word` in `text` from `from` (exact, then case-insensitive, then by its letters). */
function findWord(text: string, word: string, from: number): number {
  const w = word.trim();
  if (w.length === 0) return -1;
  let at = text.indexOf(w, from);
  if (at >= 0) return at;
  at = text.toLowerCase().indexOf(w.toLowerCase(), from);
  if (at >= 0) return at;
  const core = w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (core.length === 0 || core === w) return -1;
  return text.toLowerCase().indexOf(core.toLowerCase(), from);
}
