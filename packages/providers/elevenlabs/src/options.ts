/**
 * Options of the ElevenLabs adapter: the options type, its zod schema (`.strict()`), defaults, the
 * environment variable of the key, and the resolved settings (endpoint, query, first-message fields).
 */
import { z } from 'zod';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { apiKeyOption, originSchema, parseProviderOptions, withOrigin } from '@utter/core/provider';

/** The environment variable the API key is read from when `apiKey` is not given. */
export const apiKeyEnv = 'ELEVENLABS_API_KEY';

/** ElevenLabs' output formats this adapter decodes to PCM16 (MP3 and Opus are not decoded by utter). */
export const ELEVENLABS_OUTPUT_FORMATS = ['pcm_8000', 'pcm_16000', 'pcm_22050', 'pcm_24000', 'pcm_44100', 'pcm_48000', 'ulaw_8000', 'alaw_8000'] as const;
/** An output format this adapter accepts. */
export type ElevenLabsOutputFormat = (typeof ELEVENLABS_OUTPUT_FORMATS)[number];

/** API hosts: the global one and the data-residency ones. */
export const ELEVENLABS_HOSTS = {
  global: 'api.elevenlabs.io',
  us: 'api.us.elevenlabs.io',
  eu: 'api.eu.residency.elevenlabs.io',
  in: 'api.in.residency.elevenlabs.io',
} as const;
/** A region (host) of the API. */
export type ElevenLabsRegion = keyof typeof ELEVENLABS_HOSTS;

/** Default voice: "George" (`JBFqnCBsd6RMkjVDRZzb`), a premade voice every account has. */
export const DEFAULT_ELEVENLABS_VOICE = 'JBFqnCBsd6RMkjVDRZzb';
/** Default model: Flash v2.5, the low-latency model. */
export const DEFAULT_ELEVENLABS_MODEL = 'eleven_flash_v2_5';
/** Contexts ElevenLabs allows open at once on one `multi-stream-input` socket. */
export const ELEVENLABS_MAX_CONTEXTS = 5;
/** ElevenLabs' default `inactivity_timeout`, in seconds. */
export const DEFAULT_INACTIVITY_TIMEOUT_S = 20;

/** Voice settings (sent as `voice_settings` on a context's first message). */
export interface ElevenLabsVoiceSettings {
  /** 0..1 (wire `stability`). */
  readonly stability?: number;
  /** 0..1 (wire `similarity_boost`). */
  readonly similarityBoost?: number;
  /** 0..1, V2+ models (wire `style`). */
  readonly style?: number;
  /** V2+ models (wire `use_speaker_boost`). */
  readonly useSpeakerBoost?: boolean;
  /** 0.7..1.2 (wire `speed`). */
  readonly speed?: number;
}

/** A pronunciation dictionary to apply (wire `pronunciation_dictionary_locators`). */
export interface ElevenLabsPronunciationDictionary {
  readonly pronunciationDictionaryId: string;
  readonly versionId: string;
}

