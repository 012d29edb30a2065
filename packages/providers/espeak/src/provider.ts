import {
  SpeechError,
  type ConnectOptions,
  type ConnectionEvent,
  type ProviderCapabilities,
  type SpeechConnection,
  type SpeechProvider,
  type TextRequest,
} from '@utter/core';
import { Subject, type Observable } from 'rxjs';
import { resolveOptions, type EspeakOptions, type ResolvedEspeakOptions } from './options.js';
import { EnginePool, type EngineJob, type EspeakVoice } from './pool.js';
import { locateWord, prepareText, type PreparedText } from './text.js';

/** Sample rate of eSpeak NG's output. */
export const ESPEAK_SAMPLE_RATE = 22050;

const WARM_TEXT = 'Ready.';

/** A word of plain text, as the engine would speak it (letters or digits, not bare punctuation or emoji). */
const SPOKEN_WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’_-]*/gu;

/** The embedded eSpeak NG provider: a {@link SpeechProvider} plus engine helpers. */
export interface EspeakProvider extends SpeechProvider {
  readonly name: 'espeak';
  /** The validated options in effect (defaults filled in). */
  readonly options: ResolvedEspeakOptions;
  /** Starts the worker threads and synthesizes a short text in each, so the first real request is fast. */
  warmup(): Promise<void>;
  /** Terminates the worker threads and closes every open connection. A later `connect()` starts a new pool. */
  close(): Promise<void>;
  /** Lists the voices of the bundled engine data (starts the pool if needed). */
  listVoices(): Promise<EspeakVoice[]>;
}

/**
 * Creates the embedded eSpeak NG provider: offline speech synthesis in WebAssembly, run in worker
 * threads. Throws a {@link SpeechError} `invalid-input` for bad options.
 *
 * @example
 * ```ts
 * const provider = espeak({ voice: 'en-gb', rate: 190 });
 * await provider.warmup();
 * speak(textStream, { provider }).subscribe(play);
 * ```
 */
