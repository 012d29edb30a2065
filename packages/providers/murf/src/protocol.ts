/** Murf's stream-input protocol: zod schema of the server's messages (no `type` field), error mapping. */
import { z } from 'zod';
import { SpeechError, type SpeechErrorCode } from '@utter/core';
import { type CloseCodeTable, closeError } from '@utter/core/provider';

/**
 * Any Murf server message: `{audio, context_id?}`, `{final: true, context_id?}` (older spellings
 * `is_final` / `isFinalAudio` accepted), or `{error, context_id?}`.
 */
export const ServerMessage = z
  .object({
    audio: z.string().optional(),
    context_id: z.string().optional(),
    final: z.boolean().optional(),
    is_final: z.boolean().optional(),
    isFinalAudio: z.boolean().optional(),
    error: z.union([z.string(), z.object({ message: z.string().optional() }).passthrough()]).optional(),
    message: z.string().optional(),
  })
  .passthrough()
  .refine((m) => m.audio !== undefined || m.final !== undefined || m.is_final !== undefined || m.isFinalAudio !== undefined || m.error !== undefined, {
    message: 'no audio, final or error field',
  });
/** A parsed Murf server message. */
export type ServerMessage = z.infer<typeof ServerMessage>;

/** What Murf's close codes mean (others are retryable `connection` errors). */
export const MURF_CLOSE_CODES: CloseCodeTable = {
  1008: ['auth', 'Murf closed the connection with a policy violation; check MURF_API_KEY'],
  1011: ['provider', 'Murf server error'],
};

/** Maps an unexpected close to a SpeechError. */
export function errorForMurfClose(code: number, reason: string): SpeechError {
  return closeError({ name: 'murf', label: 'Murf' }, MURF_CLOSE_CODES, code, reason);
}

/** Maps a Murf error text to a SpeechError. */
export function errorForMurfMessage(text: string): SpeechError {
  let code: SpeechErrorCode = 'provider';
  if (/api.?key|auth|unauthori[sz]ed|forbidden|credential/i.test(text)) code = 'auth';
  else if (/rate|limit|concurren|too many|quota exceeded/i.test(text)) code = /quota|credit|balance/i.test(text) ? 'quota' : 'rate-limit';
  else if (/too long|exceeds?.*(length|characters)|maximum length/i.test(text)) code = 'text-too-long';
  else if (/invalid|must be|not supported|unknown voice/i.test(text)) code = 'invalid-input';
  return new SpeechError(code, `Murf error: ${text}`, { provider: 'murf' });
}
