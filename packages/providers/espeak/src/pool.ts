/**
 * A pool of worker threads, each hosting one eSpeak NG instance (see `worker.mjs`). Jobs (one
 * text each) wait in a {@link SynthesisQueue} and run on the first free instance; each instance runs
 * one synthesis at a time. Which job runs next is the queue's policy (`queue.ts`): replies' first
 * segments before later segments of replies that still have audio to play, unless a running reply
 * is about to run dry; later segments by when their reply's audio runs out; segments of one reply in
 * order. Cancellation of a running job goes through a shared-memory flag that the engine's callback
 * reads every ~100 ms of audio.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { SpeechError } from '@utter/core';
import { SynthesisQueue, type QueueOrder, type SegmentPlace } from './queue.js';

/** eSpeak NG's output rate (samples per second), for the audio durations the queue keeps. */
const SAMPLE_RATE = 22050;

/** Settings every instance of a pool is created with. */
export interface PoolSettings {
  readonly voice: string;
  readonly rate: number;
  readonly pitch: number;
  readonly size: number;
  /** Synthesized by {@link EnginePool.warmup} once per instance, so that the first real request is fast. */
  readonly warmText: string;
  /**
   * @internal Benchmarks only: `'fifo'` restores the order before the priority queue (first queued,
   * first run) for side-by-side figures. Default `'priority'`.
   */
  readonly order?: QueueOrder;
  /** @internal Benchmarks only: the queue's `leadMs` and `firstWaitMs` (see `queue.ts`). */
  readonly leadMs?: number;
  /** @internal See `leadMs`. */
  readonly firstWaitMs?: number;
}

/** Callbacks of one job. None but `aborted` is called after the job is cancelled. */
export interface JobHandlers {
  /** A chunk of PCM16 and the word events that came with it (flat `[position, length, audioMs]` triples). */
  chunk(samples: Int16Array, words: readonly number[]): void;
  /** The synthesis ended; `samples` is the total sample count. */
  done(samples: number): void;
  /** The synthesis failed. */
  error(error: SpeechError): void;
  /**
   * Diagnostics: the engine stopped after this job was cancelled while running, having produced
   * `samples` samples in total. Called instead of `done`; carries no audio.
   */
  aborted?(samples: number): void;
}

/** A queued or running synthesis. */
export interface EngineJob {
  readonly id: number;
  readonly text: string;
  readonly handlers: JobHandlers;
  /** Its reply and its index there (what the queue orders by). */
  readonly place: SegmentPlace;
  state: 'queued' | 'running' | 'finished' | 'cancelled';
}

/** A voice of the engine. */
export interface EspeakVoice {
  /** Human-readable name, e.g. `"English (America)"`. */
  readonly name: string;
  /** Voice file identifier, e.g. `"gmw/en-US"`. */
  readonly identifier: string;
  /** Language codes usable as the `voice` option, most preferred first, e.g. `["en-us"]`. */
  readonly languages: readonly string[];
}

interface Slot {
  worker: Worker;
  readonly flag: Int32Array;
  ready: boolean;
  job: EngineJob | undefined;
  /** Init, a job or voice listings in flight: keep the process alive only while this is > 0. */
  busy: number;
  dead: boolean;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; reason: 'voice' | 'engine'; message: string }
  | { type: 'chunk'; job: number; samples: Int16Array; words: number[] }
  | { type: 'done'; job: number; aborted: boolean; samples: number }
  | { type: 'error'; job: number; message: string }
  | { type: 'voices'; job: number; voices: { name: string; identifier: string; languages: { priority: number; name: string }[] }[] };

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

/** See the module comment. */
export class EnginePool {
  private slots: Slot[] = [];
  private readonly queue: SynthesisQueue<EngineJob>;
  private starting: Promise<void> | undefined;
  private warming: Promise<void> | undefined;
  private closed = false;
  private nextId = 1;
  private readonly voiceRequests = new Map<number, { slot: Slot; resolve: (voices: EspeakVoice[]) => void; reject: (error: SpeechError) => void }>();

  constructor(private readonly settings: PoolSettings) {
    this.queue = new SynthesisQueue({ order: settings.order, leadMs: settings.leadMs, firstWaitMs: settings.firstWaitMs });
  }

  /** Jobs waiting for an instance (diagnostics and tests). */
  get waiting(): number {
    return this.queue.size;
  }

