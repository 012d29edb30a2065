/**
 * The Cartesia test server's view of the wire: what a client may send (zod), and the server's raw audio
 * encodings. Written here, not imported from the adapter, so that a bug cannot hide on both sides.
 */
import { z } from 'zod';

/** Raw encodings of Cartesia's WebSocket output. */
export const CARTESIA_TEST_ENCODINGS = ['pcm_s16le', 'pcm_f32le', 'pcm_mulaw', 'pcm_alaw'] as const;
/** A raw encoding. */
export type CartesiaTestEncoding = (typeof CARTESIA_TEST_ENCODINGS)[number];
/** Sample rates Cartesia documents. */
export const CARTESIA_TEST_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** A generation request (one input on a context). */
export const CartesiaGeneration = z
  .object({
    model_id: z.string().min(1),
    transcript: z.string(),
    voice: z.union([z.object({ mode: z.literal('id'), id: z.string().min(1) }).strict(), z.object({ mode: z.literal('embedding'), embedding: z.array(z.number()) }).strict()]),
    language: z.string().min(1).optional(),
    context_id: z.string().min(1).optional(),
    output_format: z
      .object({
        container: z.literal('raw'), // the WebSocket streams raw audio only
        encoding: z.enum(CARTESIA_TEST_ENCODINGS),
        sample_rate: z.number().refine((r) => (CARTESIA_TEST_SAMPLE_RATES as readonly number[]).includes(r), 'unsupported sample rate'),
      })
      .strict(),
    add_timestamps: z.boolean().optional(),
    add_phoneme_timestamps: z.boolean().optional(),
    continue: z.boolean().optional(),
    flush: z.boolean().optional(),
    max_buffer_delay_ms: z.number().int().min(0).max(5000).optional(),
    duration: z.number().positive().optional(),
    generation_config: z
      .object({ speed: z.number().min(0.6).max(1.5).optional(), volume: z.number().min(0.5).max(2).optional(), emotion: z.string().optional() })
      .strict()
      .optional(),
    pronunciation_dict_id: z.string().optional(),
  })
  .strict()
  .refine((m) => m.flush !== true || (m.transcript === '' && m.continue === true), { message: 'a flush is an empty transcript with continue: true' });

/** A cancel request. */
export const CartesiaCancel = z.object({ context_id: z.string().min(1), cancel: z.literal(true) }).strict();

/** Encodes PCM16 test audio in a Cartesia raw encoding (little-endian). */
export function encodeCartesiaAudio(pcm: Int16Array, encoding: CartesiaTestEncoding): Buffer {
  if (encoding === 'pcm_s16le') {
    const out = Buffer.alloc(pcm.length * 2);
    for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, i * 2);
    return out;
  }
  if (encoding === 'pcm_f32le') {
    const out = Buffer.alloc(pcm.length * 4);
    for (let i = 0; i < pcm.length; i++) out.writeFloatLE((pcm[i] ?? 0) / 32768, i * 4);
    return out;
  }
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = encoding === 'pcm_mulaw' ? mulaw(pcm[i] ?? 0) : alaw(pcm[i] ?? 0);
  return out;
}

/** G.711 mu-law of one sample. */
function mulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  s = ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
  return s;
}

/** G.711 A-law of one sample (the reference algorithm). */
function alaw(sample: number): number {
  let pcm = sample >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const ends = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  let seg = 0;
  while (seg < 8 && pcm > (ends[seg] ?? 0)) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f);
  return aval ^ mask;
}
