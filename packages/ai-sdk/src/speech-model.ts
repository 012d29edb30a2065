/**
 * `speechModel(provider)`: any utter provider as an AI SDK speech model.
 *
 * - specification `v4` (default, ai@7): `doGenerate` for `generateSpeech` and `doStream` for
 *   `experimental_streamSpeech({ model, text: result.textStream })`.
 * - specification `v3` (ai@6 `experimental_generateSpeech`; ai@7 accepts it too).
 * - specification `v2` (ai@5 `experimental_generateSpeech`; ai 6 and 7 accept it too).
 *
 * The types below are structural copies of `@ai-sdk/provider`'s `SpeechModelV2/V3/V4` and
 * `Experimental_StreamingSpeechModelV4` (v2, v3, v4 packages), so that no major is pinned.
 */
import { SpeechError, concatPcm, encodeWav, pcm16ToBytes, resample, speak as coreSpeak, wavHeader, type SpeechEvent, type SpeechProvider, type SpeechSessionOptions } from '@utter/core';
import { Observable } from 'rxjs';
import { parseOptions, speechModelOptionsSchema } from './options.js';

/** Options of a speech model call, as every spec version passes them. */
export interface SpeechModelCallOptionsLike {
  readonly text: string;
  readonly voice?: string;
  readonly outputFormat?: string;
  readonly instructions?: string;
  readonly speed?: number;
  readonly language?: string;
  readonly providerOptions?: Record<string, Record<string, unknown>>;
  readonly abortSignal?: AbortSignal;
  readonly headers?: Record<string, string | undefined>;
}

/** A v3/v4 warning this model reports. */
export interface SpeechWarningV4Like {
  readonly type: 'unsupported';
  readonly feature: string;
  readonly details?: string;
}

/** A v2 warning this model reports. */
export interface SpeechWarningV2Like {
  readonly type: 'unsupported-setting';
  readonly setting: 'voice' | 'outputFormat' | 'instructions' | 'speed' | 'language' | 'providerOptions' | 'headers' | 'text' | 'abortSignal';
  readonly details?: string;
}

/** The result of `doGenerate`. */
export interface SpeechGenerateResultLike<WARNING> {
  /** A WAV file (default) or raw PCM16 little-endian (`outputFormat: 'pcm'`). */
  audio: Uint8Array;
  warnings: WARNING[];
  response: { timestamp: Date; modelId: string; headers?: Record<string, string> };
  providerMetadata?: Record<string, { [key: string]: number | string | boolean | null }>;
}

/** One part of streamed input text (`Experimental_SpeechModelV4StreamTextPart`). */
export interface SpeechStreamTextPartLike {
  readonly type: 'text';
  readonly text: string;
  readonly voice?: string;
}

/** Options of `doStream` (`Experimental_SpeechModelV4StreamOptions`). */
export interface SpeechStreamOptionsLike extends Omit<SpeechModelCallOptionsLike, 'text' | 'outputFormat'> {
  readonly text: ReadableStream<SpeechStreamTextPartLike>;
  readonly outputFormat?: { readonly type: string; readonly rate?: number };
  readonly includeRawChunks?: boolean;
}

/** The parts `doStream` emits (a subset of `Experimental_SpeechModelV4StreamPart`). */
export type SpeechStreamPartLike =
  | { type: 'stream-start'; warnings: SpeechWarningV4Like[] }
  | { type: 'audio'; audio: Uint8Array; audioFormat: { type: string; rate?: number } }
  | { type: 'finish'; usage?: { inputCharacters?: number } };

/** An AI SDK speech model, specification v4 with streaming (ai@7). */
export interface UtterSpeechModelV4 {
  readonly specificationVersion: 'v4';
  readonly provider: string;
  readonly modelId: string;
  /** Synthesizes `text` (for `generateSpeech`). */
  doGenerate(options: SpeechModelCallOptionsLike): PromiseLike<SpeechGenerateResultLike<SpeechWarningV4Like>>;
  /** Synthesizes streamed text as it arrives (for `experimental_streamSpeech`). */
  doStream(options: SpeechStreamOptionsLike): PromiseLike<{
    stream: ReadableStream<SpeechStreamPartLike>;
    response?: { timestamp?: Date; modelId?: string };
  }>;
}