/** Options of {@link elevenlabs}. Every field is optional. */
export interface ElevenLabsOptions {
  /** API key. Default: `process.env.ELEVENLABS_API_KEY`. Never logged or printed. */
  readonly apiKey?: string;
  /** Replaces the scheme, host and port of the endpoint (path and query kept), e.g. `'ws://127.0.0.1:8080'`. */
  readonly baseUrl?: string;
  /** API host: `'global'` (default) or a data-residency region. Ignored with `baseUrl`. */
  readonly region?: ElevenLabsRegion;
  /**
   * `'multi'` (default): `multi-stream-input`, one socket, a context per reply (up to 5 at once).
   * `'single'`: `stream-input`, one reply per socket (the socket ends with the reply).
   */
  readonly mode?: 'multi' | 'single';
  /** Voice id (in the URL path). Default {@link DEFAULT_ELEVENLABS_VOICE}. */
  readonly voiceId?: string;
  /** Model id (query `model_id`). Default `'eleven_flash_v2_5'`. `eleven_v3` has no multi-context socket. */
  readonly modelId?: string;
  /** Wire format (query `output_format`). Default `'pcm_24000'`; `ulaw_8000`/`alaw_8000` are decoded with G.711. */
  readonly outputFormat?: ElevenLabsOutputFormat;
  /** Voice settings (first message of each context). */
  readonly voiceSettings?: ElevenLabsVoiceSettings;
  /** ISO 639-1 language to enforce (query `language_code`), e.g. `'de'`. */
  readonly languageCode?: string;
  /** Seconds without text before ElevenLabs closes the socket, 1..180 (query `inactivity_timeout`). ElevenLabs' default 20. */
  readonly inactivityTimeout?: number;
  /** Keep-alive after this much idle time, in ms; below `inactivityTimeout`. Default: half of it. */
  readonly keepAliveIntervalMs?: number;
  /**
   * Query `auto_mode`: ElevenLabs generates as soon as a sentence arrives instead of buffering by
   * `chunkLengthSchedule`. Default true (utter already sends whole sentences and clauses), false when
   * `chunkLengthSchedule` is given.
   */
  readonly autoMode?: boolean;
  /** `generation_config.chunk_length_schedule` (each 50..500 characters); needs `autoMode: false`. */
  readonly chunkLengthSchedule?: readonly number[];
  /** Query `sync_alignment` (alignment synchronized with each audio chunk). Default true. */
  readonly syncAlignment?: boolean;
  /** Query `apply_text_normalization`; `'on'` is not allowed with Flash or Turbo v2.5. */
  readonly applyTextNormalization?: 'auto' | 'on' | 'off';
  /** Query `enable_ssml_parsing`. */
  readonly enableSsmlParsing?: boolean;
  /** Query `enable_logging`; false = zero-retention mode (enterprise). */
  readonly enableLogging?: boolean;
  /** Query `seed`, 0..4294967295, for (mostly) repeatable audio. */
  readonly seed?: number;
  /** Up to 3 pronunciation dictionaries (first message of each context). */
  readonly pronunciationDictionaries?: readonly ElevenLabsPronunciationDictionary[];
  /** Where the key goes: the `xi-api-key` upgrade header (default) or the first message of each context. */
  readonly auth?: 'header' | 'message';
  /** Contexts this adapter keeps open on one socket, 1..5 (multi mode). Default 5. */
  readonly maxContexts?: number;
  /**
   * Longest time, in ms, a reply waits for a context slot while ElevenLabs sends nothing (no audio, no
   * `isFinal`); after that the connection fails (retryable) and the session reconnects. Default 5 000.
   */
  readonly contextReleaseTimeoutMs?: number;
  /** Scheduler of the adapter's own timer (`contextReleaseTimeoutMs`), for virtual time in tests. */
  readonly scheduler?: SchedulerLike;
}

const unit = (name: string) => z.number().min(0, `${name} must be between 0 and 1`).max(1, `${name} must be between 0 and 1`);
const int = (min: number, max: number, name: string) =>
  z.number().int(`${name} must be an integer`).min(min, `${name} must be between ${min} and ${max}`).max(max, `${name} must be between ${min} and ${max}`);
const bool = (name: string) => z.boolean({ message: `${name} must be true or false` });

