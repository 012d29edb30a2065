/**
 * Deepgram Aura's streaming text-to-speech wire protocol (`/v1/speak`), as zod schemas: client and server
 * messages, close codes, and the mapping of Deepgram's errors to {@link SpeechError}s.
 *
 * Sources: Deepgram's docs (tts-ws-flush, tts-ws-clear, tts-ws-close, TTS troubleshooting, streaming
 * limits) and the Fern-generated `speak/v1` types of deepgram-python-sdk; see docs/providers/deepgram.md
 * for what is verified and what is assumed.
 */
import { z } from 'zod';
import { SpeechError, type CloseCodeTable, type SpeechErrorCode } from '@utter/core/provider';

/** Encodings of the streaming endpoint. */
export const DEEPGRAM_ENCODINGS = ['linear16', 'mulaw', 'alaw'] as const;
/** One of {@link DEEPGRAM_ENCODINGS}. */
export type DeepgramEncoding = (typeof DEEPGRAM_ENCODINGS)[number];
/** Sample rates of the streaming endpoint (linear16). */
export const DEEPGRAM_SAMPLE_RATES = [8000, 16000, 24000, 44100, 48000] as const;
/** One of {@link DEEPGRAM_SAMPLE_RATES}. */
export type DeepgramSampleRate = (typeof DEEPGRAM_SAMPLE_RATES)[number];
/** Sample rates accepted with `mulaw` and `alaw`. */
export const G711_SAMPLE_RATES = [8000, 16000] as const;
/** Longest `text` of one `Speak` message (Aura-1 and Aura-2). */
export const DEEPGRAM_MAX_SPEAK_CHARS = 2000;

// ---- client -> server ----

/** `Speak`: text to add to the server's buffer. */
export const speakMessageSchema = z.object({ type: z.literal('Speak'), text: z.string().max(DEEPGRAM_MAX_SPEAK_CHARS) }).strict();
/** `Flush`: synthesize everything buffered; answered by `Flushed` after the last audio. */
export const flushMessageSchema = z.object({ type: z.literal('Flush') }).strict();
/** `Clear`: drop the text and audio buffers; answered by `Cleared`. */
export const clearMessageSchema = z.object({ type: z.literal('Clear') }).strict();
/** `Close`: the server closes the socket (1000). */
export const closeMessageSchema = z.object({ type: z.literal('Close') }).strict();
/** Every message a client sends. */
export const deepgramClientMessageSchema = z.discriminatedUnion('type', [speakMessageSchema, flushMessageSchema, clearMessageSchema, closeMessageSchema]);
/** A client message. */
export type DeepgramClientMessage = z.infer<typeof deepgramClientMessageSchema>;

// ---- server -> client (audio comes as binary frames) ----

/** `Metadata`: sent once when the socket opens (the adapter's handshake). */
export const metadataMessageSchema = z
  .object({
    type: z.literal('Metadata'),
    request_id: z.string(),
    model_name: z.string().optional(),
    model_version: z.string().optional(),
    model_uuid: z.string().optional(),
    additional_model_uuids: z.array(z.string()).optional(),
  })
  .passthrough();
/** `Flushed`: every byte of audio of the flush numbered `sequence_id` was sent. */
export const flushedMessageSchema = z.object({ type: z.literal('Flushed'), sequence_id: z.number().int().nonnegative() }).passthrough();
/** `Cleared`: the buffers were dropped; no audio from before the `Clear` follows. */
export const clearedMessageSchema = z.object({ type: z.literal('Cleared'), sequence_id: z.number().int().nonnegative() }).passthrough();
/**
 * `Warning`: the documented shape has `description`/`code`; the service has been seen sending
 * `warn_code`/`warn_msg` (e.g. `EXCESSIVE_FLUSH`). Both are accepted.
 */
export const warningMessageSchema = z
  .object({
    type: z.literal('Warning'),
    description: z.string().optional(),
    code: z.string().optional(),
    warn_code: z.string().optional(),
    warn_msg: z.string().optional(),
  })
  .passthrough();
/** `Error` (reported by third-party clients; shape assumed like the HTTP error body). */
export const errorMessageSchema = z
  .object({
    type: z.literal('Error'),
    description: z.string().optional(),
    code: z.string().optional(),
    err_code: z.string().optional(),
    err_msg: z.string().optional(),
  })
  .passthrough();
