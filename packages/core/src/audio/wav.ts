/**
 * WAV (RIFF/WAVE) writing, parsing and header stripping for streams.
 */
import { SpeechError } from '../errors.js';
import { decodeAlaw, decodeMulaw } from './g711.js';
import { float32BytesToInt16 } from './float.js';
import { bytesToPcm16, pcm16ToBytes } from './pcm16.js';

/** How the samples of a WAV file are encoded. */
export type WavEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw';

/** The format of a WAV file, from its `fmt ` chunk. */
export interface WavFormat {
  /** Sample encoding (from the format tag; WAVE_FORMAT_EXTENSIBLE is resolved to its sub-format). */
  readonly encoding: WavEncoding;
  /** The raw format tag (1 PCM, 3 IEEE float, 6 A-law, 7 mu-law, 0xFFFE extensible). */
  readonly formatTag: number;
  /** Interleaved channels. */
  readonly channels: number;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Bits per sample (8, 16, 24 or 32). */
  readonly bitsPerSample: number;
  /** Bytes per sample frame (all channels). */
  readonly blockAlign: number;
  /**
   * The data size declared in the header, or `undefined` when it is a streaming placeholder
   * (0 or 0xFFFFFFFF) — then the data runs to the end of the input.
   */
  readonly dataSize: number | undefined;
}

/** Options of {@link wavHeader} and {@link encodeWav}. */
export interface WavHeaderOptions {
  /** Sample rate in Hz. */
  sampleRate: number;
  /** Interleaved channels. Default 1. */
  channels?: number;
  /** Bits per sample. Default 16. */
  bitsPerSample?: number;
  /** Sample encoding. Default `'pcm'`. */
  encoding?: WavEncoding;
  /** Size of the data that follows, in bytes. Omit for a stream of unknown length (writes 0xFFFFFFFF). */
  dataBytes?: number;
}

const FORMAT_TAGS: Record<WavEncoding, number> = { pcm: 1, float: 3, alaw: 6, mulaw: 7 };