  /** Starts every instance (idempotent). Rejects with `invalid-input` for an unknown voice. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new SpeechError('connection', 'The eSpeak engine pool is closed.', { provider: 'espeak' }));
    if (!this.starting) {
      const spawning: Promise<void>[] = [];
      for (let i = 0; i < this.settings.size; i++) spawning.push(this.spawn(i));
      this.starting = Promise.all(spawning).then(
        () => undefined,
        async (error: unknown) => {
          // Leave no half-started pool behind: the next start() tries again.
          const slots = this.slots;
          this.slots = [];
          this.starting = undefined;
          await Promise.all(slots.map((slot) => this.kill(slot)));
          throw SpeechError.from(error, 'provider', { provider: 'espeak' });
        },
      );
    }
    return this.starting;
  }

  /**
   * Starts the pool and synthesizes the warm-up text once per instance (the first synthesis of an
   * instance is several times slower than the next ones). Idempotent.
   */
  warmup(): Promise<void> {
    this.warming ??= this.start().then(() =>
      Promise.all(
        this.slots.map(
          () =>
            new Promise<void>((resolve) => {
              // Queued like any request: with idle instances, each takes one.
              this.submit(this.settings.warmText, { chunk: () => undefined, done: () => resolve(), error: () => resolve() });
            }),
        ),
      ).then(() => undefined),
    );
    const warming = this.warming;
    warming.catch(() => {
      if (this.warming === warming) this.warming = undefined;
    });
    return warming;
  }

  /**
   * Queues a synthesis of `text`; it starts when an instance is free and the queue's policy picks it.
   * `place` is the segment's reply (an object that lives as long as the reply: the queue keeps what it
   * knows of the reply's audio in a WeakMap) and its index there (0: the reply's first segment).
   * Without it, the job is a reply of its own, queued like a first segment.
   */
  submit(text: string, handlers: JobHandlers, place: SegmentPlace = { reply: {}, index: 0 }): EngineJob {
    const job: EngineJob = { id: this.nextId++, text, handlers, place, state: 'queued' };
    if (this.closed) {
      job.state = 'finished';
      queueMicrotask(() => handlers.error(new SpeechError('connection', 'The eSpeak engine pool is closed.', { provider: 'espeak' })));
      return job;
    }
    this.queue.push(job, place, performance.now());
    this.pump();
    return job;
  }

  /** Cancels a job: dropped from the queue, or aborted within one engine callback. No handler is called after this. */
  cancel(job: EngineJob): void {
    if (job.state === 'queued') {
      job.state = 'cancelled';
      this.queue.remove(job);
    } else if (job.state === 'running') {
      job.state = 'cancelled';
      const slot = this.slots.find((candidate) => candidate.job === job);
      // The instance stays busy (and is not given new work) until it reports `done`.
      if (slot) Atomics.store(slot.flag, 0, job.id);
    }
  }

  /** Lists the engine's voices (starts the pool if needed). */
  async listVoices(): Promise<EspeakVoice[]> {
    await this.start();
    const slot = this.slots.find((candidate) => candidate.ready && !candidate.dead);
    if (!slot) throw new SpeechError('provider', 'No eSpeak engine instance is available.', { provider: 'espeak' });
    const id = this.nextId++;
    return new Promise<EspeakVoice[]>((resolve, reject) => {
      this.voiceRequests.set(id, { slot, resolve, reject });
      this.setBusy(slot, +1);
      slot.worker.postMessage({ type: 'voices', job: id });
    });
  }

  /** Terminates every instance. Queued jobs are dropped without callbacks. */
  async close(): Promise<void> {
    this.closed = true;
    this.warming = undefined;
    for (const job of this.queue.clear()) job.state = 'cancelled';
    for (const request of this.voiceRequests.values()) {
      request.reject(new SpeechError('cancelled', 'The eSpeak engine pool was closed.', { provider: 'espeak' }));
    }
    this.voiceRequests.clear();
    const slots = this.slots;
    this.slots = [];
    for (const slot of slots) if (slot.job && slot.job.state === 'running') slot.job.state = 'cancelled';
    await Promise.all(slots.map((slot) => this.kill(slot)));
  }

