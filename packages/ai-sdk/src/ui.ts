/**
 * `writeSpeechToUIStream(writer, speech)`: speech progress as `data-*` parts of an AI SDK UI message
 * stream (`createUIMessageStream`), for captions in sync with the voice, interruption and metrics.
 */
import { SpeechError, concatPcm, bytesToBase64, encodeWav, type SpeechEvent, type UtteranceMetrics } from '@utter/core';
import { observableToAsyncIterator, type SpeechStream } from './speak.js';
import { parseOptions, uiOptionsSchema } from './options.js';
import type { SpeechMetricsData, SpeechUIChunk, UIMessageStreamWriterLike } from './types.js';

/** Options of {@link writeSpeechToUIStream}. */
export interface SpeechUIStreamOptions {
  /**
   * Also send the audio, one `data-speech-audio` part (a base64 WAV file) per segment, as it completes.
   * Meant for short replies: base64 costs a third more bytes than the audio. `true` sends up to 30 s of
   * audio; `{ maxDurationMs }` sets the limit. Past the limit no more audio parts are sent (segments,
   * interruption and metrics still are). Default `false`.
   */
  readonly audio?: boolean | { readonly maxDurationMs: number };
  /** Store the metrics with the message (not transient). Default `false`: metrics are transient. */
  readonly storeMetrics?: boolean;
}

/** How the speech of a reply ended, as {@link writeSpeechToUIStream} saw it. */
export interface SpeechUIOutcome {
  readonly outcome: 'completed' | 'interrupted' | 'cancelled' | 'failed';
  /** The failure, when `outcome` is `'failed'` (also written as a `data-speech-error` part). */
  readonly error?: SpeechError;
}

const DEFAULT_AUDIO_LIMIT_MS = 30_000;

/**
 * Consumes `speech` and writes its progress into a UI message stream writer:
 * - `data-speech-segment` (transient) when a segment's audio starts, with its text, offsets and
 *   `audioOffsetMs`, for captions in sync with the voice;
 * - `data-speech-audio` (transient, only with `audio`) per segment;
 * - `data-speech-interrupted` (stored) with the text actually heard, on barge-in;
 * - `data-speech-metrics` (transient unless `storeMetrics`) when the reply ends;
 * - `data-speech-error` (stored) when speech fails. Speech failures do not throw: the text reply goes on.
 *
 * Resolves when the speech ends. Stored parts use stable ids (`<utteranceId>-interrupted`, ...), so a
 * re-sent part replaces the earlier one on the client.
 *
 * @example
 * ```ts
 * const stream = createUIMessageStream({
 *   execute: async ({ writer }) => {
 *     const result = streamText({ model, prompt, abortSignal: req.signal });
 *     writer.merge(result.toUIMessageStream());
 *     await writeSpeechToUIStream(writer, speak(result, { provider: espeak(), abortSignal: req.signal }));
 *   },
 * });
 * ```
 */