/** zod schema of {@link ElevenLabsOptions}. */
export const elevenlabsOptionsSchema: z.ZodType<ElevenLabsOptions> = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
    region: z.enum(Object.keys(ELEVENLABS_HOSTS) as [ElevenLabsRegion], { message: `region must be one of ${Object.keys(ELEVENLABS_HOSTS).join(', ')}` }).optional(),
    mode: z.enum(['multi', 'single'], { message: 'mode must be "multi" or "single"' }).optional(),
    voiceId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'voiceId must be a voice id like "JBFqnCBsd6RMkjVDRZzb"').optional(),
    modelId: z.string().regex(/^[a-z0-9_.-]+$/, 'modelId must be a model id like "eleven_flash_v2_5"').optional(),
    outputFormat: z
      .enum(ELEVENLABS_OUTPUT_FORMATS, { message: `outputFormat must be one of ${ELEVENLABS_OUTPUT_FORMATS.join(', ')} (utter decodes PCM and G.711, not MP3 or Opus)` })
      .optional(),
    voiceSettings: z
      .object({
        stability: unit('voiceSettings.stability').optional(),
        similarityBoost: unit('voiceSettings.similarityBoost').optional(),
        style: unit('voiceSettings.style').optional(),
        useSpeakerBoost: bool('voiceSettings.useSpeakerBoost').optional(),
        speed: z.number().min(0.7, 'voiceSettings.speed must be between 0.7 and 1.2').max(1.2, 'voiceSettings.speed must be between 0.7 and 1.2').optional(),
      })
      .strict()
      .optional(),
    languageCode: z.string().regex(/^[a-z]{2,3}$/, 'languageCode must be an ISO 639-1 code like "en"').optional(),
    inactivityTimeout: int(1, 180, 'inactivityTimeout').optional(),
    keepAliveIntervalMs: int(500, 179_000, 'keepAliveIntervalMs').optional(),
    autoMode: bool('autoMode').optional(),
    chunkLengthSchedule: z
      .array(z.number().min(50, 'chunkLengthSchedule values must be between 50 and 500').max(500, 'chunkLengthSchedule values must be between 50 and 500'))
      .min(1, 'chunkLengthSchedule must not be empty')
      .max(16, 'chunkLengthSchedule takes at most 16 values')
      .optional(),
    syncAlignment: bool('syncAlignment').optional(),
    applyTextNormalization: z.enum(['auto', 'on', 'off'], { message: 'applyTextNormalization must be "auto", "on" or "off"' }).optional(),
    enableSsmlParsing: bool('enableSsmlParsing').optional(),
    enableLogging: bool('enableLogging').optional(),
    seed: int(0, 4_294_967_295, 'seed').optional(),
    pronunciationDictionaries: z
      .array(z.object({ pronunciationDictionaryId: z.string().min(1), versionId: z.string().min(1) }).strict())
      .max(3, 'pronunciationDictionaries takes at most 3 dictionaries')
      .optional(),
    auth: z.enum(['header', 'message'], { message: 'auth must be "header" or "message"' }).optional(),
    maxContexts: int(1, ELEVENLABS_MAX_CONTEXTS, 'maxContexts').optional(),
    contextReleaseTimeoutMs: int(100, 120_000, 'contextReleaseTimeoutMs').optional(),
    scheduler: z
      .custom<SchedulerLike>((v) => typeof v === 'object' && v !== null && typeof (v as SchedulerLike).schedule === 'function' && typeof (v as SchedulerLike).now === 'function', {
        message: 'scheduler must be an RxJS SchedulerLike',
      })
      .optional(),
  })
  .strict()
  .superRefine((o, issue) => {
    const add = (path: string, message: string): void => issue.addIssue({ code: 'custom', path: [path], message });
    const mode = o.mode ?? 'multi';
    const model = o.modelId ?? DEFAULT_ELEVENLABS_MODEL;
    if (mode === 'multi' && model.startsWith('eleven_v3')) add('modelId', `modelId ${model} has no multi-context socket; use mode: 'single' or another model`);
    if (o.autoMode === true && o.chunkLengthSchedule !== undefined) add('chunkLengthSchedule', 'chunkLengthSchedule has no effect with autoMode: true; set autoMode: false');
    if (o.applyTextNormalization === 'on' && /^eleven_(flash|turbo)_v2_5/.test(model)) add('applyTextNormalization', `applyTextNormalization "on" is not allowed with ${model}; use "auto" or "off"`);
    const timeoutMs = (o.inactivityTimeout ?? DEFAULT_INACTIVITY_TIMEOUT_S) * 1000;
    if (o.keepAliveIntervalMs !== undefined && o.keepAliveIntervalMs >= timeoutMs) {
      add('keepAliveIntervalMs', `keepAliveIntervalMs must be below inactivityTimeout (${timeoutMs} ms)`);
    }
  });

/** Validates options; a bad value throws SpeechError `invalid-input` naming the option and why. */
export function parseElevenLabsOptions(options: unknown): ElevenLabsOptions {
  return parseProviderOptions(elevenlabsOptionsSchema, options, { name: 'elevenlabs', label: 'ElevenLabs' }) as ElevenLabsOptions;
}

