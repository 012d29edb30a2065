/**
 * PCM16 (signed 16-bit little-endian) decoding and encoding: base64 and binary frames to
 * `Int16Array`, and back. Decoding uses typed-array views and the platform's native base64
 * decoder; there is no per-sample JavaScript loop on little-endian hosts.
 */
import { SpeechError } from '../errors.js';

/** True when the host stores multi-byte numbers little-endian (every mainstream CPU). */
export const IS_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes as produced by WebSockets, `fetch` and Node: a `Uint8Array` (or `Buffer`) or an `ArrayBuffer`. */
export type BinaryInput = Uint8Array | ArrayBuffer;

interface BufferLike {
  from(data: string, encoding: 'base64'): Uint8Array;
  from(data: ArrayBuffer, byteOffset: number, length: number): Uint8Array & { toString(encoding: 'base64'): string };
}
interface Base64Uint8ArrayCtor {
  fromBase64?: (text: string) => Uint8Array;
}
interface Base64Uint8Array {
  toBase64?: () => string;
}

const NodeBuffer: BufferLike | undefined = (globalThis as { Buffer?: BufferLike }).Buffer;

/** Validates base64 text slowly; only used when the fast length check disagrees. */
const BASE64_TEXT = /^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/;

function expectedDecodedLength(text: string): number {
  let len = text.length;
  if (len > 0 && text.charCodeAt(len - 1) === 61 /* = */) len--;
  if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
  return Math.floor((len * 3) / 4);
}

/**
 * Decodes base64 (standard or URL-safe alphabet, padded or not) to bytes using the fastest decoder the
 * platform has (Node's `Buffer`, `Uint8Array.fromBase64`, or `atob`).
 *
 * @throws SpeechError `invalid-input` when `text` is not base64.
 */
export function base64ToBytes(text: string): Uint8Array {
  let bytes: Uint8Array;
  if (NodeBuffer !== undefined) {
    bytes = NodeBuffer.from(text, 'base64');
    // Node skips invalid characters silently: a length check catches that in O(1) for clean input.
    if (bytes.length !== expectedDecodedLength(text) && !BASE64_TEXT.test(text)) throw invalidBase64();
  } else {
    const fromBase64 = (Uint8Array as unknown as Base64Uint8ArrayCtor).fromBase64;
    const clean = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
    try {
      if (fromBase64 !== undefined) {
        bytes = fromBase64(clean.length % 4 === 0 ? clean : clean.padEnd(clean.length + ((4 - (clean.length % 4)) % 4), '='));
      } else {
        const binary = atob(clean);
        bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      }
    } catch (cause) {
      throw invalidBase64(cause);
    }
  }
  return bytes;
}

/** Encodes bytes as standard, padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const toBase64 = (bytes as Base64Uint8Array).toBase64;
  if (toBase64 !== undefined) return toBase64.call(bytes);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return btoa(binary);
}

function invalidBase64(cause?: unknown): SpeechError {
  return new SpeechError('invalid-input', 'Audio data is not valid base64.', cause === undefined ? {} : { cause });
}

function toUint8(data: BinaryInput): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** Options of {@link bytesToPcm16}. */
export interface BytesToPcm16Options {
  /**
   * Always return a fresh array that owns its memory. Default `false`: when the bytes are 2-byte
   * aligned (and the host is little-endian) the result is a zero-copy view that shares memory with
   * the input.
   */
  copy?: boolean;
}

/**
 * Interprets little-endian PCM16 bytes (e.g. a binary WebSocket frame) as samples.
 * Zero-copy when the bytes start at an even offset on a little-endian host; copied otherwise.
 *
 * @throws SpeechError `invalid-input` when the byte length is odd (use {@link createPcm16Decoder} for
 * streams whose frames may split a sample).
 */
export function bytesToPcm16(data: BinaryInput, options: BytesToPcm16Options = {}): Int16Array {
  const bytes = toUint8(data);
  if (bytes.byteLength % 2 !== 0) {
    throw new SpeechError(
      'invalid-input',
      `PCM16 data has an odd length (${bytes.byteLength} bytes); a sample is split. Use createPcm16Decoder() for streams.`,
    );
  }
  return viewOrCopy(bytes, options.copy === true);
}

