/** Options of the murmr adapter, validated with zod. */
import { z } from 'zod';
import { SpeechError } from '@utter/core';

/** Options of {@link murmr}. Every field is optional. */
export interface MurmrOptions {
  /** API key (`murmr_sk_live_…` / `murmr_sk_test_…`). Default: the `MURMR_API_KEY` environment variable. */
  readonly apiKey?: string;
  /**
   * Replaces the scheme, host and port of `wss://api.murmr.dev` (the path `/v1/realtime` is kept),
   * e.g. `'ws://127.0.0.1:8080'` for a local test server.
   */
  readonly baseUrl?: string;
  /** VoiceDesign: a description of the voice (at most 500 characters). Default: a neutral, friendly voice. */
  readonly voiceDescription?: string;
  /** A saved voice's clone prompt (base64). Excludes `voiceDescription`. */
  readonly voiceClonePrompt?: string;
  /** A saved voice id; needs `voiceClonePrompt`. */
  readonly voice?: string;
  /** Language as a full English name (`'English'`, `'German'`, ...) or `'Auto'` (default). */
  readonly language?: string;
  /** How audio travels: raw binary frames (default, less overhead) or base64 JSON. */
  readonly audioMode?: 'binary' | 'base64';
  /** Send a `ping` after this much idle time, in ms. Default 60 000. */
  readonly keepAliveIntervalMs?: number;
}

/** The default voice description when neither a description nor a clone prompt is given. */
export const DEFAULT_VOICE_DESCRIPTION = 'A clear, warm and friendly voice with natural pacing.';

const schema = z
  .object({
    apiKey: z.string().min(1, 'apiKey must not be empty').optional(),
    baseUrl: z
      .string()
      .regex(/^wss?:\/\/[^/?#\s]+\/?$/, 'baseUrl must be a scheme, host and optional port only, like "ws://127.0.0.1:8080"')
      .optional(),
    voiceDescription: z.string().trim().min(1, 'voiceDescription must not be empty').max(500, 'voiceDescription must be at most 500 characters').optional(),
    voiceClonePrompt: z.string().regex(/^[A-Za-z0-9+/_-]+=*$/, 'voiceClonePrompt must be base64').optional(),
    voice: z.string().min(1, 'voice must not be empty').optional(),
    language: z
      .string()
      .regex(/^[A-Z][a-z]+(?: [A-Z][a-z]+)*$/, 'language must be a full language name such as "English" or "Auto"')
      .optional(),
    audioMode: z.enum(['binary', 'base64']).optional(),
    keepAliveIntervalMs: z.number().int().min(1000, 'keepAliveIntervalMs must be at least 1000').optional(),
  })
  .strict()
  .refine((o) => !(o.voiceDescription !== undefined && o.voiceClonePrompt !== undefined), {
    message: 'give either voiceDescription or voiceClonePrompt, not both',
  })
  .refine((o) => o.voice === undefined || o.voiceClonePrompt !== undefined, {
    message: 'voice (a saved voice id) needs voiceClonePrompt',
    path: ['voice'],
  });

/** Validates murmr options; a bad value throws SpeechError `invalid-input` naming the field. */
export function parseMurmrOptions(options: unknown): MurmrOptions {
  const result = schema.safeParse(options ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new SpeechError('invalid-input', `Invalid murmr options: ${where}${issue?.message ?? 'invalid value'}`, {
      provider: 'murmr',
      retryable: false,
    });
  }
  return result.data;
}
