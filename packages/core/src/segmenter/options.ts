/**
 * Segmenter options: validation (a zod schema per option, unknown options refused) and defaults.
 * @internal
 */
import { z } from 'zod';
import type { LanguageData } from './lang.js';
import * as langModule from './lang.js';
// Read once: a transpiler that turns modules into CommonJS makes every imported binding a getter call,
// which costs in this per-character code.
const { getLanguageData, normalizeLanguage } = langModule;
import { type Granularity, type SegmenterOptions, SegmenterOptionsError } from './types.js';

/** Options after validation and defaults. @internal */
export interface ResolvedOptions {
  /** Primary language subtag, or `undefined` (script detection decides). */
  readonly language: string | undefined;
  readonly granularity: Granularity;
  readonly maxLength: number;
  /** `Infinity` when the early first release is disabled. */
  readonly firstSegmentMinLength: number;
  readonly minLength: number;
  readonly markdown: boolean;
  readonly code: string;
  readonly emoji: 'drop' | 'keep';
  /** Abbreviations and rules of the language (or of all languages). */
  readonly lang: LanguageData;
}

const int = (min: number, max: number) =>
  z.number({ error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` })
    .int({ error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` })
    .min(min, { error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` })
    .max(max, { error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` });

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** One schema per option; the error message says what is expected. */
const OPTION_SCHEMAS = {
  language: z
    .string({ error: (i) => `expected a BCP 47 tag such as "en" or "de-AT", got ${describe(i.input)}` })
    .regex(/^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/, { error: (i) => `expected a BCP 47 tag such as "en" or "de-AT", got ${describe(i.input)}` }),
  granularity: z.enum(['sentence', 'speech'], { error: (i) => `expected 'sentence' or 'speech', got ${describe(i.input)}` }),
  maxLength: int(8, 1_000_000),
  firstSegmentMinLength: z.union([z.literal(false), int(1, 1_000_000)], {
    error: (i) => `expected false or a positive integer, got ${describe(i.input)}`,
  }),
  minLength: int(0, 1_000_000),
  markdown: z.boolean({ error: 'expected a boolean' }),
  code: z.string({ error: "expected 'skip', 'read' or a phrase" }),
  emoji: z.enum(['drop', 'keep'], { error: (i) => `expected 'drop' or 'keep', got ${describe(i.input)}` }),
  abbreviations: z.array(z.string(), { error: 'expected an array of strings' }),
} satisfies Record<keyof SegmenterOptions, z.ZodType>;

function parse<K extends keyof SegmenterOptions>(name: K, value: unknown): NonNullable<SegmenterOptions[K]> {
  const r = OPTION_SCHEMAS[name].safeParse(value);
  if (!r.success) throw new SegmenterOptionsError(name, r.error.issues[0]?.message ?? 'invalid');
  return r.data as NonNullable<SegmenterOptions[K]>;
}

/**
 * Validates the options (unknown option names are refused) and applies the defaults.
 * @throws {@link SegmenterOptionsError} naming the option and what is wrong with it.
 * @internal
 */
export function resolveOptions(options: SegmenterOptions | undefined): ResolvedOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new SegmenterOptionsError('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!(key in OPTION_SCHEMAS)) {
      throw new SegmenterOptionsError(key, `unknown option (known: ${Object.keys(OPTION_SCHEMAS).join(', ')})`);
    }
  }
  const o = options as Record<keyof SegmenterOptions, unknown>;
  const opt = <K extends keyof SegmenterOptions>(name: K): NonNullable<SegmenterOptions[K]> | undefined =>
    o[name] === undefined ? undefined : parse(name, o[name]);
  const language = opt('language');
  const maxLength = opt('maxLength') ?? 200;
  const first = opt('firstSegmentMinLength');
  if (typeof first === 'number' && first > maxLength) {
    throw new SegmenterOptionsError('firstSegmentMinLength', `expected an integer from 1 to maxLength (${maxLength}), got ${first}`);
  }
  const minLength = opt('minLength') ?? 20;
  if (o.minLength !== undefined && minLength > maxLength) throw new SegmenterOptionsError('minLength', `expected an integer from 0 to maxLength (${maxLength}), got ${minLength}`);
  const primary = language === undefined ? undefined : normalizeLanguage(language);
  return {
    language: primary,
    granularity: opt('granularity') ?? 'speech',
    maxLength,
    firstSegmentMinLength: first === false ? Infinity : (first ?? 24),
    minLength,
    markdown: opt('markdown') ?? true,
    code: opt('code') ?? 'skip',
    emoji: opt('emoji') ?? 'drop',
    lang: getLanguageData(primary, opt('abbreviations') ?? []),
  };
}
