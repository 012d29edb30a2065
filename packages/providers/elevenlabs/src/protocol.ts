/**
 * ElevenLabs' `stream-input` and `multi-stream-input` wire protocol: zod schemas of every message (both
 * directions), the close codes, and the error mapping (`errorFromMessage`, `errorFromClose`).
 *
 * The server's spellings drift (`contextId` / `context_id`, `isFinal` / `is_final`, `normalizedAlignment` /
 * `normalized_alignment`, `charStartTimesMs` / `charsStartTimesMs` / `char_start_times_ms`): every
 * spelling is accepted and normalized to one shape.
 */
import { z } from 'zod';
import { SpeechError, closeError, type CloseCodeTable, type SpeechErrorCode } from '@utter/core/provider';

const identity = { name: 'elevenlabs', label: 'ElevenLabs' } as const;

const numbers = z.array(z.number().finite());

/** Character alignment of one audio chunk (times relative to the chunk), normalized to camelCase. */
export const Alignment = z
  .object({
    chars: z.array(z.string()),
    charStartTimesMs: numbers.optional(),
    charsStartTimesMs: numbers.optional(),
    char_start_times_ms: numbers.optional(),
    charDurationsMs: numbers.optional(),
    charsDurationsMs: numbers.optional(),
    char_durations_ms: numbers.optional(),
  })
  .passthrough()
  .transform((a, zc) => {
    const starts = a.charStartTimesMs ?? a.charsStartTimesMs ?? a.char_start_times_ms;
    const durations = a.charDurationsMs ?? a.charsDurationsMs ?? a.char_durations_ms;
    if (starts === undefined || durations === undefined || starts.length !== a.chars.length || durations.length !== a.chars.length) {
      zc.addIssue({ code: 'custom', message: 'alignment arrays differ in length' });
      return z.NEVER;
    }
    return { chars: a.chars, charStartTimesMs: starts, charDurationsMs: durations };
  });
/** A normalized alignment. */
export type Alignment = z.infer<typeof Alignment>;

/**
 * Any message the server sends, normalized: audio (`{audio, alignment?, normalizedAlignment?, contextId?}`),
 * the end of a context or stream (`{isFinal: true, contextId?}`), or an error (`{error?, message, code?}`).
 */
export const ServerMessage = z
  .object({
    audio: z.string().nullable().optional(),
    isFinal: z.boolean().nullable().optional(),
    is_final: z.boolean().nullable().optional(),
    contextId: z.string().nullable().optional(),
    context_id: z.string().nullable().optional(),
    alignment: Alignment.nullable().optional(),
    normalizedAlignment: Alignment.nullable().optional(),
    normalized_alignment: Alignment.nullable().optional(),
    error: z.string().nullable().optional(),
    message: z.string().nullable().optional(),
    code: z.union([z.number(), z.string()]).nullable().optional(),
  })
  .passthrough()
  .transform((m, zc) => {
    const isError = typeof m.error === 'string' || (typeof m.message === 'string' && m.audio == null && m.isFinal == null && m.is_final == null);
    const contextId = m.contextId ?? m.context_id ?? undefined;
    if (isError) {
      return { kind: 'error' as const, contextId, error: m.error ?? undefined, message: m.message ?? m.error ?? 'unknown error', code: m.code ?? undefined };
    }
    const isFinal = m.isFinal === true || m.is_final === true;
    const audio = typeof m.audio === 'string' && m.audio !== '' ? m.audio : undefined;
    if (audio === undefined && !isFinal) {
      if (typeof m.audio === 'string' || m.alignment != null) return { kind: 'audio' as const, contextId, audio: '', alignment: undefined, isFinal: false };
      zc.addIssue({ code: 'custom', message: 'no audio, isFinal or error field' });
      return z.NEVER;
    }
    const alignment = m.alignment ?? m.normalizedAlignment ?? m.normalized_alignment ?? undefined;
    return { kind: 'audio' as const, contextId, audio: audio ?? '', alignment, isFinal };
  });
/** A parsed, normalized server message. */
export type ServerMessage = z.infer<typeof ServerMessage>;

const voiceSettings = z
  .object({
    stability: z.number().optional(),
    similarity_boost: z.number().optional(),
    style: z.number().optional(),
    use_speaker_boost: z.boolean().optional(),
    speed: z.number().optional(),
  })
  .strict();
const firstMessageFields = {
  voice_settings: voiceSettings.optional(),
  generation_config: z.object({ chunk_length_schedule: z.array(z.number()) }).strict().optional(),
  pronunciation_dictionary_locators: z.array(z.object({ pronunciation_dictionary_id: z.string(), version_id: z.string() }).strict()).optional(),
};