/** Writes a canonical 44-byte WAV header. */
export function wavHeader(options: WavHeaderOptions): Uint8Array {
  const channels = options.channels ?? 1;
  const bits = options.bitsPerSample ?? 16;
  const { sampleRate } = options;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new SpeechError('invalid-input', `WAV sampleRate must be a positive integer, got ${sampleRate}.`);
  if (!Number.isInteger(channels) || channels <= 0 || channels > 0xffff) throw new SpeechError('invalid-input', `WAV channels must be a positive integer, got ${channels}.`);
  if (![8, 16, 24, 32].includes(bits)) throw new SpeechError('invalid-input', `WAV bitsPerSample must be 8, 16, 24 or 32, got ${bits}.`);
  const blockAlign = (channels * bits) / 8;
  const dataBytes = options.dataBytes;
  const out = new Uint8Array(44);
  const view = new DataView(out.buffer);
  writeAscii(out, 0, 'RIFF');
  view.setUint32(4, dataBytes === undefined ? 0xffffffff : Math.min(0xffffffff, 36 + dataBytes), true);
  writeAscii(out, 8, 'WAVE');
  writeAscii(out, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_TAGS[options.encoding ?? 'pcm'], true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  writeAscii(out, 36, 'data');
  view.setUint32(40, dataBytes === undefined ? 0xffffffff : dataBytes, true);
  return out;
}

/**
 * Writes PCM16 samples (interleaved when `channels` > 1) as a complete WAV file.
 *
 * @example `await fs.writeFile('out.wav', encodeWav(pcm, { sampleRate: 24000 }))`
 */
export function encodeWav(samples: Int16Array, options: { sampleRate: number; channels?: number }): Uint8Array {
  const data = pcm16ToBytes(samples);
  const header = wavHeader({ sampleRate: options.sampleRate, channels: options.channels ?? 1, bitsPerSample: 16, dataBytes: data.byteLength });
  const out = new Uint8Array(header.byteLength + data.byteLength);
  out.set(header, 0);
  out.set(data, header.byteLength);
  return out;
}

/** A parsed WAV file. */
export interface ParsedWav {
  /** The format. */
  readonly format: WavFormat;
  /** The raw sample bytes (a view into the input). */
  readonly data: Uint8Array;
  /** The samples as PCM16, interleaved when there are several channels (converted from any supported encoding). */
  readonly samples: Int16Array;
}

/**
 * Parses a complete WAV file: skips `LIST`, `fact` and other chunks, reads the format and converts the
 * samples to PCM16 (from 8/16/24/32-bit PCM, 32-bit float, A-law or mu-law).
 *
 * @throws SpeechError `invalid-input` when the bytes are not a supported WAV file.
 */
export function parseWav(bytes: Uint8Array): ParsedWav {
  const header = readWavHeader(bytes);
  if (header === 'not-wav') throw new SpeechError('invalid-input', 'Not a WAV file: missing RIFF/WAVE header.');
  if (header === 'need-more') throw new SpeechError('invalid-input', 'Truncated WAV file: no complete fmt and data chunks.');
  const available = bytes.byteLength - header.dataOffset;
  const size = header.format.dataSize === undefined ? available : Math.min(header.format.dataSize, available);
  const data = bytes.subarray(header.dataOffset, header.dataOffset + size - (size % header.format.blockAlign));
  return { format: header.format, data, samples: wavDataToPcm16(data, header.format) };
}

/**
 * Converts WAV sample bytes in `format` to PCM16 (interleaved channels are kept).
 *
 * @throws SpeechError `invalid-input` for unsupported encodings.
 */
export function wavDataToPcm16(data: Uint8Array, format: Pick<WavFormat, 'encoding' | 'bitsPerSample'>): Int16Array {
  const { encoding, bitsPerSample: bits } = format;
  if (encoding === 'pcm' && bits === 16) return bytesToPcm16(data.subarray(0, data.byteLength & ~1), { copy: true });
  if (encoding === 'mulaw' && bits === 8) return decodeMulaw(data);
  if (encoding === 'alaw' && bits === 8) return decodeAlaw(data);
  if (encoding === 'float' && bits === 32) return float32BytesToInt16(data);
  if (encoding === 'pcm' && bits === 8) {
    const out = new Int16Array(data.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = ((data[i] as number) - 128) << 8;
    return out;
  }
  if (encoding === 'pcm' && (bits === 24 || bits === 32)) {
    const step = bits / 8;
    const out = new Int16Array(Math.floor(data.byteLength / step));
    // Keep the two most significant bytes (little-endian: the last two of each sample).
    for (let i = 0, o = step - 2; i < out.length; i++, o += step) out[i] = (data[o] as number) | ((data[o + 1] as number) << 24 >> 16);
    return out;
  }
  throw new SpeechError('invalid-input', `Unsupported WAV encoding: ${encoding} with ${bits} bits per sample.`);
}

/** Averages interleaved channels into mono PCM16. Returns a copy of the input when `channels` is 1. */
export function toMono(samples: Int16Array, channels: number): Int16Array {
  if (channels === 1) return samples.slice();
  const frames = Math.floor(samples.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, i++) sum += samples[i] as number;
    out[f] = Math.round(sum / channels);
  }
  return out;
}

interface HeaderResult {
  format: WavFormat;
  /** Offset of the first data byte. */
  dataOffset: number;
}

const MAX_HEADER_BYTES = 1 << 20;

/** Reads the RIFF chunks up to the start of `data`. */
function readWavHeader(bytes: Uint8Array): HeaderResult | 'need-more' | 'not-wav' {
  const probe = Math.min(bytes.byteLength, 12);
  const magic = 'RIFF....WAVE';
  for (let i = 0; i < probe; i++) {
    if (i >= 4 && i < 8) continue;
    if (bytes[i] !== magic.charCodeAt(i)) return 'not-wav';
  }
  if (bytes.byteLength < 12) return 'need-more';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let format: Omit<WavFormat, 'dataSize'> | undefined;
  while (offset + 8 <= bytes.byteLength) {
    const id = readAscii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'data') {
      if (format === undefined) throw new SpeechError('invalid-input', 'Invalid WAV: data chunk before fmt chunk.');
      return { format: { ...format, dataSize: size === 0 || size === 0xffffffff ? undefined : size }, dataOffset: body };
    }
    if (body + size > bytes.byteLength) return 'need-more';
    if (id === 'fmt ') format = readFmt(view, body, size);
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  return 'need-more';
}

function readFmt(view: DataView, at: number, size: number): Omit<WavFormat, 'dataSize'> {
  if (size < 16) throw new SpeechError('invalid-input', 'Invalid WAV: fmt chunk too short.');
  let formatTag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  const tag = formatTag === 0xfffe && size >= 26 ? view.getUint16(at + 24, true) : formatTag;
  const encoding = (Object.keys(FORMAT_TAGS) as WavEncoding[]).find((k) => FORMAT_TAGS[k] === tag);
  if (encoding === undefined) throw new SpeechError('invalid-input', `Unsupported WAV format tag 0x${tag.toString(16)}.`);
  if (channels === 0 || sampleRate === 0 || blockAlign === 0) throw new SpeechError('invalid-input', 'Invalid WAV: zero channels, sample rate or block size.');
  if (formatTag === 0xfffe) formatTag = tag;
  return { encoding, formatTag, channels, sampleRate, bitsPerSample, blockAlign };
}

function writeAscii(out: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
}

function readAscii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[at + i] as number);
  return s;
}