/** Every JSON message the server sends. */
export const deepgramServerMessageSchema = z.discriminatedUnion('type', [
  metadataMessageSchema,
  flushedMessageSchema,
  clearedMessageSchema,
  warningMessageSchema,
  errorMessageSchema,
]);
/** A server message. */
export type DeepgramServerMessage = z.infer<typeof deepgramServerMessageSchema>;
/** A `Warning` message. */
export type DeepgramWarningMessage = z.infer<typeof warningMessageSchema>;
/** An `Error` message. */
export type DeepgramErrorMessage = z.infer<typeof errorMessageSchema>;

/** The `Warning` code for a `Flush` beyond 20 per 60 s (the flush is not processed). */
export const EXCESSIVE_FLUSH = 'EXCESSIVE_FLUSH';

/** Whether a `Warning` says a `Flush` was refused for the flush-rate limit. */
export function isFlushRateWarning(message: DeepgramWarningMessage): boolean {
  const code = message.warn_code ?? message.code ?? '';
  const text = `${message.warn_msg ?? ''} ${message.description ?? ''}`;
  return code === EXCESSIVE_FLUSH || /flush/i.test(text);
}

/**
 * Deepgram's close codes (the reason carries a code such as `DATA-0000` or `NET-0001`). Codes not in
 * the table are retryable `connection` errors.
 */
export const DEEPGRAM_CLOSE_CODES: CloseCodeTable = {
  1003: ['protocol', 'Deepgram could not process a message from the adapter (MESSAGE)'],
  1008: ['invalid-input', 'Deepgram rejected the data it was sent (DATA)'],
  1009: ['text-too-long', `Deepgram rejected a message as too big (BIG; at most ${DEEPGRAM_MAX_SPEAK_CHARS} characters per Speak)`],
  1011: ['connection', 'Deepgram closed the connection (NET: network error or timeout)'],
};

/** The SpeechErrorCode of a Deepgram error code (`INVALID_AUTH`, `TOO_MANY_REQUESTS`, ...) or HTTP status. */
export function codeForDeepgramError(code: string | number | undefined, text = ''): SpeechErrorCode {
  const c = String(code ?? '').toUpperCase();
  if (c === '401' || c === '403' || c.includes('AUTH') || c.includes('CREDENTIALS') || c === 'FORBIDDEN') return 'auth';
  if (c === '402' || c.includes('INSUFFICIENT') || c.includes('BALANCE') || c.includes('CREDITS')) return 'quota';
  if (c === '429' || c.includes('TOO_MANY') || c.includes('RATE')) return 'rate-limit';
  if (c === '413' || c.startsWith('BIG') || c.includes('TOO_LONG') || /too long|exceeds?.*characters|2000 characters/i.test(text)) return 'text-too-long';
  if (c === '400' || c === '422' || c.startsWith('DATA') || c.includes('INVALID') || c.includes('UNPROCESSABLE')) return 'invalid-input';
  if (/unauthori[sz]ed|invalid credentials|api key/i.test(text)) return 'auth';
  return 'provider';
}

/** A SpeechError for a Deepgram `Error` message. */
export function errorFromMessage(message: DeepgramErrorMessage): SpeechError {
  const code = message.err_code ?? message.code;
  const text = message.err_msg ?? message.description ?? 'unknown error';
  return new SpeechError(codeForDeepgramError(code, text), `Deepgram error${code === undefined ? '' : ` ${code}`}: ${text.slice(0, 200)}`, {
    provider: 'deepgram',
    ...(code === undefined ? {} : { providerCode: code }),
  });
}

/** A SpeechError for an HTTP status of a refused upgrade (with the `dg-error` header's text, if any). */
export function errorFromStatus(status: number, detail = ''): SpeechError {
  const code = codeForDeepgramError(status, detail);
  const hint = code === 'auth' ? '; check DEEPGRAM_API_KEY' : '';
  return new SpeechError(code, `Deepgram refused the connection with HTTP ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}${hint}.`, {
    provider: 'deepgram',
    providerCode: status,
    ...(status >= 500 ? { retryable: true } : {}),
  });
}
