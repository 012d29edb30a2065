/**
 * {@link SpeechPlayer}: plays streamed PCM16 speech in the browser on an AudioWorklet, and says
 * exactly how much of each reply has been heard.
 */
import { SpeechError } from '@utter/core';
import * as z from 'zod/mini';
import type { AudioFrame } from '../wire.js';
import { StreamResampler } from './resampler.js';
import { PROCESSOR_NAME, processorSource, type ChunkRecord, type FromWorklet, type ToWorklet } from './worklet.js';

/** Options of {@link createSpeechPlayer}. */
export interface SpeechPlayerOptions {
  /** The AudioContext to play on. Default: a new one (at the device's rate). */
  readonly context?: AudioContext;
  /** Audio buffered before playback starts (and after an underrun), in ms. Default 60. */
  readonly preRollMs?: number;
  /** Largest pre-roll after underruns (each underrun doubles the pre-roll up to this), in ms. Default 480. */
  readonly maxPreRollMs?: number;
  /** How often the played position is reported while playing, in ms. Default 50. */
  readonly reportIntervalMs?: number;
  /** Output gain, 0..1 or more. Default 1. */
  readonly volume?: number;
  /** Keep a record of the chunks played (the last 10 000 to 20 000; for tests and diagnostics, see {@link SpeechPlayer.stats}). Default false. */
  readonly record?: boolean;
  /** Load the worklet from this URL instead of a Blob URL of its inlined source (for strict CSPs). */
  readonly workletUrl?: string;
}

const optionsSchema = z.object({
  preRollMs: z.optional(z.number().check(z.gte(0), z.lte(2000))),
  maxPreRollMs: z.optional(z.number().check(z.gte(0), z.lte(5000))),
  reportIntervalMs: z.optional(z.number().check(z.gte(5), z.lte(5000))),
  volume: z.optional(z.number().check(z.gte(0), z.lte(10))),
  record: z.optional(z.boolean()),
  workletUrl: z.optional(z.string()),
});

/** Where playback is in a reply. */
export interface PlaybackPosition {
  readonly utteranceId: string;
  /** The segment being played. */
  readonly segmentId: number;
  /** Audio of the reply played so far, in ms of the reply's audio (the server's timeline). */
  readonly playedMs: number;
  /** AudioContext time (seconds) at which this position was reached. */
  readonly contextTime: number;
}

/** What {@link SpeechPlayer.stop} returns. */
export interface StopResult {
  /** Where the reply being played stopped (undefined when nothing was playing). */
  readonly position: PlaybackPosition | undefined;
  /** Replies whose audio was dropped: the one playing and any queued behind it. Their late frames are ignored. */
  readonly dropped: readonly string[];
}

/** Events of a {@link SpeechPlayer}. */
export interface SpeechPlayerEvents {
  /** The played position, every `reportIntervalMs` while playing. */
  playback: PlaybackPosition;
  /** A segment's first sample is being played. */
  'segment-start': { readonly utteranceId: string; readonly segmentId: number; readonly contextTime: number };
  /** A reply's last sample has been played (after {@link SpeechPlayer.end}). */
  'played-out': PlaybackPosition;
  /** The buffer ran dry before the stream said it was done. */
  underrun: { readonly contextTime: number };
}

/** What {@link SpeechPlayer.stats} reports. */
export interface PlayerStats {
  /** Every chunk played, in play order (only with `record: true`). Frames of the context's clock. */
  readonly chunks: readonly ChunkRecord[];
  /** Times the buffer ran dry mid-stream. */
  readonly underruns: number;
  /** The context's sample rate. */
  readonly sampleRate: number;
}

type Listener<T> = (value: T) => void;

/**
 * A streaming speech player: push audio frames as they arrive; it resamples them to the context's
 * rate, buffers a short pre-roll, plays segments and replies back to back, fires word marks when
 * their audio plays, and stops at once with the exact position heard.
 */