/** An AI SDK speech model, specification v3 (ai@6, and ai@7). */
export interface UtterSpeechModelV3 {
  readonly specificationVersion: 'v3';
  readonly provider: string;
  readonly modelId: string;
  /** Synthesizes `text` (for `experimental_generateSpeech`). */
  doGenerate(options: SpeechModelCallOptionsLike): PromiseLike<SpeechGenerateResultLike<SpeechWarningV4Like>>;
}

/** An AI SDK speech model, specification v2 (ai@5, and ai 6 and 7). */
export interface UtterSpeechModelV2 {
  readonly specificationVersion: 'v2';
  readonly provider: string;
  readonly modelId: string;
  /** Synthesizes `text` (for `experimental_generateSpeech`). */
  doGenerate(options: SpeechModelCallOptionsLike): PromiseLike<SpeechGenerateResultLike<SpeechWarningV2Like>>;
}

/** Options of {@link speechModel}: the session options of the core (timeouts, retry, segmenter...) and: */
export interface SpeechModelOptions extends Omit<SpeechSessionOptions, 'provider'> {
  /**
   * The AI SDK speech model specification to implement: `'v4'` (default; ai@7, with streaming),
   * `'v3'` (ai@6) or `'v2'` (ai@5). ai@7 accepts all three, ai@6 `v3` and `v2`, ai@5 only `v2`.
   */
  readonly specificationVersion?: 'v4' | 'v3' | 'v2';
  /** The model id reported to the AI SDK. Default: the provider's name (e.g. `"espeak"`). */
  readonly modelId?: string;
}

/**
 * An AI SDK speech model backed by an utter provider.
 *
 * @example
 * ```ts
 * import { experimental_streamSpeech as streamSpeech, streamText } from 'ai';
 * const result = streamText({ model, prompt });
 * const speech = streamSpeech({ model: speechModel(espeak()), text: result.textStream });
 * for await (const chunk of speech.audioStream) player.write(chunk); // PCM16 at 22050 Hz
 * ```
 */
export function speechModel(provider: SpeechProvider, options?: SpeechModelOptions & { readonly specificationVersion?: 'v4' }): UtterSpeechModelV4;
export function speechModel(provider: SpeechProvider, options: SpeechModelOptions & { readonly specificationVersion: 'v3' }): UtterSpeechModelV3;
export function speechModel(provider: SpeechProvider, options: SpeechModelOptions & { readonly specificationVersion: 'v2' }): UtterSpeechModelV2;
export function speechModel(provider: SpeechProvider, options?: SpeechModelOptions): UtterSpeechModelV4 | UtterSpeechModelV3 | UtterSpeechModelV2;
export function speechModel(provider: SpeechProvider, options: SpeechModelOptions = {}): UtterSpeechModelV4 | UtterSpeechModelV3 | UtterSpeechModelV2 {
  parseOptions(speechModelOptionsSchema, options, 'speechModel');
  if (typeof provider !== 'object' || provider === null || typeof provider.connect !== 'function') {
    throw new SpeechError('invalid-input', 'speechModel(provider): provider must be a SpeechProvider (e.g. espeak()).', { retryable: false });
  }
  const { specificationVersion = 'v4', modelId = provider.name, ...sessionOptions } = options;
  const base = { provider: 'utter', modelId };
  const generate = <W>(call: SpeechModelCallOptionsLike, warn: (feature: WarnFeature, details: string) => W) =>
    doGenerate(provider, sessionOptions, modelId, call, warn);
  switch (specificationVersion) {
    case 'v2':
      return { specificationVersion: 'v2', ...base, doGenerate: (call) => generate(call, (setting, details) => ({ type: 'unsupported-setting', setting, details })) };
    case 'v3':
      return { specificationVersion: 'v3', ...base, doGenerate: (call) => generate(call, warnV4) };
    default:
      return {
        specificationVersion: 'v4',
        ...base,
        doGenerate: (call) => generate(call, warnV4),
        doStream: (call) => doStream(provider, sessionOptions, modelId, call),
      };
  }
}