/** Settings of an ElevenLabs provider, from its options. */
export interface ResolvedElevenLabsOptions {
  readonly mode: 'multi' | 'single';
  /** The endpoint without the key (safe to print). */
  readonly endpoint: string;
  readonly outputFormat: ElevenLabsOutputFormat;
  readonly sampleRate: number;
  readonly auth: 'header' | 'message';
  /** Fields of a context's first message besides `text`, `context_id` and the key (snake_case, wire-ready). */
  readonly firstMessage: Readonly<Record<string, unknown>>;
  readonly maxContexts: number;
  readonly keepAliveIntervalMs: number;
  readonly contextReleaseTimeoutMs: number;
  readonly scheduler: SchedulerLike;
}

/** The sample rate of an output format. */
export function sampleRateOf(format: ElevenLabsOutputFormat): number {
  return Number(format.split('_')[1]);
}

/** Applies defaults and builds the wire settings. */
export function resolveElevenLabsOptions(o: ElevenLabsOptions): ResolvedElevenLabsOptions {
  const mode = o.mode ?? 'multi';
  const outputFormat = o.outputFormat ?? 'pcm_24000';
  const autoMode = o.autoMode ?? o.chunkLengthSchedule === undefined;
  const query = new URLSearchParams({ model_id: o.modelId ?? DEFAULT_ELEVENLABS_MODEL, output_format: outputFormat });
  if (o.languageCode !== undefined) query.set('language_code', o.languageCode);
  if (o.inactivityTimeout !== undefined) query.set('inactivity_timeout', String(o.inactivityTimeout));
  query.set('auto_mode', String(autoMode));
  query.set('sync_alignment', String(o.syncAlignment ?? true));
  if (o.applyTextNormalization !== undefined) query.set('apply_text_normalization', o.applyTextNormalization);
  if (o.enableSsmlParsing !== undefined) query.set('enable_ssml_parsing', String(o.enableSsmlParsing));
  if (o.enableLogging !== undefined) query.set('enable_logging', String(o.enableLogging));
  if (o.seed !== undefined) query.set('seed', String(o.seed));
  const path = `/v1/text-to-speech/${o.voiceId ?? DEFAULT_ELEVENLABS_VOICE}/${mode === 'multi' ? 'multi-stream-input' : 'stream-input'}`;
  const firstMessage: Record<string, unknown> = {};
  const vs = o.voiceSettings;
  if (vs !== undefined) {
    const wire: Record<string, unknown> = {};
    if (vs.stability !== undefined) wire['stability'] = vs.stability;
    if (vs.similarityBoost !== undefined) wire['similarity_boost'] = vs.similarityBoost;
    if (vs.style !== undefined) wire['style'] = vs.style;
    if (vs.useSpeakerBoost !== undefined) wire['use_speaker_boost'] = vs.useSpeakerBoost;
    if (vs.speed !== undefined) wire['speed'] = vs.speed;
    firstMessage['voice_settings'] = wire;
  }
  if (o.chunkLengthSchedule !== undefined) firstMessage['generation_config'] = { chunk_length_schedule: [...o.chunkLengthSchedule] };
  if (o.pronunciationDictionaries !== undefined) {
    firstMessage['pronunciation_dictionary_locators'] = o.pronunciationDictionaries.map((d) => ({ pronunciation_dictionary_id: d.pronunciationDictionaryId, version_id: d.versionId }));
  }
  const timeoutMs = (o.inactivityTimeout ?? DEFAULT_INACTIVITY_TIMEOUT_S) * 1000;
  return {
    mode,
    endpoint: withOrigin(`wss://${ELEVENLABS_HOSTS[o.region ?? 'global']}${path}?${query.toString()}`, o.baseUrl),
    outputFormat,
    sampleRate: sampleRateOf(outputFormat),
    auth: o.auth ?? 'header',
    firstMessage,
    maxContexts: o.maxContexts ?? ELEVENLABS_MAX_CONTEXTS,
    keepAliveIntervalMs: o.keepAliveIntervalMs ?? Math.floor(timeoutMs / 2),
    contextReleaseTimeoutMs: o.contextReleaseTimeoutMs ?? 5_000,
    scheduler: o.scheduler ?? asyncScheduler,
  };
}