export async function writeSpeechToUIStream(
  writer: UIMessageStreamWriterLike,
  speech: SpeechStream | AsyncIterable<SpeechEvent>,
  options: SpeechUIStreamOptions = {},
): Promise<SpeechUIOutcome> {
  const parsed = parseOptions(uiOptionsSchema, options, 'writeSpeechToUIStream');
  if (typeof writer !== 'object' || writer === null || typeof writer.write !== 'function') {
    throw new SpeechError('invalid-input', 'writeSpeechToUIStream(writer): writer must be the writer of createUIMessageStream({ execute }).', { retryable: false });
  }
  const audioLimitMs = parsed.audio === true ? DEFAULT_AUDIO_LIMIT_MS : parsed.audio ? parsed.audio.maxDurationMs : 0;
  const metricsTransient = parsed.storeMetrics !== true;
  const write = (chunk: SpeechUIChunk): void => writer.write(chunk);

  // Segments are announced when their audio starts (not when they are sent to the engine).
  const pending = new Map<string, { utteranceId: string; segmentId: number; text: string; start: number; end: number }>();
  const announced = new Set<string>();
  const audio = new Map<string, { chunks: Int16Array[]; sampleRate: number; offsetMs: number }>();
  let audioSentMs = 0;
  let outcome: SpeechUIOutcome['outcome'] = 'cancelled';

  const announce = (key: string, audioOffsetMs: number): void => {
    const segment = pending.get(key);
    if (!segment || announced.has(key)) return;
    announced.add(key);
    pending.delete(key);
    write({
      type: 'data-speech-segment',
      id: `${segment.utteranceId}-segment-${segment.segmentId}`,
      data: { ...segment, audioOffsetMs },
      transient: true,
    });
  };

  const iterator =
    'toObservable' in speech && typeof speech.toObservable === 'function'
      ? observableToAsyncIterator(speech.toObservable())
      : speech[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      const event = step.value;
      const key = `${event.utteranceId}:${'segmentId' in event ? event.segmentId : ''}`;
      switch (event.type) {
        case 'segment':
          pending.set(key, { utteranceId: event.utteranceId, segmentId: event.segmentId, text: event.text, start: event.start, end: event.end });
          break;
        case 'audio': {
          announce(key, event.offsetMs);
          if (audioLimitMs > 0 && audioSentMs < audioLimitMs) {
            const entry = audio.get(key) ?? { chunks: [], sampleRate: event.sampleRate, offsetMs: event.offsetMs };
            if (entry.sampleRate === event.sampleRate) entry.chunks.push(event.pcm.slice());
            audio.set(key, entry);
          }
          break;
        }
        case 'segment-end': {
          announce(key, 0);
          const entry = audio.get(key);
          audio.delete(key);
          if (entry && entry.chunks.length > 0 && audioSentMs < audioLimitMs) {
            const pcm = concatPcm(entry.chunks);
            const durationMs = (pcm.length / entry.sampleRate) * 1000;
            audioSentMs += durationMs;
            write({
              type: 'data-speech-audio',
              id: `${event.utteranceId}-audio-${event.segmentId}`,
              data: {
                utteranceId: event.utteranceId,
                segmentId: event.segmentId,
                wavBase64: bytesToBase64(encodeWav(pcm, { sampleRate: entry.sampleRate })),
                sampleRate: entry.sampleRate,
                offsetMs: entry.offsetMs,
                durationMs,
              },
              transient: true,
            });
          }
          break;
        }
        case 'interrupted':
          outcome = 'interrupted';
          write({
            type: 'data-speech-interrupted',
            id: `${event.utteranceId}-interrupted`,
            data: { utteranceId: event.utteranceId, spokenText: event.spokenText, spokenEnd: event.spokenEnd, playedMs: event.playedMs },
          });
          write(metricsChunk(event.utteranceId, 'interrupted', event.metrics, metricsTransient));
          break;
        case 'utterance-end':
          outcome = 'completed';
          write(metricsChunk(event.utteranceId, 'completed', event.metrics, metricsTransient));
          break;
        default:
          break;
      }
    }
    return { outcome };
  } catch (caught) {
    const error = SpeechError.from(caught);
    write({ type: 'data-speech-error', data: { code: error.code, message: error.message, retryable: error.retryable } });
    return { outcome: 'failed', error };
  } finally {
    await iterator.return?.();
  }
}

function metricsChunk(utteranceId: string, outcome: SpeechMetricsData['outcome'], metrics: UtteranceMetrics, transient: boolean): SpeechUIChunk {
  return {
    type: 'data-speech-metrics',
    id: `${utteranceId}-metrics`,
    data: {
      utteranceId,
      outcome,
      provider: metrics.provider,
      timeToFirstAudioMs: metrics.timeToFirstAudioMs,
      audioDurationMs: metrics.audioDurationMs,
      totalMs: metrics.totalMs,
      charactersSent: metrics.charactersSent,
      retries: metrics.retries,
      wastedCharacters: metrics.wastedCharacters,
    },
    ...(transient ? { transient: true } : {}),
  };
}
