/**
 * The AudioWorklet processor of the speech player, and the messages between it and the main thread.
 * The processor is written here as a plain function and loaded from a Blob URL of its source, so
 * the package needs no separate worklet file (bundlers and CDNs handle it like any module).
 *
 * What it does, per render quantum (128 frames): a jitter buffer of audio chunks (already resampled
 * to the context's rate) that starts playing once `preRollFrames` are buffered (or earlier when told
 * the stream is flushed), plays chunks back to back across segments and replies without gaps,
 * outputs silence on underrun (and pre-rolls again, with a pre-roll doubled up to a maximum), fires position marks (word timings) in the
 * quantum their audio plays, reports the played position, and stops at once on `stop`, with a
 * 64-frame fade so the cut does not click.
 * @internal
 */

/** Main thread → processor. @internal */
export type ToWorklet =
  | {
      readonly t: 'config';
      readonly preRollFrames: number;
      readonly maxPreRollFrames: number;
      readonly reportFrames: number;
      readonly record: boolean;
    }
  | {
      readonly t: 'push';
      readonly utt: string;
      readonly seg: number;
      readonly offsetMs: number;
      readonly durMs: number;
      readonly data: Float32Array;
    }
  | { readonly t: 'flush' }
  | { readonly t: 'end'; readonly utt: string }
  | { readonly t: 'mark'; readonly utt: string; readonly atMs: number; readonly id: number }
  | { readonly t: 'stop'; readonly req: number }
  | { readonly t: 'stats'; readonly req: number };

/** A chunk's life in the processor, for tests and diagnostics (frames of the context's clock). @internal */
export interface ChunkRecord {
  readonly utt: string;
  readonly seg: number;
  readonly offsetMs: number;
  readonly durMs: number;
  readonly frames: number;
  /** Context frame at which the chunk reached the processor. */
  readonly arrivalFrame: number;
  /** Context frame at which its first sample was output. */
  readonly startFrame: number;
  /** Context frame just past its last sample (undefined while playing or when cut). */
  readonly endFrame: number | undefined;
}

/** Processor → main thread. @internal */
export type FromWorklet =
  | { readonly t: 'position'; readonly utt: string; readonly seg: number; readonly playedMs: number; readonly frame: number }
  | { readonly t: 'segment-start'; readonly utt: string; readonly seg: number; readonly frame: number }
  | { readonly t: 'mark'; readonly id: number; readonly frame: number }
  | { readonly t: 'played-out'; readonly utt: string; readonly playedMs: number; readonly frame: number }
  | { readonly t: 'underrun'; readonly frame: number }
  | {
      readonly t: 'stopped';
      readonly req: number;
      readonly utt: string | undefined;
      readonly seg: number;
      readonly playedMs: number;
      readonly frame: number;
      readonly dropped: readonly string[];
    }
  | { readonly t: 'stats'; readonly req: number; readonly chunks: readonly ChunkRecord[]; readonly underruns: number };

/** The name the processor is registered under. @internal */
export const PROCESSOR_NAME = 'utter-speech-player';

// Globals of the AudioWorkletGlobalScope (not in the DOM lib); type-only, erased from the build.
declare const currentFrame: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

