/** zod schemas of murmr's realtime WebSocket messages (server -> client). */
import { z } from 'zod';

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