export class SpeechPlayer {
  private readonly resamplers = new Map<string, StreamResampler>();
  private readonly stopped = new Set<string>();
  private readonly listeners = new Map<keyof SpeechPlayerEvents, Set<Listener<never>>>();
  private readonly marks = new Map<number, (contextTime: number) => void>();
  private readonly pending = new Map<number, (message: FromWorklet) => void>();
  private nextId = 1;
  private closed = false;

  /** @internal Use {@link createSpeechPlayer}. */
  constructor(
    /** The AudioContext playing the speech. */
    readonly context: AudioContext,
    private readonly node: AudioWorkletNode,
    private readonly ownsContext: boolean,
  ) {
    node.port.onmessage = (event: MessageEvent<FromWorklet>) => this.onMessage(event.data);
  }

  /** Listens to a player event; returns a function that removes the listener. */
  on<K extends keyof SpeechPlayerEvents>(type: K, listener: Listener<SpeechPlayerEvents[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Queues an audio frame. Frames of a reply that was stopped are dropped. */
  push(frame: AudioFrame): void {
    if (this.closed || this.stopped.has(frame.utteranceId) || frame.pcm.length === 0) return;
    let resampler = this.resamplers.get(frame.utteranceId);
    if (!resampler || resampler.inputRate !== frame.sampleRate) {
      resampler = new StreamResampler(frame.sampleRate, this.context.sampleRate);
      this.resamplers.set(frame.utteranceId, resampler);
    }
    const data = resampler.push(frame.pcm);
    if (data.length === 0) return;
    const durMs = (frame.pcm.length * 1000) / frame.sampleRate;
    this.post({ t: 'push', utt: frame.utteranceId, seg: frame.segmentId, offsetMs: frame.offsetMs, durMs, data }, [data.buffer as ArrayBuffer]);
  }

  /** Says no more audio is coming soon (e.g. a segment ended): play what is buffered without waiting for the pre-roll. */
  flush(): void {
    this.post({ t: 'flush' });
  }

  /** Says the reply's audio is complete; `played-out` follows when its last sample has played. */
  end(utteranceId: string): void {
    this.resamplers.delete(utteranceId);
    this.post({ t: 'end', utt: utteranceId });
  }

  /**
   * Calls `callback` when playback of the reply reaches `atMs` (e.g. a word's start), from the render
   * quantum it plays in, with that quantum's AudioContext time.
   */
  at(utteranceId: string, atMs: number, callback: (contextTime: number) => void): void {
    if (this.stopped.has(utteranceId)) return;
    const id = this.nextId++;
    this.marks.set(id, callback);
    this.post({ t: 'mark', utt: utteranceId, atMs, id });
  }

  /**
   * Stops playback at once (barge-in): clears the buffer and drops late frames of every reply that
   * was playing or queued. Resolves with the exact position heard (undefined when idle) and the ids
   * of the replies dropped (the one playing and any queued behind it).
   */
  async stop(): Promise<StopResult> {
    if (this.closed) return { position: undefined, dropped: [] };
    const reply = await this.request<Extract<FromWorklet, { t: 'stopped' }>>((req) => ({ t: 'stop', req }));
    for (const utt of reply.dropped) {
      this.stopped.add(utt);
      this.resamplers.delete(utt);
    }
    const position =
      reply.utt === undefined ? undefined : { utteranceId: reply.utt, segmentId: reply.seg, playedMs: reply.playedMs, contextTime: reply.frame / this.context.sampleRate };
    return { position, dropped: reply.dropped };
  }

  /** Same as {@link stop}: the name barge-in code reads best with. */
  interrupt(): Promise<StopResult> {
    return this.stop();
  }

  /** Whether frames of this reply are being dropped because it was stopped. */
  isStopped(utteranceId: string): boolean {
    return this.stopped.has(utteranceId);
  }

  /** Chunk records and underrun count (chunk records need `record: true`). */
  async stats(): Promise<PlayerStats> {
    const reply = await this.request<Extract<FromWorklet, { t: 'stats' }>>((req) => ({ t: 'stats', req }));
    return { chunks: reply.chunks, underruns: reply.underruns, sampleRate: this.context.sampleRate };
  }

  /** Resumes a suspended context (call from a user gesture where autoplay is restricted). */
  async resume(): Promise<void> {
    if (this.context.state !== 'running') await this.context.resume();
  }

  /** Disconnects the player (and closes the context if the player created it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.node.port.onmessage = null;
    this.node.disconnect();
    if (this.ownsContext) await this.context.close();
  }

  private post(message: ToWorklet, transfer: Transferable[] = []): void {
    if (!this.closed) this.node.port.postMessage(message, transfer);
  }

  private request<T extends FromWorklet>(make: (req: number) => ToWorklet): Promise<T> {
    const req = this.nextId++;
    return new Promise<T>((resolve) => {
      this.pending.set(req, resolve as (message: FromWorklet) => void);
      this.post(make(req));
    });
  }

  private emit<K extends keyof SpeechPlayerEvents>(type: K, value: SpeechPlayerEvents[K]): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as Listener<SpeechPlayerEvents[K]>)(value);
  }

  private onMessage(message: FromWorklet): void {
    const time = (frame: number) => frame / this.context.sampleRate;
    switch (message.t) {
      case 'position':
        this.emit('playback', { utteranceId: message.utt, segmentId: message.seg, playedMs: message.playedMs, contextTime: time(message.frame) });
        break;
      case 'segment-start':
        this.emit('segment-start', { utteranceId: message.utt, segmentId: message.seg, contextTime: time(message.frame) });
        break;
      case 'mark': {
        const callback = this.marks.get(message.id);
        this.marks.delete(message.id);
        callback?.(time(message.frame));
        break;
      }
      case 'played-out':
        this.emit('played-out', { utteranceId: message.utt, segmentId: -1, playedMs: message.playedMs, contextTime: time(message.frame) });
        break;
      case 'underrun':
        this.emit('underrun', { contextTime: time(message.frame) });
        break;
      case 'stopped':
      case 'stats': {
        const resolve = this.pending.get(message.req);
        this.pending.delete(message.req);
        resolve?.(message);
        break;
      }
    }
  }
}

/**
 * Creates a {@link SpeechPlayer}: loads the worklet into the context and connects it to the
 * speakers. Fails with a typed `SpeechError` (`unsupported`) where AudioWorklet is missing (e.g. an
 * insecure origin: serve the page over https or from localhost/127.0.0.1).
 */
export async function createSpeechPlayer(options: SpeechPlayerOptions = {}): Promise<SpeechPlayer> {
  const { context: given, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SpeechError('invalid-input', `Invalid player option "${issue?.path.join('.') ?? '?'}": ${issue?.message ?? 'invalid'}.`, { retryable: false });
  }
  const context = given ?? new AudioContext({ latencyHint: 'interactive' });
  if (!context.audioWorklet) {
    throw new SpeechError('unsupported', 'AudioWorklet is not available: the page must be a secure context (https, localhost or 127.0.0.1).', {
      retryable: false,
    });
  }
  let url = options.workletUrl;
  let revoke = false;
  if (url === undefined) {
    url = URL.createObjectURL(new Blob([processorSource()], { type: 'text/javascript' }));
    revoke = true;
  }
  try {
    await context.audioWorklet.addModule(url);
  } catch (error) {
    throw new SpeechError('unsupported', `The speech player's AudioWorklet could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      retryable: false,
      cause: error,
    });
  } finally {
    if (revoke) URL.revokeObjectURL(url);
  }
  const node = new AudioWorkletNode(context, PROCESSOR_NAME, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
  const gain = context.createGain();
  gain.gain.value = options.volume ?? 1;
  node.connect(gain).connect(context.destination);
  const sampleRate = context.sampleRate;
  node.port.postMessage({
    t: 'config',
    preRollFrames: Math.round(((options.preRollMs ?? 60) * sampleRate) / 1000),
    maxPreRollFrames: Math.round(((options.maxPreRollMs ?? 480) * sampleRate) / 1000),
    reportFrames: Math.max(128, Math.round(((options.reportIntervalMs ?? 50) * sampleRate) / 1000)),
    record: options.record ?? false,
  } satisfies ToWorklet);
  return new SpeechPlayer(context, node, given === undefined);
}
