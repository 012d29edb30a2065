/**
 * Deterministic test audio: a quiet sine tone whose length follows the text, so a test can tell
 * from the audio alone how much text was synthesized (no lost or doubled text).
 *
 * Kept here rather than imported from `@utter/core`'s audio utilities on purpose: the test
 * servers must not share code with the clients they test, or a bug would hide on both sides.
 */

/** Options of {@link generatePcm}. */
export interface PcmOptions {
  /** Samples per second. Default 24 000. */
  readonly sampleRate?: number;
  /** Milliseconds of audio per character (Unicode code point) of text. Default 60. */
  readonly msPerChar?: number;
  /** Tone frequency in Hz. Default 440. */
  readonly frequencyHz?: number;
  /** Peak amplitude, 0..32767. Default 1 000 (quiet). */
  readonly amplitude?: number;
  /**
   * Tag the audio with this generation id (a positive integer, see {@link generationTag}): every
   * sample of the block that stands for character `i` holds `generationTag(generation, i)` instead of
   * a tone, so a test can decode from the audio alone which generation and which character it hears,
   * and two renderings of the same text never have the same samples (as with real neural TTS).
   */
  readonly generation?: number;
}

/** How many generation ids the sample tags tell apart (ids are taken modulo this). */
export const GENERATION_TAGS = 120;

/**
 * The sample value of character `index` of generation `generation`: bits 8..14 hold
 * `generation mod 120 + 1`, bits 0..7 hold `index mod 256` (always positive, never 0).
 */
export function generationTag(generation: number, index: number): number {
  return ((((generation % GENERATION_TAGS) + GENERATION_TAGS) % GENERATION_TAGS) + 1) * 256 + (index & 0xff);
}

/** Default milliseconds of test audio per character. */
export const DEFAULT_MS_PER_CHAR = 60;

/** Number of characters (Unicode code points) of `text`, the unit test audio is measured in. */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** How many samples {@link generatePcm} produces for `text`. */
export function expectedSamples(text: string, options: PcmOptions = {}): number {
  const rate = options.sampleRate ?? 24_000;
  const msPerChar = options.msPerChar ?? DEFAULT_MS_PER_CHAR;
  return Math.round((countChars(text) * msPerChar * rate) / 1000);
}

/** Characters of text that `samples` of test audio stand for (the inverse of {@link expectedSamples}). */
export function charsForSamples(samples: number, options: PcmOptions = {}): number {
  const rate = options.sampleRate ?? 24_000;
  const msPerChar = options.msPerChar ?? DEFAULT_MS_PER_CHAR;
  return (samples * 1000) / (msPerChar * rate);
}

/**
 * PCM16 mono audio for `text`: `msPerChar` ms of a quiet tone per character. Deterministic: the
 * same text and options always give the same samples.
 */
export function generatePcm(text: string, options: PcmOptions = {}): Int16Array {
  const rate = options.sampleRate ?? 24_000;
  const freq = options.frequencyHz ?? 440;
  const amp = Math.max(0, Math.min(32_767, options.amplitude ?? 1_000));
  const out = new Int16Array(expectedSamples(text, options));
  if (options.generation !== undefined) {
    const perChar = ((options.msPerChar ?? DEFAULT_MS_PER_CHAR) * rate) / 1000;
    const chars = countChars(text);
    for (let i = 0; i < chars; i++) out.fill(generationTag(options.generation, i), Math.round(i * perChar), Math.round((i + 1) * perChar));
    return out;
  }
  const step = (2 * Math.PI * freq) / rate;
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amp * Math.sin(i * step));
  return out;
}

/** Splits `pcm` into chunks of `chunkMs` ms (the last one may be shorter). Never returns an empty chunk. */
export function chunkPcm(pcm: Int16Array, sampleRate: number, chunkMs = 40): Int16Array[] {
  const size = Math.max(1, Math.round((sampleRate * chunkMs) / 1000));
  const chunks: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += size) chunks.push(pcm.subarray(i, Math.min(pcm.length, i + size)));
  return chunks;
}

/** Little-endian bytes of PCM16 samples (s16le), whatever the host's byte order. */
export function pcmToBytes(pcm: Int16Array): Buffer {
  const buf = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i] ?? 0, i * 2);
  return buf;
}

/** PCM16 samples from little-endian bytes (an odd trailing byte is ignored). */
export function bytesToPcm(bytes: Uint8Array): Int16Array {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(Math.floor(buf.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

/**
 * A canonical 44-byte RIFF/WAVE header for PCM16 mono. `dataBytes` is the size written in the
 * header; streaming services write a placeholder (0xFFFFFFFF-like) because the length is unknown.
 */
export function wavHeader(sampleRate: number, dataBytes = 0xffff_ffff - 36): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE((36 + dataBytes) >>> 0, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes >>> 0, 40);
  return h;
}