  private spawn(index: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // The worker is plain JavaScript that needs no loader: do not inherit the parent's flags (tsx
      // loaders, `--input-type`, `--conditions`...), some of which break or slow down worker start.
      const worker = new Worker(WORKER_URL, { execArgv: [] });
      const slot: Slot = {
        worker,
        flag: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
        ready: false,
        job: undefined,
        busy: 0,
        dead: false,
      };
      worker.unref();
      this.setBusy(slot, +1);
      this.slots[index] = slot;
      let settled = false;
      const settle = (error?: SpeechError): void => {
        if (settled) return;
        settled = true;
        this.setBusy(slot, -1);
        if (error) reject(error);
        else resolve();
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          slot.ready = true;
          settle();
          this.pump();
        } else if (message.type === 'init-error') {
          const code = message.reason === 'voice' ? 'invalid-input' : 'provider';
          settle(new SpeechError(code, message.message, { provider: 'espeak', retryable: false }));
        } else {
          this.onMessage(slot, message);
        }
      });
      worker.on('error', (error: Error) => {
        settle(new SpeechError('provider', `The eSpeak worker failed: ${error.message}`, { provider: 'espeak', cause: error }));
        this.onCrash(slot, index, error.message);
      });
      worker.on('exit', (code: number) => {
        settle(new SpeechError('provider', `The eSpeak worker exited (code ${code}) before it was ready.`, { provider: 'espeak' }));
        this.onCrash(slot, index, `exit code ${code}`);
      });
      const { voice, rate, pitch } = this.settings;
      worker.postMessage({ type: 'init', voice, rate, pitch, flag: slot.flag.buffer });
    });
  }

  private onMessage(slot: Slot, message: Exclude<WorkerMessage, { type: 'ready' } | { type: 'init-error' }>): void {
    if (message.type === 'voices') {
      const request = this.voiceRequests.get(message.job);
      if (!request) return;
      this.voiceRequests.delete(message.job);
      this.setBusy(slot, -1);
      request.resolve(
        message.voices.map((voice) => ({
          name: voice.name,
          identifier: voice.identifier,
          languages: [...voice.languages].sort((a, b) => a.priority - b.priority).map((language) => language.name),
        })),
      );
      return;
    }
    const job = slot.job;
    if (message.type === 'error' && this.voiceRequests.has(message.job)) {
      const request = this.voiceRequests.get(message.job);
      this.voiceRequests.delete(message.job);
      this.setBusy(slot, -1);
      request?.reject(new SpeechError('provider', message.message, { provider: 'espeak' }));
      return;
    }
    if (!job || job.id !== message.job) return;
    if (message.type === 'chunk') {
      if (job.state === 'running') {
        this.queue.audio(job.place.reply, (message.samples.length * 1000) / SAMPLE_RATE, performance.now());
        job.handlers.chunk(message.samples, message.words);
      }
      return;
    }
    // 'done' or 'error': the instance is free again.
    slot.job = undefined;
    Atomics.store(slot.flag, 0, 0);
    this.setBusy(slot, -1);
    this.queue.settled(job.place.reply);
    const wasRunning = job.state === 'running';
    job.state = job.state === 'cancelled' ? 'cancelled' : 'finished';
    if (wasRunning) {
      if (message.type === 'done') job.handlers.done(message.samples);
      else job.handlers.error(new SpeechError('provider', `eSpeak synthesis failed: ${message.message}`, { provider: 'espeak' }));
    } else if (message.type === 'done') {
      job.handlers.aborted?.(message.samples);
    }
    this.pump();
  }

  /** A worker died (engine abort, out of memory): fail its job and replace it. */
  private onCrash(slot: Slot, index: number, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    slot.ready = false;
    const job = slot.job;
    slot.job = undefined;
    if (job) this.queue.settled(job.place.reply);
    for (const [id, request] of this.voiceRequests) {
      if (request.slot !== slot) continue;
      this.voiceRequests.delete(id);
      request.reject(new SpeechError('provider', `The eSpeak worker failed: ${reason}`, { provider: 'espeak' }));
    }
    if (job && job.state === 'running') {
      job.state = 'finished';
      job.handlers.error(new SpeechError('provider', `The eSpeak worker failed: ${reason}`, { provider: 'espeak' }));
    }
    if (this.closed || this.slots[index] !== slot) return;
    this.spawn(index).catch((error: unknown) => {
      // Could not replace it: if no instance is left, fail what is waiting instead of hanging.
      if (this.slots.some((candidate) => !candidate.dead)) return;
      for (const waiting of this.queue.clear()) {
        waiting.state = 'finished';
        waiting.handlers.error(SpeechError.from(error, 'provider', { provider: 'espeak' }));
      }
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.size === 0) return;
      if (!slot || !slot.ready || slot.dead || slot.job) continue;
      const job = this.queue.next(performance.now());
      if (!job) return;
      job.state = 'running';
      slot.job = job;
      this.setBusy(slot, +1);
      slot.worker.postMessage({ type: 'synth', job: job.id, text: job.text });
    }
  }

  /** Workers keep the process alive only while they have work: an idle pool never blocks exit. */
  private setBusy(slot: Slot, delta: number): void {
    const before = slot.busy;
    slot.busy = Math.max(0, slot.busy + delta);
    if (before === 0 && slot.busy > 0) slot.worker.ref();
    else if (before > 0 && slot.busy === 0) slot.worker.unref();
  }

  private async kill(slot: Slot): Promise<void> {
    slot.dead = true;
    slot.ready = false;
    await slot.worker.terminate();
  }
}
