/**
 * Audio events -> bytes for HTTP responses and byte streams: PCM16 little-endian, optionally behind a
 * streaming WAV header (unknown length). Uses the core's WAV writer and resampler.
 * @internal
 */
import { pcm16ToBytes, resample, wavHeader, type AudioEvent } from '@utter/core';

/** Byte formats of speech audio: a streaming WAV file, or raw PCM16 little-endian mono. */
export type AudioByteFormat = 'wav' | 'pcm';

/**
 * Encodes audio events of one reply as bytes. The WAV header is written before the first audio
 * (at `sampleRate` when known, otherwise at the first event's rate); audio at another rate is
 * resampled to the header's rate so that the file stays consistent.
 * @internal
 */
export class AudioByteEncoder {
  private rate: number | undefined;
  private headerWritten = false;

  constructor(
    private readonly format: AudioByteFormat,
    sampleRate: number | undefined,
  ) {
    this.rate = sampleRate;
  }

  /** Bytes to send before any audio (the WAV header when the rate is known up front). */
  start(): Uint8Array | undefined {
    if (this.format !== 'wav' || this.rate === undefined) return undefined;
    this.headerWritten = true;
    return wavHeader({ sampleRate: this.rate });
  }

  /** Bytes for one audio event (possibly preceded by the WAV header). */
  audio(event: Pick<AudioEvent, 'pcm' | 'sampleRate'>): Uint8Array {
    this.rate ??= event.sampleRate;
    const pcm = event.sampleRate === this.rate ? event.pcm : resample(event.pcm, event.sampleRate, this.rate);
    const body = pcm16ToBytes(pcm);
    if (this.format !== 'wav' || this.headerWritten) return body;
    this.headerWritten = true;
    const header = wavHeader({ sampleRate: this.rate });
    const out = new Uint8Array(header.byteLength + body.byteLength);
    out.set(header, 0);
    out.set(body, header.byteLength);
    return out;
  }

  /** Bytes to send at the end (a header for a reply without audio, so the file is still valid WAV). */
  end(fallbackRate: number): Uint8Array | undefined {
    if (this.format !== 'wav' || this.headerWritten) return undefined;
    this.headerWritten = true;
    return wavHeader({ sampleRate: this.rate ?? fallbackRate, dataBytes: 0 });
  }
}

/** The Content-Type of a speech response. @internal */
export function contentTypeOf(format: AudioByteFormat, sampleRate: number | undefined): string {
  if (format === 'wav') return 'audio/wav';
  return sampleRate === undefined ? 'audio/pcm;channels=1' : `audio/pcm;rate=${sampleRate};channels=1`;
}