type WarnFeature = SpeechWarningV2Like['setting'];

const warnV4 = (feature: WarnFeature, details: string): SpeechWarningV4Like => ({ type: 'unsupported', feature, details });

/** Warnings for the call settings an utter provider does not take per call. */
function settingWarnings<W>(call: Pick<SpeechModelCallOptionsLike, 'voice' | 'instructions' | 'speed' | 'language'>, warn: (feature: WarnFeature, details: string) => W): W[] {
  const warnings: W[] = [];
  if (call.voice !== undefined) warnings.push(warn('voice', 'Set the voice on the utter provider (e.g. espeak({ voice })).'));
  if (call.instructions !== undefined) warnings.push(warn('instructions', 'utter providers take no instructions.'));
  if (call.speed !== undefined) warnings.push(warn('speed', 'Set the rate on the utter provider.'));
  if (call.language !== undefined) warnings.push(warn('language', 'Set the language (voice) on the utter provider.'));
  return warnings;
}

async function doGenerate<W>(
  provider: SpeechProvider,
  sessionOptions: Omit<SpeechSessionOptions, 'provider'>,
  modelId: string,
  call: SpeechModelCallOptionsLike,
  warn: (feature: WarnFeature, details: string) => W,
): Promise<SpeechGenerateResultLike<W>> {
  if (typeof call.text !== 'string' || call.text.trim() === '') {
    throw new SpeechError('invalid-input', 'generateSpeech: `text` must be a non-empty string.', { retryable: false });
  }
  const warnings = settingWarnings(call, warn);
  const format = (call.outputFormat ?? 'wav').toLowerCase();
  if (format !== 'wav' && format !== 'pcm') {
    warnings.push(warn('outputFormat', `utter returns 'wav' or 'pcm' (PCM16 mono), not '${call.outputFormat}'; returning WAV.`));
  }
  const signal = call.abortSignal;
  const rate = provider.capabilities.sampleRate;
  const chunks: Int16Array[] = [];
  await new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let subscription: { unsubscribe(): void } | undefined;
    const onAbort = (): void => {
      subscription?.unsubscribe();
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    subscription = coreSpeak(call.text, { ...sessionOptions, provider, ...(signal ? { signal } : {}) }).subscribe({
      next: (event: SpeechEvent) => {
        if (event.type === 'audio') chunks.push(event.sampleRate === rate ? event.pcm : resample(event.pcm, event.sampleRate, rate));
      },
      error: (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(SpeechError.from(error));
      },
      complete: () => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(abortReason(signal));
        else resolve();
      },
    });
  });
  const pcm = concatPcm(chunks);
  return {
    audio: format === 'pcm' ? pcm16ToBytes(pcm) : encodeWav(pcm, { sampleRate: rate }),
    warnings,
    response: { timestamp: new Date(), modelId },
    providerMetadata: { utter: { sampleRate: rate, format: format === 'pcm' ? 'pcm16le' : 'wav' } },
  };
}

