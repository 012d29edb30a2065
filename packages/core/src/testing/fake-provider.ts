/**
 * An in-process fake provider for the engine's tests. Deterministic audio (sample k of a text is a
 * function of the text and k), all timing on the given scheduler, scripted faults per connection.
 */
import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { ConnectionEvent, ProviderCapabilities, SpeechConnection, SpeechProvider, TextRequest } from '../provider.js';

/** What goes wrong on one connection (by connection number). */
export interface Fault {
  /** connect() never resolves. */
  readonly handshakeHang?: boolean;
  /** connect() rejects with this. */
  readonly connectError?: SpeechError;
  /** After this many audio chunks on the connection, the connection drops (closed with error). */
  readonly dropAfterChunks?: number;
  /** After this many chunks, a scoped (utterance) error frame; the generation stops. */
  readonly errorAfterChunks?: number;
  /** Never send any audio. */
  readonly silent?: boolean;
  /** The first generation never ends: audio forever. */
  readonly endless?: boolean;
  /** Keep sending this many chunks of a cancelled generation. */
  readonly lateChunksAfterCancel?: number;
}

/** Options of the fake provider. */
export interface FakeProviderOptions {
  readonly scheduler: SchedulerLike;
  readonly name?: string;
  readonly capabilities?: Partial<ProviderCapabilities>;
  readonly limiterKey?: string;
  readonly samplesPerChar?: number;
  readonly chunkSamples?: number;
  /** Delay from send (or from the previous job in sequential modes) to the first chunk. */
  readonly latencyMs?: number;
  readonly chunkIntervalMs?: number;
  /** connect() resolves after this long (0: next microtask). */
  readonly connectMs?: number;
  /** What goes wrong, by connection number (0-based). */
  readonly faults?: readonly (Fault | undefined)[];
  /** What goes wrong on every connection not named in `faults`. */
  readonly fault?: Fault;
  /** Per-request latencies in request mode (by segmentId), to force interleaving. */
  readonly latencyFor?: (request: TextRequest) => number;
}

/** Deterministic sample `k` of `text`. */
export function synthSample(text: string, k: number, samplesPerChar: number): number {
  const c = text.charCodeAt(Math.floor(k / samplesPerChar)) || 0;
  return ((c * 16 + (k % samplesPerChar)) % 30000) - 15000;
}

/** The full deterministic audio of `text`. */
export function synth(text: string, samplesPerChar = 70): Int16Array {
  const out = new Int16Array(text.length * samplesPerChar);
  for (let k = 0; k < out.length; k++) out[k] = synthSample(text, k, samplesPerChar);
  return out;
}

/** A log of what connections received. */
export interface FakeLog {
  connects: number;
  sends: TextRequest[];
  finishes: string[];
  cancels: string[];
  closes: number;
  keepAlives: number;
}

interface Job {
  readonly request: TextRequest;
  sent: number;
  total: number;
  timer: Subscription | undefined;
  cancelled: boolean;
  /** Sequential modes: ms offset of this job's audio in its utterance. */
  baseMs: number;
}

/** What the test doubles can do unless told otherwise: requests with acks, native cancel, 1 kHz PCM16. */
export const TEST_CAPABILITIES: ProviderCapabilities = {
  textInput: 'request',
  segmentAcks: true,
  cancel: 'native',
  wordTimestamps: false,
  sampleRate: 1000,
  sampleRates: [1000],
  encodings: ['pcm16'],
};

