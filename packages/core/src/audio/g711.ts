/**
 * G.711 mu-law and A-law companding (ITU-T G.711), as used by telephony (Twilio, SIP) and by providers
 * that offer `mulaw`/`alaw` output. Encoding from 16-bit linear PCM follows the classic reference
 * implementation (Sun's g711.c as used by SoX and CPython's audioop; verified against audioop for all
 * 65,536 inputs); tables make both directions a
 * single lookup per sample.
 */

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 8159; // 14-bit magnitude
const MULAW_SEGMENT_ENDS = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** Encodes one 16-bit linear sample as a mu-law byte (0 -> 0xFF, 32767 -> 0x80, -32768 -> 0x00). */
export function linearToMulaw(sample: number): number {
  // G.711 mu-law works on 14-bit samples: drop the two low bits (arithmetic shift, as audioop and SoX do).
  let s = (sample | 0) >> 2;
  let mask: number;
  if (s < 0) {
    s = -s;
    mask = 0x7f;
  } else {
    mask = 0xff;
  }
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS >> 2;
  let segment = 0;
  while (segment < 8 && s > (MULAW_SEGMENT_ENDS[segment] as number)) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  return ((segment << 4) | ((s >> (segment + 1)) & 0x0f)) ^ mask;
}

/** Decodes one mu-law byte to a 16-bit linear sample (0xFF -> 0, 0x80 -> 32124). */
export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 && magnitude !== 0 ? -magnitude : magnitude;
}

/** Encodes one 16-bit linear sample as an A-law byte (0 -> 0xD5). */
export function linearToAlaw(sample: number): number {
  let s = (sample | 0) >> 3; // A-law works on 13-bit magnitudes
  let mask: number;
  if (s >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    s = -s - 1;
  }
  let segment = 0;
  while (segment < 8 && s > (ALAW_SEGMENT_ENDS[segment] as number)) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  let aval = segment << 4;
  aval |= segment < 2 ? (s >> 1) & 0x0f : (s >> segment) & 0x0f;
  return aval ^ mask;
}

/** Decodes one A-law byte to a 16-bit linear sample (0xD5 -> 8, 0xAA -> 32256). */
export function alawToLinear(byte: number): number {
  const a = (byte & 0xff) ^ 0x55;
  let t = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) t += 8;
  else if (segment === 1) t += 0x108;
  else t = (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

let mulawEncodeTable: Uint8Array | undefined;
let alawEncodeTable: Uint8Array | undefined;
let mulawDecodeTable: Int16Array | undefined;
let alawDecodeTable: Int16Array | undefined;

function encodeTable(encode: (sample: number) => number): Uint8Array {
  // Indexed by the sample's 16-bit two's-complement pattern (sample & 0xffff): 64 KiB, built once.
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode(i >= 32768 ? i - 65536 : i);
  return table;
}

function decodeTable(decode: (byte: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decode(i);
  return table;
}

/** Encodes PCM16 samples as mu-law bytes (one byte per sample). */
export function encodeMulaw(samples: Int16Array): Uint8Array {
  const table = (mulawEncodeTable ??= encodeTable(linearToMulaw));
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[(samples[i] as number) & 0xffff] as number;
  return out;
}

/** Decodes mu-law bytes to PCM16 samples. */
export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const table = (mulawDecodeTable ??= decodeTable(mulawToLinear));
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i] as number] as number;
  return out;
}

/** Encodes PCM16 samples as A-law bytes (one byte per sample). */
export function encodeAlaw(samples: Int16Array): Uint8Array {
  const table = (alawEncodeTable ??= encodeTable(linearToAlaw));
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[(samples[i] as number) & 0xffff] as number;
  return out;
}

/** Decodes A-law bytes to PCM16 samples. */
export function decodeAlaw(bytes: Uint8Array): Int16Array {
  const table = (alawDecodeTable ??= decodeTable(alawToLinear));
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i] as number] as number;
  return out;
}
