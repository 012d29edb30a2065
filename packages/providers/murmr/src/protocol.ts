/** murmr's realtime WebSocket protocol: zod schemas of the server's messages, close codes, error mapping. */
import { z } from 'zod';
import { SpeechError, type SpeechErrorCode } from '@utter/core';
import { closeError, type CloseCodeTable } from '@utter/core/provider';

/** `config_ack`: the session is configured (auth continues in the background). */
export const ConfigAck = z.object({ type: z.literal('config_ack'), session_id: z.string().optional() }).passthrough();
/** `binary_mode_ack`: audio arrives as binary frames from now on. */
export const BinaryModeAck = z
  .object({ type: z.literal('binary_mode_ack'), sample_rate: z.number().int().positive().optional(), format: z.string().optional() })
  .passthrough();
/** `audio`: a base64 chunk of PCM s16le. */
export const AudioMessage = z
  .object({ type: z.literal('audio'), chunk: z.string(), sample_rate: z.number().int().positive().optional(), format: z.string().optional() })
  .passthrough();
/** `done`: one generation's audio is complete. */
export const DoneMessage = z
  .object({
    type: z.literal('done'),
    total_chunks: z.number().optional(),
    duration_ms: z.number().optional(),
    first_chunk_latency_ms: z.number().optional(),
  })
  .passthrough();
/** `error`: fatal ones are followed by a close. */
export const ErrorMessage = z
  .object({ type: z.literal('error'), message: z.string().optional(), code: z.union([z.number(), z.string()]).optional() })
  .passthrough();
/** `pong`: answer to `ping`. */
export const PongMessage = z.object({ type: z.literal('pong') }).passthrough();

/** Every JSON message murmr sends. */
export const ServerMessage = z.discriminatedUnion('type', [ConfigAck, BinaryModeAck, AudioMessage, DoneMessage, ErrorMessage, PongMessage]);
/** A parsed server message. */
export type ServerMessage = z.infer<typeof ServerMessage>;

/** What murmr's close codes mean (others are retryable `connection` errors). */
export const MURMR_CLOSE_CODES: CloseCodeTable = {
  4001: ['timeout', 'murmr closed the connection: no config within 10 s'],
  4002: ['auth', 'murmr rejected the API key, or the plan has no WebSocket access; check MURMR_API_KEY'],
  4003: ['protocol', 'murmr rejected a message as invalid'],
  4004: ['rate-limit', 'murmr rate limit reached'],
  4005: ['provider', 'murmr server error'],
};

/** Maps a murmr close code to an error. */
export function errorForClose(code: number, reason: string): SpeechError {
  return closeError({ name: 'murmr' }, MURMR_CLOSE_CODES, code, reason);
}

/** Maps a murmr `error` message to a SpeechError. */
export function errorForMessage(code: number | string | undefined, message: string | undefined): SpeechError {
  const text = message ?? 'unknown error';
  const n = typeof code === 'string' ? Number(code) : code;
  let kind: SpeechErrorCode = 'provider';
  if (/too long|exceed|maximum length|4096/i.test(text)) kind = 'text-too-long';
  else if (n === 4002 || /auth|api key|unauthori[sz]ed/i.test(text)) kind = 'auth';
  else if (n === 4004 || n === 4006 || /rate|limit|slots? occupied|too many/i.test(text)) kind = 'rate-limit';
  else if (n === 4003) kind = 'invalid-input';
  return new SpeechError(kind, `murmr error${code === undefined ? '' : ` ${code}`}: ${text}`, {
    provider: 'murmr',
    ...(code === undefined ? {} : { providerCode: code }),
  });
}