/** Creates the fake provider and its log. */
export function fakeProvider(options: FakeProviderOptions): SpeechProvider & { readonly log: FakeLog; readonly connections: FakeConnection[] } {
  const caps: ProviderCapabilities = { ...TEST_CAPABILITIES, ...options.capabilities };
  const log: FakeLog = { connects: 0, sends: [], finishes: [], cancels: [], closes: 0, keepAlives: 0 };
  const connections: FakeConnection[] = [];
  return {
    name: options.name ?? 'fake',
    capabilities: caps,
    ...(options.limiterKey === undefined ? {} : { limiterKey: options.limiterKey }),
    log,
    connections,
    connect({ signal }) {
      const index = log.connects++;
      const fault = options.faults?.[index] ?? options.fault ?? {};
      return new Promise<SpeechConnection>((resolve, reject) => {
        if (fault.connectError) return reject(fault.connectError);
        signal.addEventListener('abort', () => reject(new SpeechError('cancelled', 'aborted')), { once: true });
        if (fault.handshakeHang) return;
        const done = (): void => {
          const conn = new FakeConnection(options, caps, fault, log);
          connections.push(conn);
          resolve(conn);
        };
        if (options.connectMs) options.scheduler.schedule(done, options.connectMs);
        else done();
      });
    },
  };
}

/** The fake connection. */
export class FakeConnection implements SpeechConnection {
  private readonly subject = new Subject<ConnectionEvent>();
  readonly events = this.subject.asObservable();
  private closed = false;
  private chunks = 0;
  private readonly jobs: Job[] = [];
  /** Sequential modes: per utterance, audio ms so far and whether finish was called. */
  private readonly utterances = new Map<string, { ms: number; finished: boolean; busyUntilJob: Job | undefined; queue: Job[]; done: boolean }>();
  private readonly spc: number;
  private readonly chunkSamples: number;

  constructor(
    private readonly options: FakeProviderOptions,
    private readonly caps: ProviderCapabilities,
    private readonly fault: Fault,
    private readonly log: FakeLog,
  ) {
    this.spc = options.samplesPerChar ?? 70;
    this.chunkSamples = options.chunkSamples ?? 140;
  }

  send(request: TextRequest): void {
    if (this.closed) return;
    this.log.sends.push(request);
    const job: Job = { request, sent: 0, total: request.text.length * this.spc, timer: undefined, cancelled: false, baseMs: 0 };
    this.jobs.push(job);
    if (this.caps.textInput === 'request') {
      this.startJob(job, this.options.latencyFor?.(request) ?? this.options.latencyMs ?? 50);
      return;
    }
    const u = this.utt(request.utteranceId);
    u.queue.push(job);
    if (!u.busyUntilJob) this.nextSequential(request.utteranceId, this.options.latencyMs ?? 50);
  }

  private utt(id: string) {
    let u = this.utterances.get(id);
    if (!u) {
      u = { ms: 0, finished: false, busyUntilJob: undefined, queue: [], done: false };
      this.utterances.set(id, u);
    }
    return u;
  }

  private nextSequential(id: string, delay: number): void {
    const u = this.utt(id);
    const job = u.queue.shift();
    u.busyUntilJob = job;
    if (!job) {
      this.maybeUtteranceDone(id);
      return;
    }
    job.baseMs = u.ms;
    u.ms += (job.total * 1000) / this.caps.sampleRate;
    this.startJob(job, delay);
  }

  private maybeUtteranceDone(id: string): void {
    const u = this.utt(id);
    if (u.finished && !u.busyUntilJob && u.queue.length === 0 && !u.done) {
      u.done = true;
      this.emit({ type: 'utterance-done', utteranceId: id });
    }
  }

