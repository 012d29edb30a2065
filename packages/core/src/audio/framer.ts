/**
 * Fixed-duration framing: turns PCM chunks of any size into frames of exactly N milliseconds, as
 * telephony (20 ms at 8 kHz for Twilio), WebRTC and voice-activity detectors expect.
 */
import { z } from 'zod';
import { SpeechError } from '../errors.js';

/** Options of {@link createFramer}. */
export interface FramerOptions {
  /** Sample rate of the PCM, in Hz. */
  sampleRate: number;
  /** Frame duration in milliseconds; `frameMs * sampleRate / 1000` must be a whole number of samples. */
  frameMs: number;
}

const framerSchema = z.object({
  sampleRate: z.number().int().positive(),
  frameMs: z.number().positive(),
});

/** A stateful PCM framer. See {@link createFramer}. */
export interface Framer {
  /** Adds samples; returns every frame they complete (each a fresh array of exactly `frameSamples`). */
  push(samples: Int16Array): Int16Array[];
  /**
   * Ends the stream: returns the incomplete last frame (zero-padded to full length when `pad` is true),
   * or `undefined` when nothing is left. The framer is empty afterwards.
   */
  flush(options?: { pad?: boolean }): Int16Array | undefined;
  /** Samples per frame. */
  readonly frameSamples: number;
  /** Samples held back (fewer than one frame). */
  readonly pendingSamples: number;
  /** Drops held samples. */
  reset(): void;
}

/**
 * Creates a {@link Framer}.
 *
 * @throws SpeechError `invalid-input` when the options are invalid or the frame is not a whole number of samples.
 * @example
 * ```ts
 * const framer = createFramer({ sampleRate: 8000, frameMs: 20 }); // 160-sample frames
 * for (const frame of framer.push(pcm)) sendToTwilio(encodeMulaw(frame));
 * ```
 */
export function createFramer(options: FramerOptions): Framer {
  const parsed = framerSchema.safeParse(options);
  if (!parsed.success) {
    throw new SpeechError('invalid-input', `Invalid framer options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const exact = (options.frameMs * options.sampleRate) / 1000;
  const frameSamples = Math.round(exact);
  if (Math.abs(exact - frameSamples) > 1e-9 || frameSamples < 1) {
    throw new SpeechError(
      'invalid-input',
      `A ${options.frameMs} ms frame at ${options.sampleRate} Hz is ${exact} samples; choose a duration that is a whole number of samples.`,
    );
  }
  let pending = new Int16Array(frameSamples);
  let filled = 0;

  return {
    frameSamples,
    get pendingSamples() {
      return filled;
    },
    push(samples) {
      const frames: Int16Array[] = [];
      let offset = 0;
      if (filled > 0) {
        const take = Math.min(frameSamples - filled, samples.length);
        pending.set(samples.subarray(0, take), filled);
        filled += take;
        offset = take;
        if (filled < frameSamples) return frames;
        frames.push(pending);
        pending = new Int16Array(frameSamples);
        filled = 0;
      }
      while (samples.length - offset >= frameSamples) {
        frames.push(samples.slice(offset, offset + frameSamples));
        offset += frameSamples;
      }
      if (offset < samples.length) {
        pending.set(samples.subarray(offset), 0);
        filled = samples.length - offset;
      }
      return frames;
    },
    flush(flushOptions = {}) {
      if (filled === 0) return undefined;
      const frame = flushOptions.pad === true ? pending : pending.slice(0, filled);
      pending = new Int16Array(frameSamples);
      filled = 0;
      return frame;
    },
    reset() {
      pending = new Int16Array(frameSamples);
      filled = 0;
    },
  };
}
