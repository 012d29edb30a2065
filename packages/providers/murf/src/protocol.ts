/** zod schema of Murf's stream-input server messages (identified by shape; no `type` field). */
import { z } from 'zod';

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