  private startJob(job: Job, delay: number): void {
    const { scheduler } = this.options;
    const interval = this.options.chunkIntervalMs ?? 10;
    if (this.fault.silent) return;
    if (this.caps.wordTimestamps) this.emitWords(job);
    const tick = (): void => {
      job.timer = undefined;
      if (this.closed || (job.cancelled && (this.fault.lateChunksAfterCancel ?? 0) <= 0)) return;
      if (job.cancelled) (this.fault as { lateChunksAfterCancel?: number }).lateChunksAfterCancel = (this.fault.lateChunksAfterCancel ?? 0) - 1;
      const endless = this.fault.endless === true;
      const n = endless ? this.chunkSamples : Math.min(this.chunkSamples, job.total - job.sent);
      const pcm = new Int16Array(n);
      for (let k = 0; k < n; k++) pcm[k] = synthSample(job.request.text, (job.sent + k) % Math.max(1, job.total), this.spc);
      job.sent += n;
      this.chunks++;
      this.emit({
        type: 'audio',
        utteranceId: job.request.utteranceId,
        ...(this.caps.segmentAcks ? { segmentId: job.request.segmentId } : {}),
        pcm,
        sampleRate: this.caps.sampleRate,
      });
      if (this.closed) return;
      if (this.fault.dropAfterChunks !== undefined && this.chunks >= this.fault.dropAfterChunks) {
        this.drop();
        return;
      }
      if (this.fault.errorAfterChunks !== undefined && this.chunks === this.fault.errorAfterChunks) {
        job.cancelled = true;
        this.emit({ type: 'error', utteranceId: job.request.utteranceId, error: new SpeechError('provider', 'synthesis failed') });
        return;
      }
      if (!endless && job.sent >= job.total) {
        if (job.cancelled) return;
        if (this.caps.segmentAcks) this.emit({ type: 'segment-done', utteranceId: job.request.utteranceId, segmentId: job.request.segmentId });
        if (this.caps.textInput === 'request') {
          this.maybeRequestUtteranceDone(job.request.utteranceId);
        } else this.nextSequential(job.request.utteranceId, 0);
        return;
      }
      job.timer = scheduler.schedule(tick, interval);
    };
    job.timer = scheduler.schedule(tick, delay);
  }

  private emitWords(job: Job): void {
    const re = /\S+/g;
    const msPerChar = (this.spc * 1000) / this.caps.sampleRate;
    for (let m = re.exec(job.request.text); m; m = re.exec(job.request.text)) {
      const base = this.caps.segmentAcks ? 0 : job.baseMs;
      this.emit({
        type: 'word',
        utteranceId: job.request.utteranceId,
        ...(this.caps.segmentAcks ? { segmentId: job.request.segmentId } : {}),
        word: { text: m[0], startMs: base + m.index * msPerChar, endMs: base + (m.index + m[0].length) * msPerChar, textOffset: m.index },
      });
    }
  }

  private maybeRequestUtteranceDone(id: string): void {
    const u = this.utt(id);
    if (!u.finished || u.done) return;
    if (this.jobs.some((j) => j.request.utteranceId === id && !j.cancelled && j.sent < j.total)) return;
    u.done = true;
    this.emit({ type: 'utterance-done', utteranceId: id });
  }

  finish(utteranceId: string): void {
    if (this.closed) return;
    this.log.finishes.push(utteranceId);
    const u = this.utt(utteranceId);
    u.finished = true;
    if (this.caps.textInput === 'request') this.maybeRequestUtteranceDone(utteranceId);
    else this.maybeUtteranceDone(utteranceId);
  }

  cancel(utteranceId: string): void {
    if (this.closed) return;
    this.log.cancels.push(utteranceId);
    for (const job of this.jobs) {
      if (job.request.utteranceId === utteranceId) {
        job.cancelled = true;
        if ((this.fault.lateChunksAfterCancel ?? 0) <= 0) job.timer?.unsubscribe();
      }
    }
    const u = this.utt(utteranceId);
    u.queue.length = 0;
    u.done = true;
  }

  keepAlive(): void {
    if (!this.closed) this.log.keepAlives++;
  }

  close(): void {
    if (this.closed) return;
    this.log.closes++;
    this.closed = true;
    for (const job of this.jobs) job.timer?.unsubscribe();
    this.subject.next({ type: 'closed' });
    this.subject.complete();
  }

  /** Simulates a dropped connection. */
  drop(): void {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.jobs) job.timer?.unsubscribe();
    this.subject.next({ type: 'closed', error: new SpeechError('connection', 'connection lost (1006)') });
    this.subject.complete();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private emit(event: ConnectionEvent): void {
    if (!this.closed || event.type === 'closed') this.subject.next(event);
  }
}