/** Options of {@link createWavHeaderStripper}. */
export interface WavHeaderStripperOptions {
  /**
   * Also strip a WAV header that starts a later chunk (some providers, e.g. Murf with `format=WAV`, send a
   * header at the start of every reply). Such a chunk must carry at least the 12-byte `RIFF....WAVE`
   * preamble. Default `false`: only the start of the stream is checked.
   */
  repeated?: boolean;
}

/** A stateful WAV header stripper for audio streams. See {@link createWavHeaderStripper}. */
export interface WavHeaderStripper {
  /** Takes the next chunk of the stream and returns the audio bytes it releases (header bytes removed). */
  push(chunk: Uint8Array): Uint8Array;
  /**
   * Ends the stream and returns bytes still held back: the first 1–3 bytes of a stream too short to tell
   * whether it starts with a header.
   *
   * @throws SpeechError `invalid-input` when the stream ended inside a WAV header.
   */
  flush(): Uint8Array;
  /** The format of the last header seen, once it has been read completely. */
  readonly format: WavFormat | undefined;
  /** `'detecting'` until the stream's start is known, `'header'` inside a header, then `'audio'`. */
  readonly state: 'detecting' | 'header' | 'audio';
  /** Starts over: the next byte is treated as the start of a stream. */
  reset(): void;
}

const EMPTY = new Uint8Array(0);

/**
 * Creates a {@link WavHeaderStripper}: feed it the raw audio stream (chunks of any size); it removes a
 * leading RIFF/WAVE header — even one split across chunks or with `LIST`/`fact` chunks before `data` — and
 * passes everything else through unchanged. Streams without a header pass through untouched. Audio after
 * the header is passed on whatever the declared data size (streaming servers often write placeholders).
 *
 * @example
 * ```ts
 * const strip = createWavHeaderStripper();
 * const decode = createPcm16Decoder();
 * const pcm = decode.push(strip.push(chunk)); // strip.format tells the sample rate once known
 * ```
 */
export function createWavHeaderStripper(options: WavHeaderStripperOptions = {}): WavHeaderStripper {
  const repeated = options.repeated === true;
  let state: WavHeaderStripper['state'] = 'detecting';
  let held: Uint8Array = EMPTY;
  let format: WavFormat | undefined;

  const append = (chunk: Uint8Array): Uint8Array => {
    if (held.byteLength === 0) return chunk;
    const joined = new Uint8Array(held.byteLength + chunk.byteLength);
    joined.set(held, 0);
    joined.set(chunk, held.byteLength);
    return joined;
  };

  const startsWithWav = (chunk: Uint8Array): boolean =>
    chunk.byteLength >= 12 && readWavHeader(chunk.subarray(0, 12)) === 'need-more';

  const consume = (bytes: Uint8Array): Uint8Array => {
    const result = readWavHeader(bytes);
    if (result === 'not-wav') {
      held = EMPTY;
      state = 'audio';
      return bytes;
    }
    if (result === 'need-more') {
      if (bytes.byteLength > MAX_HEADER_BYTES) throw new SpeechError('invalid-input', 'WAV header larger than 1 MiB: not an audio stream.');
      held = bytes.byteLength === 0 ? EMPTY : bytes.slice();
      state = bytes.byteLength >= 4 ? 'header' : 'detecting';
      return EMPTY;
    }
    held = EMPTY;
    format = result.format;
    state = 'audio';
    return bytes.subarray(result.dataOffset);
  };

  return {
    push(chunk) {
      if (state === 'audio') {
        if (!repeated || !startsWithWav(chunk)) return chunk;
        return consume(chunk);
      }
      return consume(append(chunk));
    },
    flush() {
      const rest = held;
      const wasHeader = state === 'header';
      held = EMPTY;
      if (wasHeader) throw new SpeechError('invalid-input', 'The audio stream ended inside a WAV header.');
      state = 'audio';
      return rest;
    },
    get format() {
      return format;
    },
    get state() {
      return state;
    },
    reset() {
      held = EMPTY;
      state = 'detecting';
    },
  };
}
