/**
 * One stream of ElevenLabs output (a context, or the single stream): its audio decoding (PCM16 split at
 * odd bytes, or G.711) and its word timings, built from the per-chunk character `alignment`.
 */
import { base64ToBytes, createPcm16Decoder, decodeAlaw, decodeMulaw, type ProviderWord } from '@utter/core/provider';
import type { Alignment } from './protocol.js';
import type { ElevenLabsOutputFormat } from './options.js';

/** Where a segment's text starts in the stream's sent text. */
interface SentSegment {
  readonly segmentId: number;
  readonly start: number;
}

/** A word whose characters are still arriving. */
interface OpenWord {
  text: string;
  startMs: number;
  endMs: number;
}

/**
 * The output of one stream: decodes audio chunks and turns alignments into words. Times are in ms from
 * the start of the stream's audio: each chunk's alignment is relative to the chunk, so it is shifted by
 * the audio received before it.
 */
export class OutputStream {
  readonly #format: ElevenLabsOutputFormat;
  readonly #sampleRate: number;
  readonly #pcm = createPcm16Decoder();
  #bytes = 0;
  #sent = '';
  readonly #segments: SentSegment[] = [];
  #cursor = 0;
  #open: OpenWord | undefined;

  constructor(format: ElevenLabsOutputFormat, sampleRate: number) {
    this.#format = format;
    this.#sampleRate = sampleRate;
  }

  /** Records text sent on this stream, so that words get their offset in their segment. */
  sent(segmentId: number, text: string): void {
    this.#segments.push({ segmentId, start: this.#sent.length });
    this.#sent += text;
  }

  /** Whether any text was sent. */
  get hasText(): boolean {
    return this.#segments.length > 0;
  }

  /** Milliseconds of audio received so far (the time base of the next chunk's alignment). */
  get receivedMs(): number {
    const bytesPerSample = this.#format.startsWith('pcm_') ? 2 : 1;
    return (this.#bytes / bytesPerSample / this.#sampleRate) * 1000;
  }

  /**
   * Takes one chunk: returns the words its alignment completes (to report before its audio) and its
   * samples. Throws on undecodable audio (the connection fails with `protocol`).
   */
  push(audio: string, alignment: Alignment | undefined): { readonly words: ProviderWord[]; readonly pcm: Int16Array } {
    const words = alignment ? this.#align(alignment, this.receivedMs) : [];
    if (audio === '') return { words, pcm: new Int16Array(0) };
    const bytes = base64ToBytes(audio);
    this.#bytes += bytes.byteLength;
    const pcm = this.#format === 'ulaw_8000' ? decodeMulaw(bytes) : this.#format === 'alaw_8000' ? decodeAlaw(bytes) : this.#pcm.push(bytes);
    return { words, pcm };
  }

  /** The stream ended: the word still open, if any. */
  end(): ProviderWord[] {
    const open = this.#open;
    this.#open = undefined;
    return open ? [this.#word(open)] : [];
  }

  #align(a: Alignment, baseMs: number): ProviderWord[] {
    const out: ProviderWord[] = [];
    for (let i = 0; i < a.chars.length; i++) {
      const ch = a.chars[i] ?? '';
      const start = baseMs + (a.charStartTimesMs[i] ?? 0);
      const end = start + Math.max(0, a.charDurationsMs[i] ?? 0);
      if (ch.trim() === '') {
        if (this.#open) out.push(this.#word(this.#open));
        this.#open = undefined;
        continue;
      }
      if (this.#open) {
        this.#open.text += ch;
        this.#open.endMs = Math.max(this.#open.endMs, end);
      } else {
        this.#open = { text: ch, startMs: start, endMs: end };
      }
    }
    return out;
  }

  /** A finished word, with its offset in its segment's text when it can be found in the sent text. */
  #word(w: OpenWord): ProviderWord {
    const startMs = Math.round(w.startMs * 1000) / 1000;
    const endMs = Math.max(startMs, Math.round(w.endMs * 1000) / 1000);
    const at = this.#sent.indexOf(w.text, this.#cursor);
    if (at < 0) return { text: w.text, startMs, endMs };
    this.#cursor = at + w.text.length;
    let segment: SentSegment | undefined;
    for (const s of this.#segments) if (s.start <= at) segment = s;
    return { text: w.text, startMs, endMs, ...(segment ? { textOffset: at - segment.start } : {}) };
  }
}