/** Messages this adapter sends on `multi-stream-input` (checked in tests against the test server's log). */
export const MultiClientMessage = z.union([
  /** A context's first message: the `" "` opener and its settings (and the key with `auth: 'message'`). */
  z.object({ text: z.literal(' '), context_id: z.string().min(1), xi_api_key: z.string().optional(), ...firstMessageFields }).strict(),
  /** Text, or `""` to keep a context alive, or a flush. */
  z.object({ text: z.string(), context_id: z.string().min(1), flush: z.boolean().optional() }).strict(),
  /** Closes one context; ElevenLabs answers with its `isFinal`. */
  z.object({ context_id: z.string().min(1), close_context: z.literal(true) }).strict(),
  /** Keeps the socket alive when no context is open. */
  z.object({ text: z.literal('') }).strict(),
  /** Goodbye: closes every context and the socket. */
  z.object({ close_socket: z.literal(true) }).strict(),
]);
/** A message sent on `multi-stream-input`. */
export type MultiClientMessage = z.infer<typeof MultiClientMessage>;

/** Messages this adapter sends on `stream-input`. */
export const SingleClientMessage = z.union([
  /** The first message: the `" "` opener and the settings (and the key with `auth: 'message'`). */
  z.object({ text: z.literal(' '), 'xi-api-key': z.string().optional(), ...firstMessageFields }).strict(),
  /** Text (`" "` keeps the socket alive; `""` ends the stream: EOS). */
  z.object({ text: z.string(), flush: z.boolean().optional() }).strict(),
]);
/** A message sent on `stream-input`. */
export type SingleClientMessage = z.infer<typeof SingleClientMessage>;

/**
 * ElevenLabs' close codes. 1008 (policy violation) covers the inactivity timeout, an invalid message, a
 * sixth context and settings on a later message: a retryable `connection` error (the reason says which).
 * 1009 ("message too big") is what ElevenLabs answers when the voice does not fit the model.
 */
export const ELEVENLABS_CLOSE_CODES: CloseCodeTable = {
  1008: ['connection', 'ElevenLabs closed the connection (policy violation: inactivity_timeout, an invalid message or too many contexts)'],
  1009: ['invalid-input', 'ElevenLabs closed the connection with "message too big"; this happens when voiceId does not fit modelId'],
  1011: ['provider', 'ElevenLabs server error'],
  1013: ['rate-limit', 'ElevenLabs is overloaded; try again later'],
};

/** The SpeechError for an unexpected close, by code and, for 1008, by the reason's text. */
export function errorFromClose(code: number, reason: string): SpeechError {
  if (code === 1008 && reason !== '') {
    const byText = codeForText(reason, '');
    if (byText !== 'provider' && byText !== 'connection') {
      return new SpeechError(byText, `ElevenLabs closed the connection (close 1008: ${reason.slice(0, 120)}).`, { provider: 'elevenlabs', providerCode: code });
    }
  }
  return closeError(identity, ELEVENLABS_CLOSE_CODES, code, reason);
}

function codeForText(message: string, slug: string): SpeechErrorCode {
  const text = `${slug} ${message}`;
  if (/max_active_conversations|simultaneous contexts/i.test(text)) return 'rate-limit';
  if (/quota|credits|insufficient|payment/i.test(text)) return 'quota';
  if (/api.?key|unauthori[sz]ed|auth|forbidden|permission/i.test(text)) return 'auth';
  if (/rate.?limit|too.?many|concurren|system_busy|busy/i.test(text)) return 'rate-limit';
  if (/too.?long|too.?big|maximum.*characters|exceeds.*(length|characters)/i.test(text)) return 'text-too-long';
  if (/timeout|inactivity|have not received/i.test(text)) return 'connection';
  if (/invalid_input_message|could not parse|schema|only be set in the first/i.test(text)) return 'protocol';
  if (/voice_not_found|model_not_found|not found|invalid|unsupported|not supported|not allowed/i.test(text)) return 'invalid-input';
  return 'provider';
}

/**
 * Maps an error message from ElevenLabs (`{message, error, code}`; the socket closes after it) to a
 * SpeechError: auth, quota, rate-limit (also `max_active_conversations`, a sixth context), text-too-long,
 * connection (inactivity), protocol (a message it could not parse), invalid-input (unknown voice or
 * model), else a retryable `provider` error.
 */
export function errorFromMessage(message: { readonly message: string; readonly error?: string | undefined; readonly code?: number | string | undefined }): SpeechError {
  const code = codeForText(message.message, message.error ?? '');
  const slug = message.error ? ` (${message.error.slice(0, 60)})` : '';
  return new SpeechError(code, `ElevenLabs error${slug}: ${message.message.slice(0, 300)}`, {
    provider: 'elevenlabs',
    ...(typeof message.code === 'number' ? { providerCode: message.code } : {}),
  });
}
