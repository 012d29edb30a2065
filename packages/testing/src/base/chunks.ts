/**
 * Splitting a generation's audio bytes into wire chunks the way real services do: at byte counts that
 * have nothing to do with sample boundaries, so a base64 chunk or a binary frame may end in the middle
 * of a sample (Munsit, ElevenLabs and others do this). Clients must carry the odd byte over.
 */

/** One wire chunk of audio bytes. */
export interface AudioByteChunk {
  /** The bytes of the chunk (a header, if any, included in the first one). */
  readonly data: Buffer;
  /** Whole samples this chunk completes (for `Generation.samplesSent` accounting). */
  readonly samples: number;
}

/** Options of {@link splitAudioBytes}. */
export interface SplitAudioOptions {
  /** Bytes of audio per chunk (rounded to whole samples). */
  readonly chunkBytes: number;
  /** Bytes per sample on the wire. Default 2 (PCM16). */
  readonly bytesPerSample?: number;
  /** Bytes of a header at the start of `bytes` (e.g. 44 for WAV), sent with the first chunk. Default 0. */
  readonly headerBytes?: number;
  /**
   * Put every chunk boundary in the middle of a sample (one byte past a sample boundary). Default true.
   * Has no effect with one byte per sample.
   */
  readonly oddSplits?: boolean;
}

/**
 * Splits a generation's bytes (`headerBytes` of header, then samples) into chunks of about
 * `chunkBytes` of audio. With `oddSplits` (the default) the first chunk carries one byte more than a
 * whole number of samples and every later chunk a whole number of samples' worth of bytes, so every
 * boundary falls one byte into a sample, as on a real service that cuts its stream anywhere. Never
 * returns an empty chunk; an empty input gives no chunks.
 */
export function splitAudioBytes(bytes: Uint8Array, options: SplitAudioOptions): AudioByteChunk[] {
  const bps = Math.max(1, Math.floor(options.bytesPerSample ?? 2));
  const header = Math.max(0, Math.min(bytes.byteLength, Math.floor(options.headerBytes ?? 0)));
  const size = Math.max(bps, Math.round(options.chunkBytes / bps) * bps);
  const odd = (options.oddSplits ?? true) && bps > 1;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: AudioByteChunk[] = [];
  let start = 0;
  let audioDone = 0; // bytes of audio (past the header) in the chunks so far
  while (start < buf.length) {
    const audioBytes = chunks.length === 0 && odd ? size + 1 : size;
    const end = Math.min(buf.length, (chunks.length === 0 ? header : start) + audioBytes);
    const audioEnd = end - header;
    chunks.push({ data: buf.subarray(start, end), samples: Math.floor(audioEnd / bps) - Math.floor(audioDone / bps) });
    audioDone = audioEnd;
    start = end;
  }
  return chunks;
}

/** Bytes of PCM16 audio in `chunkMs` ms at `sampleRate` (whole samples). */
export function pcm16ChunkBytes(sampleRate: number, chunkMs: number): number {
  return Math.max(1, Math.round((sampleRate * chunkMs) / 1000)) * 2;
}
