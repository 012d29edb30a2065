import { SpeechError } from '@utter/core';
import { z } from 'zod';

/** Options of {@link espeak}. Every field is optional. */
export interface EspeakOptions {
  /**
   * eSpeak voice: any language code or voice identifier that `listVoices()` reports (`"en-us"`,
   * `"en-gb"`, `"fr-fr"`, `"zh"`, `"gmw/en-GB-x-rp"`), optionally with a variant (`"en-us+f3"`,
   * `"en+m2"`). A language code is spoken by the voice that lists it with the best priority.
   * Default `"en-us"`. Unknown voices make `connect()`/`warmup()` reject with a SpeechError
   * `invalid-input`.
   */
  readonly voice?: string;
  /** Speaking rate in words per minute, 80..450. Default 175. */
  readonly rate?: number;
  /** Base pitch, 0..100. Default 50. */
  readonly pitch?: number;
  /** Number of engine instances (worker threads), 1..16. Default 1. Also the concurrent requests per connection. */
  readonly poolSize?: number;
  /**
   * Treat request text as SSML markup and pass it through unchanged. Default `false`: text is plain
   * (LLM) text and `& < >` are escaped, because the engine always parses SSML.
   */
  readonly ssml?: boolean;
}

/** Options after validation and defaults. */
export interface ResolvedEspeakOptions {
  /** eSpeak voice or language, e.g. `"en-us"`. */
  readonly voice: string;
  /** Words per minute. */
  readonly rate: number;
  /** Base pitch, 0..100. */
  readonly pitch: number;
  /** Number of engine instances (worker threads). */
  readonly poolSize: number;
  /** Whether request text is passed through as SSML. */
  readonly ssml: boolean;
}

const optionsSchema = z
  .object({
    voice: z
      .string()
      .min(1, 'must not be empty')
      .max(64)
      .regex(/^[A-Za-z0-9_\-+/]+$/, 'must be an eSpeak voice name such as "en-us" or "en-us+f3"')
      .optional(),
    rate: z.number().int().min(80).max(450).optional(),
    pitch: z.number().int().min(0).max(100).optional(),
    poolSize: z.number().int().min(1).max(16).optional(),
    ssml: z.boolean().optional(),
  })
  .strict();

/** Validates `options` (throws SpeechError `invalid-input`) and fills in defaults. */
export function resolveOptions(options: unknown): ResolvedEspeakOptions {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'options'}: ${issue.message}`)
      .join('; ');
    throw new SpeechError('invalid-input', `Invalid eSpeak options: ${details}`, { provider: 'espeak', cause: parsed.error });
  }
  const value = parsed.data;
  return {
    voice: value.voice ?? 'en-us',
    rate: value.rate ?? 175,
    pitch: value.pitch ?? 50,
    poolSize: value.poolSize ?? 1,
    ssml: value.ssml ?? false,
  };
}
