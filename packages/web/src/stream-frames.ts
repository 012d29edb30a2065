/**
 * The speech wire format over a byte stream (an HTTP response body), for route handlers that cannot
 * hold a WebSocket: every message is `u8 kind` (0 = JSON text in UTF-8, 1 = binary audio frame),
 * `u32 length` (little-endian), then `length` bytes of payload. Content type
 * {@link SPEECH_STREAM_CONTENT_TYPE}.
 */
import { WireFormatError } from './wire.js';

/** Content type of a speech byte stream. */
export const SPEECH_STREAM_CONTENT_TYPE = 'application/vnd.utter.speech.v1';

const TEXT = 0;
const BINARY = 1;
/** Largest message accepted, in bytes. */
const MAX_MESSAGE = 16 * 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Frames one message (a string is a JSON text message, bytes an audio frame). */
export function encodeStreamFrame(message: string | Uint8Array): Uint8Array {
  const payload = typeof message === 'string' ? encoder.encode(message) : message;
  const out = new Uint8Array(5 + payload.length);
  out[0] = typeof message === 'string' ? TEXT : BINARY;
  new DataView(out.buffer).setUint32(1, payload.length, true);
  out.set(payload, 5);
  return out;
}

/** Splits a byte stream cut anywhere back into messages. */
export class StreamFrameDecoder {
  private buffer = new Uint8Array(0);

  /** Adds bytes; returns the messages completed (strings for text, ArrayBuffers for audio frames). */
  push(bytes: Uint8Array): (string | ArrayBuffer)[] {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    const out: (string | ArrayBuffer)[] = [];
    let at = 0;
    while (joined.length - at >= 5) {
      const kind = joined[at] as number;
      const length = new DataView(joined.buffer, joined.byteOffset + at + 1, 4).getUint32(0, true);
      if (kind !== TEXT && kind !== BINARY) throw new WireFormatError(`Unknown stream frame kind ${kind}.`);
      if (length > MAX_MESSAGE) throw new WireFormatError(`Stream frame of ${length} bytes is too large.`);
      if (joined.length - at - 5 < length) break;
      const payload = joined.slice(at + 5, at + 5 + length);
      out.push(kind === TEXT ? decoder.decode(payload) : payload.buffer);
      at += 5 + length;
    }
    this.buffer = joined.slice(at);
    return out;
  }

  /** Whether bytes of an unfinished message are left (at the end of the stream: a truncated body). */
  get pending(): boolean {
    return this.buffer.length > 0;
  }
}
