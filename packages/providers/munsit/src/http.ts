/**
 * Munsit's HTTP streaming endpoint: `POST {httpBase}/api/v1/text-to-speech/{model_id}` with the
 * header `x-api-key` and `streaming: true`; the answer is raw PCM16 with
 * `Content-Type: audio/raw;codec=pcm16;rate=24000;channels=1`.
 */
import { SpeechError } from '@utter/core';
import { redactAndTruncate } from '@utter/core/provider';
import {
  codeForHttpStatus,
  httpErrorBodySchema,
  parseRawAudioContentType,
  sampleRateOf,
  type HttpRequestBody,
} from './protocol.js';
import type { ResolvedMunsitOptions } from './options.js';

/** The request body for one segment. */
export function httpRequestBody(options: ResolvedMunsitOptions, text: string): HttpRequestBody {
  const settings = options.voiceSettings;
  return {
    voice_id: options.voiceId,
    text,
    streaming: true,
    ...(settings?.stability === undefined ? {} : { stability: settings.stability }),
    ...(settings?.similarityBoost === undefined ? {} : { similarity_boost: settings.similarityBoost }),
    ...(settings?.speed === undefined ? {} : { speed: settings.speed }),
    sample_rate: sampleRateOf(options.outputFormat),
  };
}

/**
 * Streams one segment over HTTP. `onAudio` receives the body's bytes as they arrive (not aligned to
 * samples). Resolves at the end of the body; rejects with a {@link SpeechError} (or an AbortError
 * when `signal` aborts).
 */
export async function streamHttpSegment(
  options: ResolvedMunsitOptions,
  apiKey: string,
  text: string,
  signal: AbortSignal,
  onAudio: (bytes: Uint8Array, sampleRate: number) => void,
): Promise<void> {
  const url = `${options.httpUrl}/${encodeURIComponent(options.modelId)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'audio/raw', 'x-api-key': apiKey },
      body: JSON.stringify(httpRequestBody(options, text)),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new SpeechError('connection', `Munsit HTTP request failed: ${error instanceof Error ? error.message : String(error)}`, {
      provider: 'munsit',
      cause: error,
    });
  }
  if (!response.ok) {
    const bodyText = await response.text().catch(() => '');
    let message = redactAndTruncate(bodyText, 300);
    let providerCode: number | string = response.status;
    try {
      const parsed = httpErrorBodySchema.safeParse(JSON.parse(bodyText));
      if (parsed.success) {
        const text = parsed.data.errorMessage ?? parsed.data.message ?? (typeof parsed.data.detail === 'string' ? parsed.data.detail : undefined);
        if (text !== undefined) message = redactAndTruncate(text, 300);
        if (parsed.data.errorCode !== undefined) providerCode = parsed.data.errorCode;
      }
    } catch {
      // not JSON: keep the text
    }
    throw new SpeechError(codeForHttpStatus(response.status, message), `Munsit HTTP ${response.status}: ${message || response.statusText}`, {
      provider: 'munsit',
      providerCode,
    });
  }
  const contentType = response.headers.get('content-type');
  const raw = parseRawAudioContentType(contentType);
  const isOctets = contentType?.toLowerCase().startsWith('application/octet-stream') ?? false;
  if ((!raw && !isOctets) || (raw && ((raw.codec !== undefined && raw.codec !== 'pcm16') || (raw.channels !== undefined && raw.channels !== 1)))) {
    await response.body?.cancel().catch(() => undefined);
    throw new SpeechError('protocol', `Munsit HTTP answered with unexpected content type ${JSON.stringify(contentType ?? '')}.`, {
      provider: 'munsit',
      retryable: false,
    });
  }
  const sampleRate = raw?.rate && Number.isFinite(raw.rate) && raw.rate > 0 ? raw.rate : sampleRateOf(options.outputFormat);
  const body = response.body;
  if (!body) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value && value.byteLength > 0) onAudio(value, sampleRate);
    }
  } catch (error) {
    if (signal.aborted) throw error;
    throw new SpeechError('connection', 'Munsit HTTP stream broke off before its end.', { provider: 'munsit', cause: error });
  } finally {
    reader.releaseLock();
  }
}