function abortReason(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  if (reason !== undefined) return reason;
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

async function doStream(
  provider: SpeechProvider,
  sessionOptions: Omit<SpeechSessionOptions, 'provider'>,
  modelId: string,
  call: SpeechStreamOptionsLike,
): Promise<{ stream: ReadableStream<SpeechStreamPartLike>; response: { timestamp: Date; modelId: string } }> {
  const input = call.text;
  const reader = input.getReader();
  let released = false;
  // The provider owns the text stream: release it on every terminal path (spec of doStream).
  const release = (reason?: unknown): void => {
    if (released) return;
    released = true;
    reader.cancel(reason).catch(() => {});
  };

  const warnings = settingWarnings(call, warnV4);
  const rate = provider.capabilities.sampleRate;
  const requested = call.outputFormat;
  let wav = false;
  let outRate = rate;
  if (requested !== undefined) {
    const type = requested.type.toLowerCase();
    if (type === 'audio/wav' || type === 'audio/wave' || type === 'audio/x-wav') wav = true;
    else if (type !== 'audio/pcm' && type !== 'audio/l16') {
      warnings.push(warnV4('outputFormat', `utter streams audio/pcm (PCM16 little-endian mono) or audio/wav, not ${requested.type}; streaming audio/pcm.`));
    }
    if (requested.rate !== undefined) outRate = requested.rate;
  }
  const audioFormat = wav ? { type: 'audio/wav' } : { type: 'audio/pcm', rate: outRate };
  let characters = 0;

  const text: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<string>> => {
        for (;;) {
          if (released) return { value: undefined, done: true };
          const { value, done } = await reader.read();
          if (done) {
            released = true;
            return { value: undefined, done: true };
          }
          if (value.voice !== undefined && value.voice !== call.voice) {
            const error = new SpeechError('unsupported', 'This speech model speaks with one voice (set on the utter provider); a text part asked for another voice.', { retryable: false });
            release(error);
            throw error;
          }
          if (typeof value.text !== 'string' || value.text === '') continue;
          characters += [...value.text].length;
          return { value: value.text, done: false };
        }
      },
      return: async (): Promise<IteratorResult<string>> => {
        release();
        return { value: undefined, done: true };
      },
    }),
  };

  const signal = call.abortSignal;
  let stop: (() => void) | undefined;
  let closed = false;
  const stream = new ReadableStream<SpeechStreamPartLike>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
      const fail = (error: unknown): void => {
        if (closed) return;
        closed = true;
        signal?.removeEventListener('abort', onAbort);
        stop?.();
        release(error);
        controller.error(error);
      };
      const onAbort = (): void => fail(abortReason(signal));
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      let headerSent = false;
      let charactersSent: number | undefined;
      const events$: Observable<SpeechEvent> = coreSpeak(text, { ...sessionOptions, provider, ...(signal ? { signal } : {}) });
      const subscription = events$.subscribe({
        next: (event) => {
          if (closed) return;
          if (event.type === 'utterance-end') charactersSent = event.metrics.charactersSent;
          if (event.type !== 'audio') return;
          const pcm = event.sampleRate === outRate ? event.pcm : resample(event.pcm, event.sampleRate, outRate);
          let audio = pcm16ToBytes(pcm);
          if (wav && !headerSent) {
            headerSent = true;
            const header = wavHeader({ sampleRate: outRate });
            const joined = new Uint8Array(header.byteLength + audio.byteLength);
            joined.set(header, 0);
            joined.set(audio, header.byteLength);
            audio = joined;
          } else {
            audio = audio.slice(); // a copy the consumer owns (the PCM buffer may be a view)
          }
          controller.enqueue({ type: 'audio', audio, audioFormat });
        },
        error: (error: unknown) => fail(SpeechError.from(error)),
        complete: () => {
          if (closed) return;
          if (signal?.aborted) {
            fail(abortReason(signal));
            return;
          }
          closed = true;
          signal?.removeEventListener('abort', onAbort);
          release();
          controller.enqueue({ type: 'finish', usage: { inputCharacters: charactersSent ?? characters } });
          controller.close();
        },
      });
      stop = () => subscription.unsubscribe();
      if (closed) stop();
    },
    cancel(reason) {
      closed = true;
      stop?.();
      release(reason);
    },
  });
  return { stream, response: { timestamp: new Date(), modelId } };
}