/* eslint-disable */
/** The processor's code. Runs in the worklet scope: it must reference nothing outside itself. @internal */
function processorMain(name: string): void {
  interface Chunk {
    utt: string;
    seg: number;
    offsetMs: number;
    durMs: number;
    data: Float32Array;
    pos: number;
    arrivalFrame: number;
    record:
      | { utt: string; seg: number; offsetMs: number; durMs: number; frames: number; arrivalFrame: number; startFrame: number; endFrame: number | undefined }
      | undefined;
  }
  interface Mark {
    utt: string;
    atMs: number;
    id: number;
  }
  const FADE = 64;

  class SpeechPlayerProcessor extends AudioWorkletProcessor {
    queue: Chunk[] = [];
    head = 0;
    buffered = 0;
    playing = false;
    flushed = false;
    preRoll = 0;
    maxPreRoll = 0;
    reportEvery = 2048;
    sinceReport = 0;
    record = false;
    records: Chunk['record'][] = [];
    underruns = 0;
    marks: Mark[] = [];
    ended = new Set<string>();
    current: { utt: string; seg: number; playedMs: number } | undefined;
    lastSeg = new Map<string, number>();
    tail: Float32Array | undefined;

    constructor() {
      super();
      this.port.onmessage = (event: MessageEvent) => this.onMessage(event.data);
    }

    post(message: unknown): void {
      this.port.postMessage(message);
    }

    onMessage(m: any): void {
      switch (m.t) {
        case 'config':
          this.preRoll = m.preRollFrames;
          this.maxPreRoll = Math.max(m.preRollFrames, m.maxPreRollFrames);
          this.reportEvery = m.reportFrames;
          this.record = m.record;
          break;
        case 'push':
          this.queue.push({ utt: m.utt, seg: m.seg, offsetMs: m.offsetMs, durMs: m.durMs, data: m.data, pos: 0, arrivalFrame: currentFrame, record: undefined });
          this.buffered += m.data.length;
          this.flushed = false;
          break;
        case 'flush':
          this.flushed = true;
          break;
        case 'end':
          this.ended.add(m.utt);
          this.flushed = true;
          this.checkPlayedOut(m.utt, currentFrame);
          break;
        case 'mark':
          this.marks.push({ utt: m.utt, atMs: m.atMs, id: m.id });
          if (this.current) this.fireMarks(this.current.utt, this.current.playedMs, this.current.playedMs, currentFrame, 0);
          break;
        case 'stop':
          this.stop(m.req);
          break;
        case 'stats':
          this.post({ t: 'stats', req: m.req, chunks: this.records.slice(), underruns: this.underruns });
          break;
      }
    }

    stop(req: number): void {
      const cur = this.current;
      const chunk = this.queue[this.head];
      if (chunk && chunk.pos > 0) this.tail = chunk.data.slice(chunk.pos, chunk.pos + FADE);
      const dropped = new Set<string>();
      if (cur && !this.ended.has(cur.utt)) dropped.add(cur.utt);
      for (let i = this.head; i < this.queue.length; i++) dropped.add((this.queue[i] as Chunk).utt);
      this.queue = [];
      this.head = 0;
      this.buffered = 0;
      this.playing = false;
      this.marks = this.marks.filter((mark) => !dropped.has(mark.utt));
      for (const utt of dropped) this.ended.add(utt);
      this.current = undefined;
      this.post({
        t: 'stopped',
        req,
        utt: cur?.utt,
        seg: cur?.seg ?? 0,
        playedMs: cur?.playedMs ?? 0,
        frame: currentFrame,
        dropped: [...dropped],
      });
    }

    /** Fires the marks of `utt` at or before `toMs`; the playback went from `fromMs` at `frame` to `toMs` over `frames`. */
    fireMarks(utt: string, fromMs: number, toMs: number, frame: number, frames: number): void {
      if (this.marks.length === 0) return;
      const keep: Mark[] = [];
      for (const mark of this.marks) {
        if (mark.utt === utt && mark.atMs <= toMs) {
          const at = toMs > fromMs && mark.atMs > fromMs ? ((mark.atMs - fromMs) / (toMs - fromMs)) * frames : 0;
          this.post({ t: 'mark', id: mark.id, frame: frame + Math.floor(at) });
        } else keep.push(mark);
      }
      this.marks = keep;
    }

    checkPlayedOut(utt: string, frame: number): void {
      if (!this.ended.has(utt) || this.current?.utt !== utt) return;
      for (let i = this.head; i < this.queue.length; i++) if ((this.queue[i] as Chunk).utt === utt) return;
      this.post({ t: 'played-out', utt, playedMs: this.current.playedMs, frame });
      this.current = undefined;
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      const channels = outputs[0];
      if (!channels || channels.length === 0) return true;
      const out = channels[0] as Float32Array;
      const n = out.length;
      out.fill(0);
      let i = 0;
      if (this.tail) {
        const tail = this.tail;
        for (let k = 0; k < tail.length && i < n; k++, i++) out[i] = (tail[k] as number) * (1 - (k + 1) / tail.length);
        this.tail = undefined;
      }
      if (!this.playing && this.buffered > 0 && (this.buffered >= this.preRoll || this.flushed)) this.playing = true;
      if (this.playing) {
        while (i < n && this.head < this.queue.length) {
          const chunk = this.queue[this.head] as Chunk;
          if (chunk.pos === 0) {
            if (this.lastSeg.get(chunk.utt) !== chunk.seg) {
              this.lastSeg.set(chunk.utt, chunk.seg);
              this.post({ t: 'segment-start', utt: chunk.utt, seg: chunk.seg, frame: currentFrame + i });
            }
            if (this.record) {
              chunk.record = { utt: chunk.utt, seg: chunk.seg, offsetMs: chunk.offsetMs, durMs: chunk.durMs, frames: chunk.data.length, arrivalFrame: chunk.arrivalFrame, startFrame: currentFrame + i, endFrame: undefined };
              this.records.push(chunk.record);
              if (this.records.length > 20_000) this.records.splice(0, 10_000); // bounded memory in long sessions
            }
          }
          const take = Math.min(n - i, chunk.data.length - chunk.pos);
          out.set(chunk.data.subarray(chunk.pos, chunk.pos + take), i);
          const fromMs = chunk.offsetMs + (chunk.durMs * chunk.pos) / chunk.data.length;
          chunk.pos += take;
          this.buffered -= take;
          this.current = { utt: chunk.utt, seg: chunk.seg, playedMs: chunk.offsetMs + (chunk.durMs * chunk.pos) / chunk.data.length };
          this.fireMarks(chunk.utt, fromMs, this.current.playedMs, currentFrame + i, take);
          i += take;
          if (chunk.pos >= chunk.data.length) {
            if (chunk.record) chunk.record.endFrame = currentFrame + i;
            this.head++;
            if (this.head > 256) {
              this.queue = this.queue.slice(this.head);
              this.head = 0;
            }
            this.checkPlayedOut(chunk.utt, currentFrame + i);
          }
        }
        if (i < n && this.head >= this.queue.length) {
          this.playing = false;
          if (!this.flushed) {
            // Ran dry mid-stream: the network or the engine is burstier than the pre-roll; buffer more next time.
            this.preRoll = Math.min(this.maxPreRoll, Math.max(this.preRoll * 2, 128));
            this.underruns++;
            this.post({ t: 'underrun', frame: currentFrame + i });
          }
        }
      }
      for (let c = 1; c < channels.length; c++) (channels[c] as Float32Array).set(out);
      this.sinceReport += n;
      if (this.current && this.sinceReport >= this.reportEvery) {
        this.sinceReport = 0;
        this.post({ t: 'position', utt: this.current.utt, seg: this.current.seg, playedMs: this.current.playedMs, frame: currentFrame + n });
      }
      return true;
    }
  }

  registerProcessor(name, SpeechPlayerProcessor);
}
/* eslint-enable */

/** The processor's source, ready for a Blob URL. @internal */
export function processorSource(): string {
  return `(${processorMain.toString()})(${JSON.stringify(PROCESSOR_NAME)});\n`;
}
