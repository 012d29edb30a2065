/**
 * Options of the Uplift AI adapter, validated with zod.
 */
import { z } from 'zod';
import { apiKeyOption, originSchema, withOrigin } from '@utter/core/provider';
import { SUPPORTED_OUTPUT_FORMATS, UPLIFTAI_OUTPUT_FORMATS, type SupportedUpliftOutputFormat } from './protocol.js';

/** The environment variable the API key is read from when `apiKey` is not given. */
export const apiKeyEnv = 'UPLIFTAI_API_KEY';
/** Uplift AI's WebSocket host. */
export const DEFAULT_BASE_URL = 'wss://api.upliftai.org';
/** The plain WebSocket multi-stream path. */
export const WEBSOCKET_PATH = '/v1/text-to-speech/multi-stream';
/** Default voice (`v_meklc281`, Urdu female). */
export const DEFAULT_VOICE = 'v_meklc281';

/** zod schema of {@link UpliftAiOptions}. */
export const upliftaiOptionsSchema = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
    voiceId: z.string().min(1, 'must not be empty').optional(),
    outputFormat: z
      .enum(UPLIFTAI_OUTPUT_FORMATS, { message: `must be one of ${SUPPORTED_OUTPUT_FORMATS.join(', ')}` })
      .refine((f): f is SupportedUpliftOutputFormat => (SUPPORTED_OUTPUT_FORMATS as readonly string[]).includes(f), {
        message: `MP3 and OGG are not supported by this adapter (utter emits PCM16 and ships no MP3/OGG decoder); use one of ${SUPPORTED_OUTPUT_FORMATS.join(', ')}`,
      })
      .optional(),
    phraseReplacementConfigId: z.string().min(1, 'must not be empty').optional(),
    maxConcurrentRequests: z.number().int().min(1).max(16).optional(),
  })
  .strict();

/** Options of {@link upliftai}. */
export interface UpliftAiOptions {
  /** API key (`sk_api_…`). Default: `process.env.UPLIFTAI_API_KEY`. Sent as `Authorization: Bearer`; never logged. */
  readonly apiKey?: string;
  /** Replaces the scheme, host and port of `wss://api.upliftai.org`; the real path is kept. */
  readonly baseUrl?: string;
  /** Voice, e.g. `v_meklc281` (default, Urdu female), `v_8eelc901`, `v_30s70t3a`, `v_yypgzenx`. */
  readonly voiceId?: string;
  /**
   * Wire format: `PCM_22050_16` (default), `WAV_22050_16`, `WAV_22050_32` (22 050 Hz) or
   * `ULAW_8000_8` (8 000 Hz, decoded to PCM16). MP3 and OGG are rejected.
   */
  readonly outputFormat?: SupportedUpliftOutputFormat;
  /** A phrase-replacement configuration to apply to every request. */
  readonly phraseReplacementConfigId?: string;
  /** Requests in flight on one connection at once (their audio interleaves and is put back in order). Default 3. */
  readonly maxConcurrentRequests?: number;
}

/** Options after validation and defaults. */
export interface ResolvedUpliftOptions {
  readonly url: string;
  readonly voiceId: string;
  readonly outputFormat: SupportedUpliftOutputFormat;
  readonly phraseReplacementConfigId: string | undefined;
  readonly maxConcurrentRequests: number;
}

/** Applies defaults. */
export function resolveUpliftOptions(o: UpliftAiOptions): ResolvedUpliftOptions {
  return {
    url: withOrigin(`${DEFAULT_BASE_URL}${WEBSOCKET_PATH}`, o.baseUrl),
    voiceId: o.voiceId ?? DEFAULT_VOICE,
    outputFormat: o.outputFormat ?? 'PCM_22050_16',
    phraseReplacementConfigId: o.phraseReplacementConfigId,
    maxConcurrentRequests: o.maxConcurrentRequests ?? 3,
  };
}
