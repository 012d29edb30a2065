/** Options of the murmr adapter, validated with zod. */
import { z } from 'zod';
import { apiKeyOption, originSchema, parseProviderOptions, withOrigin } from '@utter/core/provider';

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
/** The environment variable the API key is read from. */
export const apiKeyEnv = 'MURMR_API_KEY';
/** The real endpoint. `baseUrl` replaces its scheme, host and port. */
export const MURMR_URL = 'wss://api.murmr.dev/v1/realtime';

/** zod schema of {@link MurmrOptions}. */
export const murmrOptionsSchema = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
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
  return parseProviderOptions(murmrOptionsSchema, options, { name: 'murmr' });
}

/** Settings of a murmr provider. */
export interface ResolvedMurmrOptions {
  readonly url: string;
  /** snake_case voice fields of the `config` message. */
  readonly config: Record<string, unknown>;
  readonly binary: boolean;
  readonly keepAliveIntervalMs: number;
}

/** Applies defaults. */
export function resolveMurmrOptions(opts: MurmrOptions): ResolvedMurmrOptions {
  const config: Record<string, unknown> = {};
  if (opts.voiceClonePrompt !== undefined) config['voice_clone_prompt'] = opts.voiceClonePrompt;
  else config['voice_description'] = opts.voiceDescription ?? DEFAULT_VOICE_DESCRIPTION;
  if (opts.voice !== undefined) config['voice'] = opts.voice;
  if (opts.language !== undefined) config['language'] = opts.language;
  return {
    url: withOrigin(MURMR_URL, opts.baseUrl),
    config,
    binary: (opts.audioMode ?? 'binary') === 'binary',
    keepAliveIntervalMs: opts.keepAliveIntervalMs ?? 60_000,
  };
}
