/**
 * Options of the Munsit adapter, validated with zod.
 */
import { z } from 'zod';
import type { SchedulerLike } from 'rxjs';
import { apiKeyOption, originSchema, withOrigin } from '@utter/core/provider';
import { MUNSIT_OUTPUT_FORMATS, type MunsitOutputFormat } from './protocol.js';

/** The environment variable the API key is read from when `apiKey` is not given. */
export const apiKeyEnv = 'MUNSIT_API_KEY';

/** Munsit's WebSocket host (note: `.ai`). */
export const DEFAULT_BASE_URL = 'wss://api.munsit.ai';
/** Munsit's HTTP API host (note: `.com`). */
export const DEFAULT_HTTP_BASE_URL = 'https://api.munsit.com';
/** The WebSocket path. */
export const WEBSOCKET_PATH = '/api/v1/websocket/text-to-speech';
/** The HTTP streaming path (followed by `/{model_id}`). */
export const HTTP_PATH = '/api/v1/text-to-speech';
/** Default model. */
export const DEFAULT_MODEL = 'faseeh-mini-v1-preview';
/** Default voice (the docs' example). */
export const DEFAULT_VOICE = 'ar-najdi-male-2';

/** zod schema of {@link MunsitOptions}. */
export const munsitOptionsSchema = z
  .object({
    apiKey: apiKeyOption,
    baseUrl: originSchema().optional(),
    httpBaseUrl: originSchema('httpBaseUrl', ['http', 'https']).optional(),
    voiceId: z.string().min(1, 'must not be empty').optional(),
    modelId: z.string().min(1, 'must not be empty').optional(),
    voiceSettings: z
      .object({
        stability: z.number().min(0).max(1).optional(),
        similarityBoost: z.number().min(0).max(1).optional(),
        speed: z.number().min(0.7).max(1.2).optional(),
      })
      .strict()
      .optional(),
    outputFormat: z.enum(MUNSIT_OUTPUT_FORMATS).optional(),
    transport: z.enum(['websocket', 'http', 'auto']).optional(),
    firstAudioTimeoutMs: z.number().int().positive().optional(),
    authIn: z.enum(['query', 'message']).optional(),
    tryTriggerGeneration: z.boolean().optional(),
    scheduler: z.custom<SchedulerLike>(
      (value) => typeof value === 'object' && value !== null && typeof (value as SchedulerLike).schedule === 'function',
      { message: 'must be an RxJS SchedulerLike' },
    ).optional(),
  })
  .strict();

/** Options of {@link munsit}. */
export interface MunsitOptions {
  /** API key. Default: `process.env.MUNSIT_API_KEY`. Never logged or printed. */
  readonly apiKey?: string;
  /**
   * Replaces the scheme, host and port of the WebSocket endpoint (`wss://api.munsit.ai`); the real
   * path is kept. `ws://127.0.0.1:PORT` talks to a local server. An `http(s)://` value is accepted
   * and turned into `ws(s)://`.
   */
  readonly baseUrl?: string;
  /**
   * Scheme, host and port of the HTTP streaming endpoint. Default: derived from `baseUrl`
   * (`ws` -> `http`, `wss` -> `https`, same host) when `baseUrl` is given, else `https://api.munsit.com`.
   */
  readonly httpBaseUrl?: string;
  /** Voice, e.g. `ar-najdi-male-2` (default) or `ar-najdi-female-1`. */
  readonly voiceId?: string;
  /** Model, e.g. `faseeh-mini-v1-preview` (default) or `faseeh-v1-preview`. */
  readonly modelId?: string;
  /** Voice settings (defaults are the service's: stability 0.5, similarity boost 0.75, speed 1.0). */
  readonly voiceSettings?: {
    /** 0..1. */
    readonly stability?: number;
    /** 0..1. */
    readonly similarityBoost?: number;
    /** 0.7..1.2. */
    readonly speed?: number;
  };
  /** PCM sample rate on the wire: `pcm_8000`, `pcm_16000`, `pcm_22050` or `pcm_24000` (default). */
  readonly outputFormat?: MunsitOutputFormat;
  /**
   * `'websocket'`: the realtime socket only. `'http'`: the HTTP streaming endpoint only, one request
   * per segment. `'auto'` (default): the socket, with a first-audio watchdog that switches this
   * provider to HTTP for the rest of its life when the socket stays silent.
   */
  readonly transport?: 'websocket' | 'http' | 'auto';
  /** How long `'auto'` waits for the first audio of a segment on the socket before falling back, ms. Default 3000. */
  readonly firstAudioTimeoutMs?: number;
  /** Where the key goes on the socket: the `x-api-key` query parameter (default) or `x_api_key` in `initConnection`. */
  readonly authIn?: 'query' | 'message';
  /** Sets `try_trigger_generation` on text messages. Default false. */
  readonly tryTriggerGeneration?: boolean;
  /** Scheduler of the first-audio watchdog (virtual time in tests). Default: RxJS `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** Per-provider state shared by its connections: once the socket was found silent, later connections use HTTP. */
export interface MunsitProviderState {
  httpOnly: boolean;
}

/** Options after validation and defaults. */
export interface ResolvedMunsitOptions {
  /** The WebSocket endpoint (without the key). */
  readonly url: string;
  /** The HTTP streaming endpoint, without the `/{model_id}` suffix. */
  readonly httpUrl: string;
  readonly voiceId: string;
  readonly modelId: string;
  readonly voiceSettings: { stability?: number; similarityBoost?: number; speed?: number } | undefined;
  readonly outputFormat: MunsitOutputFormat;
  readonly transport: 'websocket' | 'http' | 'auto';
  readonly firstAudioTimeoutMs: number;
  readonly authIn: 'query' | 'message';
  readonly tryTriggerGeneration: boolean;
  readonly scheduler: SchedulerLike | undefined;
  readonly state: MunsitProviderState;
}

/** Applies defaults (once per provider: the state is the provider's). */
export function resolveMunsitOptions(o: MunsitOptions): ResolvedMunsitOptions {
  const transport = o.transport ?? 'auto';
  return {
    url: withOrigin(`${DEFAULT_BASE_URL}${WEBSOCKET_PATH}`, o.baseUrl),
    httpUrl: withOrigin(`${DEFAULT_HTTP_BASE_URL}${HTTP_PATH}`, o.httpBaseUrl ?? o.baseUrl),
    voiceId: o.voiceId ?? DEFAULT_VOICE,
    modelId: o.modelId ?? DEFAULT_MODEL,
    voiceSettings: o.voiceSettings,
    outputFormat: o.outputFormat ?? 'pcm_24000',
    transport,
    firstAudioTimeoutMs: o.firstAudioTimeoutMs ?? 3000,
    authIn: o.authIn ?? 'query',
    tryTriggerGeneration: o.tryTriggerGeneration ?? false,
    scheduler: o.scheduler,
    state: { httpOnly: transport === 'http' },
  };
}