function viewOrCopy(bytes: Uint8Array, forceCopy: boolean): Int16Array {
  const samples = bytes.byteLength >>> 1;
  if (IS_LITTLE_ENDIAN) {
    if (!forceCopy && bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, samples);
    const out = new Int16Array(samples);
    new Uint8Array(out.buffer).set(bytes.subarray(0, samples * 2));
    return out;
  }
  // Big-endian host: byte order has to be swapped one sample at a time.
  const view = new DataView(bytes.buffer, bytes.byteOffset, samples * 2);
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/**
 * Decodes base64 PCM16 little-endian audio (as most providers send it in JSON messages) to samples.
 * The result owns its memory (its `.buffer` holds exactly these samples), so it can be transferred.
 *
 * @throws SpeechError `invalid-input` for invalid base64 or an odd number of bytes (use
 * {@link createPcm16Decoder} for streams whose chunks may split a sample).
 */
export function base64ToPcm16(base64: string): Int16Array {
  const bytes = base64ToBytes(base64);
  if (bytes.byteLength % 2 !== 0) {
    throw new SpeechError(
      'invalid-input',
      `Base64 PCM16 data has an odd length (${bytes.byteLength} bytes); a sample is split. Use createPcm16Decoder() for streams.`,
    );
  }
  return ownedSamples(bytes);
}

/** A view when `bytes` owns its whole buffer at offset 0 (fresh decode), a copy otherwise (Node's pooled buffers). */
function ownedSamples(bytes: Uint8Array): Int16Array {
  const owns = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer;
  return viewOrCopy(bytes, !owns);
}

/**
 * A stateful PCM16 decoder for streams whose chunks may end in the middle of a sample: an odd trailing
 * byte is kept and joined to the next chunk.
 */
export interface Pcm16Decoder {
  /** Decodes one chunk (bytes or base64 text) and returns the whole samples it completes. */
  push(chunk: BinaryInput | string): Int16Array;
  /**
   * Ends the stream and returns what is left: always empty, because half a sample is not audio. A dangling
   * byte is dropped; check {@link Pcm16Decoder.pendingBytes} before calling to detect a truncated stream.
   */
  flush(): Int16Array;
  /** Bytes held back (0 or 1): the first half of a sample whose second half has not arrived yet. */
  readonly pendingBytes: number;
  /** Forgets any held byte (e.g. when a new reply starts). */
  reset(): void;
}

/**
 * Creates a {@link Pcm16Decoder}. Each returned array owns its memory.
 *
 * @example
 * ```ts
 * const decoder = createPcm16Decoder();
 * socket.messages.subscribe((m) => { if (typeof m !== 'string') emit(decoder.push(m)); });
 * ```
 */
export function createPcm16Decoder(): Pcm16Decoder {
  let carry = -1; // the held byte, or -1
  return {
    push(chunk) {
      const bytes = typeof chunk === 'string' ? base64ToBytes(chunk) : toUint8(chunk);
      if (carry < 0) {
        if (bytes.byteLength % 2 === 0) return typeof chunk === 'string' ? ownedSamples(bytes) : viewOrCopy(bytes, true);
        carry = bytes[bytes.byteLength - 1] as number;
        return viewOrCopy(bytes.subarray(0, bytes.byteLength - 1), true);
      }
      if (bytes.byteLength === 0) return new Int16Array(0);
      const total = bytes.byteLength + 1;
      const usable = total & ~1;
      const joined = new Uint8Array(usable);
      joined[0] = carry;
      joined.set(bytes.subarray(0, usable - 1), 1);
      carry = usable < total ? (bytes[bytes.byteLength - 1] as number) : -1;
      return viewOrCopy(joined, false);
    },
    flush() {
      carry = -1;
      return new Int16Array(0);
    },
    get pendingBytes() {
      return carry < 0 ? 0 : 1;
    },
    reset() {
      carry = -1;
    },
  };
}

/**
 * The little-endian bytes of `samples`. Zero-copy (a view of the same memory) on little-endian hosts.
 */
export function pcm16ToBytes(samples: Int16Array): Uint8Array {
  if (IS_LITTLE_ENDIAN) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] as number, true);
  return out;
}

/** Encodes samples as base64 PCM16 little-endian (what most providers and browsers expect). */
export function pcmToBase64(samples: Int16Array): string {
  return bytesToBase64(pcm16ToBytes(samples));
}

/** Joins PCM chunks into one array (a fresh copy, even for a single chunk). */
export function concatPcm(chunks: readonly Int16Array[]): Int16Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Int16Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Duration in milliseconds of `samples` (a count, or an array of mono samples) at `sampleRate` Hz.
 *
 * @example `durationMs(24000, 24000) // 1000`
 */
export function durationMs(samples: number | { readonly length: number }, sampleRate: number): number {
  const count = typeof samples === 'number' ? samples : samples.length;
  if (!(sampleRate > 0)) throw new SpeechError('invalid-input', `sampleRate must be a positive number, got ${sampleRate}.`);
  return (count * 1000) / sampleRate;
}

/** Number of samples in `ms` milliseconds at `sampleRate` Hz (rounded to the nearest sample). */
export function samplesForMs(ms: number, sampleRate: number): number {
  return Math.round((ms * sampleRate) / 1000);
}