export function espeak(options?: EspeakOptions): EspeakProvider {
  const resolved = resolveOptions(options);
  const capabilities: ProviderCapabilities = {
    textInput: 'request',
    segmentAcks: true,
    cancel: 'native',
    wordTimestamps: true,
    sampleRate: ESPEAK_SAMPLE_RATE,
    sampleRates: [ESPEAK_SAMPLE_RATE],
    encodings: ['pcm16'],
    maxConcurrentRequests: resolved.poolSize,
  };
  let pool: EnginePool | undefined;
  const connections = new Set<EspeakConnection>();
  const getPool = (): EnginePool => {
    pool ??= new EnginePool({
      voice: resolved.voice,
      rate: resolved.rate,
      pitch: resolved.pitch,
      size: resolved.poolSize,
      warmText: WARM_TEXT,
    });
    return pool;
  };

  return {
    name: 'espeak',
    options: resolved,
    capabilities,
    async connect({ signal }: ConnectOptions): Promise<SpeechConnection> {
      const current = getPool();
      await abortable(current.start(), signal);
      if (pool !== current) throw new SpeechError('connection', 'The eSpeak provider was closed.', { provider: 'espeak' });
      const connection = new EspeakConnection(current, resolved.ssml, () => connections.delete(connection));
      connections.add(connection);
      return connection;
    },
    async warmup(): Promise<void> {
      await getPool().warmup();
    },
    async listVoices(): Promise<EspeakVoice[]> {
      return getPool().listVoices();
    },
    async close(): Promise<void> {
      const current = pool;
      pool = undefined;
      const error = new SpeechError('connection', 'The eSpeak provider was closed.', { provider: 'espeak', retryable: false });
      for (const connection of [...connections]) connection.shutdown(error);
      connections.clear();
      await current?.close();
    },
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const cancelled = (): SpeechError => new SpeechError('cancelled', 'Connecting to eSpeak was cancelled.', { provider: 'espeak' });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** One segment being synthesized. */
interface ActiveSegment {
  readonly request: TextRequest;
  readonly prepared: PreparedText;
  job: EngineJob | undefined;
  /** Samples emitted so far. */
  samples: number;
  /** The last word(s) seen; emitted when the next word (their end) or the end of audio is known. */
  pending: { startMs: number; words: { text: string; offset: number }[] } | undefined;
  /** UTF-16 offset just past the last emitted/pending word (keeps offsets monotonic). */
  lastEnd: number;
}

/** One reply on a connection; also its key in the pool's queue (which orders by reply and segment index). */
interface UtteranceState {
  readonly segments: Set<ActiveSegment>;
  finishing: boolean;
}

/**
 * A "connection" to the embedded engine: a handle over the provider's shared worker pool. Each
 * {@link TextRequest} is one synthesis; its audio, word and `segment-done` events carry its `segmentId`.
 */
class EspeakConnection implements SpeechConnection {
  private readonly subject = new Subject<ConnectionEvent>();
  readonly events: Observable<ConnectionEvent> = this.subject.asObservable();
  private readonly utterances = new Map<string, UtteranceState>();
  private readonly cancelled = new Set<string>();
  private closed = false;

  constructor(
    private readonly pool: EnginePool,
    private readonly ssml: boolean,
    private readonly onClosed: () => void,
  ) {}

  send(request: TextRequest): void {
    if (this.closed || this.cancelled.has(request.utteranceId)) return;
    let utterance = this.utterances.get(request.utteranceId);
    if (!utterance) {
      utterance = { segments: new Set(), finishing: false };
      this.utterances.set(request.utteranceId, utterance);
    }
    const state = utterance;
    const segment: ActiveSegment = {
      request,
      prepared: prepareText(typeof request.text === 'string' ? request.text : '', this.ssml),
      job: undefined,
      samples: 0,
      pending: undefined,
      lastEnd: 0,
    };
    state.segments.add(segment);
    const { utteranceId, segmentId } = request;
    // Queued by reply (this state object) and segment index: the pool starts replies' first segments first.
    segment.job = this.pool.submit(segment.prepared.sent, {
      chunk: (samples, words) => {
        if (this.closed) return;
        const chunkStart = segment.samples;
        segment.samples += samples.length;
        if (samples.length > 0) {
          this.emit({ type: 'audio', utteranceId, segmentId, pcm: samples, sampleRate: ESPEAK_SAMPLE_RATE });
        }
        for (let i = 0; i + 2 < words.length; i += 3) {
          this.onWord(segment, words[i] ?? 0, words[i + 1] ?? 0, words[i + 2] ?? (chunkStart * 1000) / ESPEAK_SAMPLE_RATE);
        }
      },
      done: (samples) => {
        if (this.closed) return;
        const endMs = (Math.max(samples, segment.samples) * 1000) / ESPEAK_SAMPLE_RATE;
        this.flushAll(segment, endMs);
        this.emit({ type: 'segment-done', utteranceId, segmentId });
        this.complete(state, utteranceId, segment);
      },
      error: (error) => {
        if (this.closed) return;
        this.emit({ type: 'error', error, utteranceId, segmentId });
        this.complete(state, utteranceId, segment);
      },
    }, { reply: state, index: segmentId });
  }

  finish(utteranceId: string): void {
    if (this.closed || this.cancelled.has(utteranceId)) return;
    const utterance = this.utterances.get(utteranceId);
    if (!utterance || utterance.segments.size === 0) {
      this.utterances.delete(utteranceId);
      this.emit({ type: 'utterance-done', utteranceId });
      return;
    }
    utterance.finishing = true;
  }

  cancel(utteranceId: string): void {
    if (this.closed) return;
    this.cancelled.add(utteranceId);
    const utterance = this.utterances.get(utteranceId);
    this.utterances.delete(utteranceId);
    if (!utterance) return;
    for (const segment of utterance.segments) if (segment.job) this.pool.cancel(segment.job);
    utterance.segments.clear();
  }

  close(): void {
    this.shutdown(undefined);
  }

  /** Cancels all work, emits `closed` (with `error` when not closed by the user) and completes. */
  shutdown(error: SpeechError | undefined): void {
    if (this.closed) return;
    for (const utteranceId of [...this.utterances.keys()]) this.cancel(utteranceId);
    this.closed = true;
    this.onClosed();
    this.subject.next(error ? { type: 'closed', error } : { type: 'closed' });
    this.subject.complete();
  }

  private onWord(segment: ActiveSegment, position: number, length: number, audioMs: number): void {
    const located = locateWord(segment.prepared, position, length);
    if (!located) return;
    // Keep words in text order and without overlap (the engine may report one character twice).
    if (located.offset < segment.lastEnd) return;
    const startMs = Math.max(audioMs, segment.pending?.startMs ?? 0);
    this.addSkipped(segment, located.offset, startMs);
    this.flushWords(segment, startMs);
    segment.pending = { startMs, words: [{ text: located.text, offset: located.offset }] };
    segment.lastEnd = located.offset + located.text.length;
  }

  /**
   * The engine reports some short words together with the previous one ("of the" is one event).
   * Words of the text it skipped before `offset` join the pending group, which shares its time span.
   * Not done for SSML, where the gaps hold markup.
   */
  private addSkipped(segment: ActiveSegment, offset: number, startMs: number): void {
    if (this.ssml || offset <= segment.lastEnd) return;
    const gap = segment.prepared.original.slice(segment.lastEnd, offset);
    for (const match of gap.matchAll(SPOKEN_WORD)) {
      segment.pending ??= { startMs, words: [] };
      segment.pending.words.push({ text: match[0], offset: segment.lastEnd + match.index });
    }
  }

  /** Emits the pending group of words, sharing `[startMs, endMs]` in proportion to their lengths. */
  private flushWords(segment: ActiveSegment, endMs: number): void {
    const group = segment.pending;
    if (!group) return;
    segment.pending = undefined;
    const { utteranceId, segmentId } = segment.request;
    const end = Math.max(group.startMs, endMs);
    const total = group.words.reduce((sum, word) => sum + word.text.length, 0);
    let done = 0;
    let startMs = group.startMs;
    for (const [index, word] of group.words.entries()) {
      done += word.text.length;
      const endMs = index === group.words.length - 1 ? end : group.startMs + ((end - group.startMs) * done) / total;
      this.emit({ type: 'word', utteranceId, segmentId, word: { text: word.text, startMs, endMs, textOffset: word.offset } });
      startMs = endMs;
    }
  }

  /** End of a segment's audio: words the engine skipped at the end, then the last group. */
  private flushAll(segment: ActiveSegment, endMs: number): void {
    this.addSkipped(segment, segment.prepared.original.length, segment.pending?.startMs ?? endMs);
    segment.lastEnd = segment.prepared.original.length;
    this.flushWords(segment, endMs);
  }

  private complete(state: UtteranceState, utteranceId: string, segment: ActiveSegment): void {
    state.segments.delete(segment);
    if (state.finishing && state.segments.size === 0 && this.utterances.get(utteranceId) === state) {
      this.utterances.delete(utteranceId);
      this.emit({ type: 'utterance-done', utteranceId });
    }
  }

  private emit(event: ConnectionEvent): void {
    if (!this.closed) this.subject.next(event);
  }
}
