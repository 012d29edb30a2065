/**
 * A streaming linear resampler for one reply's audio: PCM16 chunks in, Float32 samples at the
 * output rate out, continuous across chunk boundaries (no click between chunks).
 */

/** Resamples a stream of PCM16 chunks to `outputRate`, keeping its phase between chunks. */
export class StreamResampler {
  private pos = 0;
  private prev = 0;

  /**
   * @param inputRate samples per second of the chunks pushed
   * @param outputRate samples per second wanted (the AudioContext's rate)
   */
  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {}

  /** Converts one chunk; returns the samples at the output rate (possibly empty). */
  push(pcm: Int16Array): Float32Array {
    const n = pcm.length;
    if (n === 0) return new Float32Array(0);
    if (this.inputRate === this.outputRate) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = (pcm[i] as number) / 32768;
      return out;
    }
    const step = this.inputRate / this.outputRate;
    const count = Math.max(0, Math.ceil((n - 1 - this.pos) / step));
    const out = new Float32Array(count);
    let pos = this.pos;
    for (let k = 0; k < count; k++, pos += step) {
      const i = Math.floor(pos);
      const frac = pos - i;
      const a = i < 0 ? this.prev : (pcm[i] as number);
      const b = pcm[i + 1] as number;
      out[k] = (a + (b - a) * frac) / 32768;
    }
    this.pos = pos - n;
    this.prev = pcm[n - 1] as number;
    return out;
  }
}
