import { z } from 'zod';
import { defer, finalize, isObservable, Subject, Observable, asyncScheduler } from 'rxjs';

var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/errors.ts
var RETRYABLE_BY_DEFAULT = /* @__PURE__ */ new Set([
  "rate-limit",
  "timeout",
  "connection",
  "provider"
]);
var secrets = /* @__PURE__ */ new Set();
var SECRET_NAME = String.raw`(?:api[-_]?key|x[-_]api[-_]key|key|token|access[-_]token|auth|authorization|secret|password)`;
var ASSIGNED_SECRET = new RegExp(String.raw`(^|[^A-Za-z0-9_-])(${SECRET_NAME}=)[^&#\s"',;]+`, "gi");
var JSON_SECRET = new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*")(?:[^"\\]|\\.)*(")`, "gi");
var SCHEME_SECRET = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/gi;
function redact(text) {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  return out.replace(ASSIGNED_SECRET, "$1$2[redacted]").replace(JSON_SECRET, "$1[redacted]$2").replace(SCHEME_SECRET, "$1 [redacted]");
}
var SPEECH_ERROR_BRAND = /* @__PURE__ */ Symbol.for("@utter/core/speech-error");
var SpeechError = class _SpeechError extends Error {
  /** Marks SpeechErrors across package copies (see {@link SpeechError.is}). */
  [SPEECH_ERROR_BRAND] = true;
  /** Stable error code. */
  code;
  /** Whether retrying may succeed. */
  retryable;
  /** Name of the provider that failed, if any. */
  provider;
  /** The provider's own error code or close code, if it sent one. */
  providerCode;
  /** Original text that was not spoken because of this error, if known. */
  unspokenText;
  constructor(code, message, options = {}) {
    super(redact(message), options.cause === void 0 ? void 0 : { cause: scrubCause(options.cause) });
    this.name = "SpeechError";
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.provider = options.provider;
    this.providerCode = options.providerCode;
    this.unspokenText = options.unspokenText;
  }
  /** `instanceof SpeechError` holds for SpeechErrors of any copy of `@utter/core` (the brand decides). */
  static [Symbol.hasInstance](value) {
    return typeof value === "object" && value !== null && value[SPEECH_ERROR_BRAND] === true;
  }
  /** True when `value` is a SpeechError (optionally with the given code), from any copy of `@utter/core`. */
  static is(value, code) {
    return value instanceof _SpeechError && (code === void 0 || value.code === code);
  }
  /**
   * Wraps any thrown value as a SpeechError. A SpeechError passes through unchanged; an
   * `AbortError` becomes `cancelled`; anything else becomes `fallbackCode`.
   */
  static from(value, fallbackCode = "provider", options = {}) {
    if (value instanceof _SpeechError) return value;
    if (isAbortError(value)) return new _SpeechError("cancelled", "The operation was cancelled.", { ...options, cause: value });
    const message = value instanceof Error ? value.message : typeof value === "string" ? value : "Unknown error";
    return new _SpeechError(fallbackCode, message, { ...options, cause: value });
  }
  /** A plain, secret-free object for logs and JSON. */
  toJSON() {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...this.provider === void 0 ? {} : { provider: this.provider },
      ...this.providerCode === void 0 ? {} : { providerCode: this.providerCode }
    };
  }
};
function isAbortError(value) {
  return typeof value === "object" && value !== null && "name" in value && value.name === "AbortError";
}
function scrubCause(cause) {
  if (cause instanceof SpeechError) return cause;
  if (cause instanceof Error) {
    const clean = redact(cause.message);
    if (clean === cause.message) return cause;
    const copy = new Error(clean);
    copy.name = cause.name;
    return copy;
  }
  if (typeof cause === "string") return redact(cause);
  return cause;
}

// src/audio/pcm16.ts
var IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
var NodeBuffer = globalThis.Buffer;
var BASE64_TEXT = /^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/;
function expectedDecodedLength(text) {
  let len = text.length;
  if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
  if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
  return Math.floor(len * 3 / 4);
}
function base64ToBytes(text) {
  let bytes;
  if (NodeBuffer !== void 0) {
    bytes = NodeBuffer.from(text, "base64");
    if (bytes.length !== expectedDecodedLength(text) && !BASE64_TEXT.test(text)) throw invalidBase64();
  } else {
    const fromBase64 = Uint8Array.fromBase64;
    const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
    try {
      if (fromBase64 !== void 0) {
        bytes = fromBase64(clean.length % 4 === 0 ? clean : clean.padEnd(clean.length + (4 - clean.length % 4) % 4, "="));
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
function bytesToBase64(bytes) {
  if (NodeBuffer !== void 0) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  const toBase64 = bytes.toBase64;
  if (toBase64 !== void 0) return toBase64.call(bytes);
  let binary = "";
  const CHUNK = 32768;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}
function invalidBase64(cause) {
  return new SpeechError("invalid-input", "Audio data is not valid base64.", cause === void 0 ? {} : { cause });
}
function toUint8(data) {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}
function bytesToPcm16(data, options = {}) {
  const bytes = toUint8(data);
  if (bytes.byteLength % 2 !== 0) {
    throw new SpeechError(
      "invalid-input",
      `PCM16 data has an odd length (${bytes.byteLength} bytes); a sample is split. Use createPcm16Decoder() for streams.`
    );
  }
  return viewOrCopy(bytes, options.copy === true);
}
function viewOrCopy(bytes, forceCopy) {
  const samples = bytes.byteLength >>> 1;
  if (IS_LITTLE_ENDIAN) {
    if (!forceCopy && bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, samples);
    const out2 = new Int16Array(samples);
    new Uint8Array(out2.buffer).set(bytes.subarray(0, samples * 2));
    return out2;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, samples * 2);
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}
function base64ToPcm16(base64) {
  const bytes = base64ToBytes(base64);
  if (bytes.byteLength % 2 !== 0) {
    throw new SpeechError(
      "invalid-input",
      `Base64 PCM16 data has an odd length (${bytes.byteLength} bytes); a sample is split. Use createPcm16Decoder() for streams.`
    );
  }
  return ownedSamples(bytes);
}
function ownedSamples(bytes) {
  const owns = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer;
  return viewOrCopy(bytes, !owns);
}
function createPcm16Decoder() {
  let carry = -1;
  return {
    push(chunk) {
      const bytes = typeof chunk === "string" ? base64ToBytes(chunk) : toUint8(chunk);
      if (carry < 0) {
        if (bytes.byteLength % 2 === 0) return typeof chunk === "string" ? ownedSamples(bytes) : viewOrCopy(bytes, true);
        carry = bytes[bytes.byteLength - 1];
        return viewOrCopy(bytes.subarray(0, bytes.byteLength - 1), true);
      }
      if (bytes.byteLength === 0) return new Int16Array(0);
      const total = bytes.byteLength + 1;
      const usable = total & -2;
      const joined = new Uint8Array(usable);
      joined[0] = carry;
      joined.set(bytes.subarray(0, usable - 1), 1);
      carry = usable < total ? bytes[bytes.byteLength - 1] : -1;
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
    }
  };
}
function pcm16ToBytes(samples) {
  if (IS_LITTLE_ENDIAN) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], true);
  return out;
}
function pcmToBase64(samples) {
  return bytesToBase64(pcm16ToBytes(samples));
}
function concatPcm(chunks) {
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
function durationMs(samples, sampleRate) {
  const count = typeof samples === "number" ? samples : samples.length;
  if (!(sampleRate > 0)) throw new SpeechError("invalid-input", `sampleRate must be a positive number, got ${sampleRate}.`);
  return count * 1e3 / sampleRate;
}
function samplesForMs(ms, sampleRate) {
  return Math.round(ms * sampleRate / 1e3);
}

// src/audio/float.ts
function float32ToInt16(samples) {
  const n = samples.length;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.round(samples[i] * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}
function int16ToFloat32(samples) {
  const n = samples.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = samples[i] / 32768;
  return out;
}
function float32BytesToInt16(bytes) {
  const count = bytes.byteLength >>> 2;
  if (bytes.byteOffset % 4 === 0 && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) {
    return float32ToInt16(new Float32Array(bytes.buffer, bytes.byteOffset, count));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 4);
  const floats = new Float32Array(count);
  for (let i = 0; i < count; i++) floats[i] = view.getFloat32(i * 4, true);
  return float32ToInt16(floats);
}

// src/audio/g711.ts
var MULAW_BIAS = 132;
var MULAW_CLIP = 8159;
var MULAW_SEGMENT_ENDS = [63, 127, 255, 511, 1023, 2047, 4095, 8191];
var ALAW_SEGMENT_ENDS = [31, 63, 127, 255, 511, 1023, 2047, 4095];
function linearToMulaw(sample) {
  let s = (sample | 0) >> 2;
  let mask;
  if (s < 0) {
    s = -s;
    mask = 127;
  } else {
    mask = 255;
  }
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS >> 2;
  let segment = 0;
  while (segment < 8 && s > MULAW_SEGMENT_ENDS[segment]) segment++;
  if (segment >= 8) return 127 ^ mask;
  return (segment << 4 | s >> segment + 1 & 15) ^ mask;
}
function mulawToLinear(byte) {
  const u = ~byte & 255;
  const exponent = u >> 4 & 7;
  const mantissa = u & 15;
  const magnitude = ((mantissa << 3) + MULAW_BIAS << exponent) - MULAW_BIAS;
  return u & 128 && magnitude !== 0 ? -magnitude : magnitude;
}
function linearToAlaw(sample) {
  let s = (sample | 0) >> 3;
  let mask;
  if (s >= 0) {
    mask = 213;
  } else {
    mask = 85;
    s = -s - 1;
  }
  let segment = 0;
  while (segment < 8 && s > ALAW_SEGMENT_ENDS[segment]) segment++;
  if (segment >= 8) return 127 ^ mask;
  let aval = segment << 4;
  aval |= segment < 2 ? s >> 1 & 15 : s >> segment & 15;
  return aval ^ mask;
}
function alawToLinear(byte) {
  const a = byte & 255 ^ 85;
  let t = (a & 15) << 4;
  const segment = (a & 112) >> 4;
  if (segment === 0) t += 8;
  else if (segment === 1) t += 264;
  else t = t + 264 << segment - 1;
  return a & 128 ? t : -t;
}
var mulawEncodeTable;
var alawEncodeTable;
var mulawDecodeTable;
var alawDecodeTable;
function encodeTable(encode) {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode(i >= 32768 ? i - 65536 : i);
  return table;
}
function decodeTable(decode) {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decode(i);
  return table;
}
function encodeMulaw(samples) {
  const table = mulawEncodeTable ??= encodeTable(linearToMulaw);
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i] & 65535];
  return out;
}
function decodeMulaw(bytes) {
  const table = mulawDecodeTable ??= decodeTable(mulawToLinear);
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out;
}
function encodeAlaw(samples) {
  const table = alawEncodeTable ??= encodeTable(linearToAlaw);
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i] & 65535];
  return out;
}
function decodeAlaw(bytes) {
  const table = alawDecodeTable ??= decodeTable(alawToLinear);
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out;
}

// src/audio/wav.ts
var FORMAT_TAGS = { pcm: 1, float: 3, alaw: 6, mulaw: 7 };
function wavHeader(options) {
  const channels = options.channels ?? 1;
  const bits = options.bitsPerSample ?? 16;
  const { sampleRate } = options;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new SpeechError("invalid-input", `WAV sampleRate must be a positive integer, got ${sampleRate}.`);
  if (!Number.isInteger(channels) || channels <= 0 || channels > 65535) throw new SpeechError("invalid-input", `WAV channels must be a positive integer, got ${channels}.`);
  if (![8, 16, 24, 32].includes(bits)) throw new SpeechError("invalid-input", `WAV bitsPerSample must be 8, 16, 24 or 32, got ${bits}.`);
  const blockAlign = channels * bits / 8;
  const dataBytes = options.dataBytes;
  const out = new Uint8Array(44);
  const view = new DataView(out.buffer);
  writeAscii(out, 0, "RIFF");
  view.setUint32(4, dataBytes === void 0 ? 4294967295 : Math.min(4294967295, 36 + dataBytes), true);
  writeAscii(out, 8, "WAVE");
  writeAscii(out, 12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_TAGS[options.encoding ?? "pcm"], true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  writeAscii(out, 36, "data");
  view.setUint32(40, dataBytes === void 0 ? 4294967295 : dataBytes, true);
  return out;
}
function encodeWav(samples, options) {
  const data = pcm16ToBytes(samples);
  const header = wavHeader({ sampleRate: options.sampleRate, channels: options.channels ?? 1, bitsPerSample: 16, dataBytes: data.byteLength });
  const out = new Uint8Array(header.byteLength + data.byteLength);
  out.set(header, 0);
  out.set(data, header.byteLength);
  return out;
}
function parseWav(bytes) {
  const header = readWavHeader(bytes);
  if (header === "not-wav") throw new SpeechError("invalid-input", "Not a WAV file: missing RIFF/WAVE header.");
  if (header === "need-more") throw new SpeechError("invalid-input", "Truncated WAV file: no complete fmt and data chunks.");
  const available = bytes.byteLength - header.dataOffset;
  const size = header.format.dataSize === void 0 ? available : Math.min(header.format.dataSize, available);
  const data = bytes.subarray(header.dataOffset, header.dataOffset + size - size % header.format.blockAlign);
  return { format: header.format, data, samples: wavDataToPcm16(data, header.format) };
}
function wavDataToPcm16(data, format) {
  const { encoding, bitsPerSample: bits } = format;
  if (encoding === "pcm" && bits === 16) return bytesToPcm16(data.subarray(0, data.byteLength & -2), { copy: true });
  if (encoding === "mulaw" && bits === 8) return decodeMulaw(data);
  if (encoding === "alaw" && bits === 8) return decodeAlaw(data);
  if (encoding === "float" && bits === 32) return float32BytesToInt16(data);
  if (encoding === "pcm" && bits === 8) {
    const out = new Int16Array(data.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = data[i] - 128 << 8;
    return out;
  }
  if (encoding === "pcm" && (bits === 24 || bits === 32)) {
    const step = bits / 8;
    const out = new Int16Array(Math.floor(data.byteLength / step));
    for (let i = 0, o = step - 2; i < out.length; i++, o += step) out[i] = data[o] | data[o + 1] << 24 >> 16;
    return out;
  }
  throw new SpeechError("invalid-input", `Unsupported WAV encoding: ${encoding} with ${bits} bits per sample.`);
}
function toMono(samples, channels) {
  if (channels === 1) return samples.slice();
  const frames = Math.floor(samples.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, i++) sum += samples[i];
    out[f] = Math.round(sum / channels);
  }
  return out;
}
var MAX_HEADER_BYTES = 1 << 20;
function readWavHeader(bytes) {
  const probe = Math.min(bytes.byteLength, 12);
  const magic = "RIFF....WAVE";
  for (let i = 0; i < probe; i++) {
    if (i >= 4 && i < 8) continue;
    if (bytes[i] !== magic.charCodeAt(i)) return "not-wav";
  }
  if (bytes.byteLength < 12) return "need-more";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let format;
  while (offset + 8 <= bytes.byteLength) {
    const id = readAscii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "data") {
      if (format === void 0) throw new SpeechError("invalid-input", "Invalid WAV: data chunk before fmt chunk.");
      return { format: { ...format, dataSize: size === 0 || size === 4294967295 ? void 0 : size }, dataOffset: body };
    }
    if (body + size > bytes.byteLength) return "need-more";
    if (id === "fmt ") format = readFmt(view, body, size);
    offset = body + size + size % 2;
  }
  return "need-more";
}
function readFmt(view, at, size) {
  if (size < 16) throw new SpeechError("invalid-input", "Invalid WAV: fmt chunk too short.");
  let formatTag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  const tag = formatTag === 65534 && size >= 26 ? view.getUint16(at + 24, true) : formatTag;
  const encoding = Object.keys(FORMAT_TAGS).find((k) => FORMAT_TAGS[k] === tag);
  if (encoding === void 0) throw new SpeechError("invalid-input", `Unsupported WAV format tag 0x${tag.toString(16)}.`);
  if (channels === 0 || sampleRate === 0 || blockAlign === 0) throw new SpeechError("invalid-input", "Invalid WAV: zero channels, sample rate or block size.");
  if (formatTag === 65534) formatTag = tag;
  return { encoding, formatTag, channels, sampleRate, bitsPerSample, blockAlign };
}
function writeAscii(out, at, text) {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
}
function readAscii(bytes, at, length) {
  let s = "";
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[at + i]);
  return s;
}
var EMPTY = new Uint8Array(0);
function createWavHeaderStripper(options = {}) {
  const repeated = options.repeated === true;
  let state = "detecting";
  let held = EMPTY;
  let format;
  const append = (chunk) => {
    if (held.byteLength === 0) return chunk;
    const joined = new Uint8Array(held.byteLength + chunk.byteLength);
    joined.set(held, 0);
    joined.set(chunk, held.byteLength);
    return joined;
  };
  const startsWithWav = (chunk) => chunk.byteLength >= 12 && readWavHeader(chunk.subarray(0, 12)) === "need-more";
  const consume = (bytes) => {
    const result = readWavHeader(bytes);
    if (result === "not-wav") {
      held = EMPTY;
      state = "audio";
      return bytes;
    }
    if (result === "need-more") {
      if (bytes.byteLength > MAX_HEADER_BYTES) throw new SpeechError("invalid-input", "WAV header larger than 1 MiB: not an audio stream.");
      held = bytes.byteLength === 0 ? EMPTY : bytes.slice();
      state = bytes.byteLength >= 4 ? "header" : "detecting";
      return EMPTY;
    }
    held = EMPTY;
    format = result.format;
    state = "audio";
    return bytes.subarray(result.dataOffset);
  };
  return {
    push(chunk) {
      if (state === "audio") {
        if (!repeated || !startsWithWav(chunk)) return chunk;
        return consume(chunk);
      }
      return consume(append(chunk));
    },
    flush() {
      const rest = held;
      const wasHeader = state === "header";
      held = EMPTY;
      if (wasHeader) throw new SpeechError("invalid-input", "The audio stream ended inside a WAV header.");
      state = "audio";
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
      state = "detecting";
    }
  };
}
var ATTENUATION_DB = 80;
var PASSBAND = 0.9;
var MAX_PHASES = 1024;
var rateSchema = z.number().int().positive().max(1e6);
var ratesSchema = z.object({ fromRate: rateSchema, toRate: rateSchema });
var banks = /* @__PURE__ */ new Map();
function gcd(a, b) {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
function besselI0(x) {
  let sum = 1;
  let term = 1;
  const q = x * x / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}
function filterBank(up, down) {
  const key = `${up}/${down}`;
  const cached = banks.get(key);
  if (cached !== void 0) return cached;
  const ratio = Math.min(1, up / down);
  const nyquist = 0.5 * ratio;
  const cutoff = nyquist * ((1 + PASSBAND) / 2);
  const transition = nyquist * (1 - PASSBAND);
  const beta = 0.1102 * (ATTENUATION_DB - 8.7);
  const length = (ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * transition) + 1;
  const halfWidth = length / 2;
  const half = Math.ceil(halfWidth);
  const taps = 2 * half;
  const phases = up <= MAX_PHASES ? up : MAX_PHASES;
  const table = new Float32Array((phases + 1) * taps);
  const i0beta = besselI0(beta);
  for (let p = 0; p <= phases; p++) {
    const frac = p / phases;
    let sum = 0;
    const row = p * taps;
    for (let j = 0; j < taps; j++) {
      const t = frac + half - 1 - j;
      let h = 0;
      if (Math.abs(t) < halfWidth) {
        const x = 2 * cutoff * t;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const r = t / halfWidth;
        h = 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0beta);
      }
      table[row + j] = h;
      sum += h;
    }
    for (let j = 0; j < taps; j++) table[row + j] = table[row + j] / sum;
  }
  const bank = { phases, taps, half, table };
  banks.set(key, bank);
  return bank;
}
function checkRates(fromRate, toRate) {
  const parsed = ratesSchema.safeParse({ fromRate, toRate });
  if (!parsed.success) {
    throw new SpeechError("invalid-input", `Sample rates must be positive integers up to 1000000 (got ${fromRate} -> ${toRate}).`);
  }
}
function createResampler(options) {
  const { fromRate, toRate } = options;
  checkRates(fromRate, toRate);
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const identity = up === down;
  const bank = identity ? void 0 : filterBank(up, down);
  const half = bank?.half ?? 0;
  const stepWhole = Math.floor(down / up);
  const stepFrac = down % up;
  const exact = up <= MAX_PHASES;
  let buf = new Float32Array(0);
  let bufStart = 0;
  let received = 0;
  let i = 0;
  let num = 0;
  const reset = () => {
    buf = new Float32Array(0);
    bufStart = -(half - 1);
    received = 0;
    i = 0;
    num = 0;
    if (bank !== void 0) buf = new Float32Array(half - 1);
  };
  reset();
  const append = (samples) => {
    const keepFrom = Math.max(0, i - half + 1 - bufStart);
    const kept = buf.length - keepFrom;
    const next = new Float32Array(kept + samples.length);
    next.set(buf.subarray(keepFrom), 0);
    next.set(samples, kept);
    buf = next;
    bufStart += keepFrom;
    received += samples.length;
  };
  const run = (limit, end) => {
    if (bank === void 0) return new Float64Array(0);
    const { table, taps, phases } = bank;
    const last = Math.min(limit - half, end);
    const capacity = Math.max(0, Math.ceil((last - i) * up / down) + 2);
    const out = new Float64Array(capacity);
    let count = 0;
    const scale = phases / up;
    while (i < last) {
      const base = i - half + 1 - bufStart;
      let acc = 0;
      if (exact) {
        const row = num * taps;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let j = 0;
        for (; j + 3 < taps; j += 4) {
          a0 += buf[base + j] * table[row + j];
          a1 += buf[base + j + 1] * table[row + j + 1];
          a2 += buf[base + j + 2] * table[row + j + 2];
          a3 += buf[base + j + 3] * table[row + j + 3];
        }
        for (; j < taps; j++) a0 += buf[base + j] * table[row + j];
        acc = a0 + a1 + (a2 + a3);
      } else {
        const pos = num * scale;
        const p0 = Math.floor(pos);
        const a = pos - p0;
        const r0 = p0 * taps;
        const r1 = r0 + taps;
        for (let j = 0; j < taps; j++) {
          const c0 = table[r0 + j];
          acc += buf[base + j] * (c0 + a * (table[r1 + j] - c0));
        }
      }
      out[count++] = acc;
      i += stepWhole;
      num += stepFrac;
      if (num >= up) {
        num -= up;
        i++;
      }
    }
    return out.subarray(0, count);
  };
  const toInt16 = (values) => {
    const out = new Int16Array(values.length);
    for (let k = 0; k < values.length; k++) {
      const v = Math.round(values[k]);
      out[k] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return out;
  };
  const pushAny = (samples) => {
    append(samples);
    return run(received, Number.POSITIVE_INFINITY);
  };
  const flushAny = () => {
    if (bank !== void 0) append(new Float32Array(half));
    const total = received - (bank === void 0 ? 0 : half);
    const tail = run(received, total);
    reset();
    return tail;
  };
  return {
    fromRate,
    toRate,
    push(samples) {
      if (identity) return samples.slice();
      return toInt16(pushAny(samples));
    },
    flush() {
      if (identity) return new Int16Array(0);
      return toInt16(flushAny());
    },
    pushFloat(samples) {
      if (identity) return samples.slice();
      return Float32Array.from(pushAny(samples));
    },
    flushFloat() {
      if (identity) return new Float32Array(0);
      return Float32Array.from(flushAny());
    },
    reset
  };
}
function resample(samples, fromRate, toRate) {
  const resampler = createResampler({ fromRate, toRate });
  if (samples instanceof Float32Array) {
    const head2 = resampler.pushFloat(samples);
    const tail2 = resampler.flushFloat();
    const out2 = new Float32Array(head2.length + tail2.length);
    out2.set(head2);
    out2.set(tail2, head2.length);
    return out2;
  }
  const head = resampler.push(samples);
  const tail = resampler.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
var framerSchema = z.object({
  sampleRate: z.number().int().positive(),
  frameMs: z.number().positive()
});
function createFramer(options) {
  const parsed = framerSchema.safeParse(options);
  if (!parsed.success) {
    throw new SpeechError("invalid-input", `Invalid framer options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const exact = options.frameMs * options.sampleRate / 1e3;
  const frameSamples = Math.round(exact);
  if (Math.abs(exact - frameSamples) > 1e-9 || frameSamples < 1) {
    throw new SpeechError(
      "invalid-input",
      `A ${options.frameMs} ms frame at ${options.sampleRate} Hz is ${exact} samples; choose a duration that is a whole number of samples.`
    );
  }
  let pending = new Int16Array(frameSamples);
  let filled = 0;
  return {
    frameSamples,
    get pendingSamples() {
      return filled;
    },
    push(samples) {
      const frames = [];
      let offset = 0;
      if (filled > 0) {
        const take = Math.min(frameSamples - filled, samples.length);
        pending.set(samples.subarray(0, take), filled);
        filled += take;
        offset = take;
        if (filled < frameSamples) return frames;
        frames.push(pending);
        pending = new Int16Array(frameSamples);
        filled = 0;
      }
      while (samples.length - offset >= frameSamples) {
        frames.push(samples.slice(offset, offset + frameSamples));
        offset += frameSamples;
      }
      if (offset < samples.length) {
        pending.set(samples.subarray(offset), 0);
        filled = samples.length - offset;
      }
      return frames;
    },
    flush(flushOptions = {}) {
      if (filled === 0) return void 0;
      const frame = flushOptions.pad === true ? pending : pending.slice(0, filled);
      pending = new Int16Array(frameSamples);
      filled = 0;
      return frame;
    },
    reset() {
      pending = new Int16Array(frameSamples);
      filled = 0;
    }
  };
}

// src/segmenter/chars.ts
var chars_exports = {};
__export(chars_exports, {
  CLAUSE: () => CLAUSE,
  CLOSER: () => CLOSER,
  FLAGS: () => FLAGS,
  NL: () => NL,
  OPEN: () => OPEN,
  SPECIAL: () => SPECIAL,
  TERM: () => TERM,
  WS: () => WS,
  isArmenian: () => isArmenian,
  isAsciiDigit: () => isAsciiDigit,
  isAsciiLetter: () => isAsciiLetter,
  isBullet: () => isBullet,
  isCapital: () => isCapital,
  isCjkFullStop: () => isCjkFullStop,
  isDigit: () => isDigit,
  isGreek: () => isGreek,
  isLetter: () => isLetter,
  isLower: () => isLower,
  isMark: () => isMark,
  isNoSpaceScript: () => isNoSpaceScript,
  isQuoteCloser: () => isQuoteCloser,
  isStrongTerminal: () => isStrongTerminal,
  isThai: () => isThai,
  isUnambiguousTerminal: () => isUnambiguousTerminal,
  isWordChar: () => isWordChar
});
var WS = 1;
var NL = 2;
var TERM = 4;
var CLOSER = 8;
var CLAUSE = 16;
var SPECIAL = 32;
var OPEN = 64;
var FLAGS = new Uint8Array(65536);
function set(chars, flag) {
  for (const ch of chars) FLAGS[ch.charCodeAt(0)] |= flag;
}
set(" 	\v\f\xA0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000\uFEFF", WS);
set("\n\r\x85\u2028\u2029", WS | NL);
set(".!?\u2026\u203D\u2047\u2048\u2049\u3002\uFF61\uFF01\uFF1F\uFF0E\u0964\u0965\u061F\u06D4\u037E\u0589\u1362\u104B\u17D4", TERM);
set(`"')]}\u201D\u2019\xBB\u203A\u300D\u300F\uFF09\uFF3D\uFF5D\u3011\u3015\u3009\u300B\u3017\u3019\u301B*_~`, CLOSER);
set(",;:\u2014\u3001\uFF0C\uFF1B\uFF1A\u060C\u061B\u0387\uFE50\uFE51\u2013", CLAUSE);
set("`<~", SPECIAL);
set("\u300C\u300E\u201C\xAB\u2039\uFF08\u3010\u300A\u3008", OPEN);
function isUnambiguousTerminal(c) {
  return c === 12290 || c === 65377 || c === 65281 || c === 65311 || c === 2404 || c === 2405 || c === 1567 || c === 1748 || c === 894 || c === 1417 || c === 4962 || c === 4171 || c === 6100;
}
function isCjkFullStop(c) {
  return c === 12290 || c === 65377;
}
function isStrongTerminal(c) {
  return c === 33 || c === 63 || c === 8253 || c === 8263 || c === 8264 || c === 8265 || c === 65281 || c === 65311 || c === 1567 || c === 894;
}
function isQuoteCloser(c) {
  return c === 34 || c === 39 || c === 8221 || c === 8217 || c === 187 || c === 8250 || c === 12301 || c === 12303;
}
function isNoSpaceScript(cp) {
  return cp >= 12352 && cp <= 12543 || // kana
  cp >= 13312 && cp <= 19903 || cp >= 19968 && cp <= 40959 || cp >= 63744 && cp <= 64255 || cp >= 12288 && cp <= 12351 || // CJK punctuation
  cp >= 65280 && cp <= 65519 || cp >= 131072 && cp <= 201551 || cp >= 3584 && cp <= 3839 || // Thai, Lao
  cp >= 4096 && cp <= 4255 || // Myanmar
  cp >= 6016 && cp <= 6143;
}
function isThai(cp) {
  return cp >= 3585 && cp <= 3839;
}
function isArmenian(cp) {
  return cp >= 1329 && cp <= 1418 || cp >= 64275 && cp <= 64279;
}
function isGreek(cp) {
  return cp >= 880 && cp <= 1023 || cp >= 7936 && cp <= 8191;
}
var LETTER = new RegExp("\\p{L}", "u");
var WORDISH = /[\p{L}\p{N}\p{M}]/u;
var MARK = new RegExp("\\p{M}", "u");
function isLetter(cp) {
  if (!(cp >= 0 && cp <= 1114111)) return false;
  if (cp < 128) return cp >= 65 && cp <= 90 || cp >= 97 && cp <= 122;
  return LETTER.test(String.fromCodePoint(cp));
}
function isWordChar(cp) {
  if (!(cp >= 0 && cp <= 1114111)) return false;
  if (cp < 128) return cp >= 48 && cp <= 57 || cp >= 65 && cp <= 90 || cp >= 97 && cp <= 122;
  return WORDISH.test(String.fromCodePoint(cp));
}
function isMark(cp) {
  if (!(cp >= 0 && cp <= 1114111)) return false;
  if (cp < 768) return false;
  return MARK.test(String.fromCodePoint(cp));
}
function isLower(cp) {
  if (!(cp >= 0 && cp <= 1114111)) return false;
  if (cp < 128) return cp >= 97 && cp <= 122;
  const s = String.fromCodePoint(cp);
  return s !== s.toUpperCase() && s === s.toLowerCase();
}
function isDigit(cp) {
  if (!(cp >= 0 && cp <= 1114111)) return false;
  if (cp < 128) return cp >= 48 && cp <= 57;
  return new RegExp("\\p{Nd}", "u").test(String.fromCodePoint(cp));
}
function isCapital(cp) {
  if (cp < 128) return cp >= 65 && cp <= 90;
  if (!isLetter(cp)) return false;
  const ch = String.fromCodePoint(cp);
  return ch.toLowerCase() !== ch;
}
function isAsciiDigit(c) {
  return c >= 48 && c <= 57;
}
function isAsciiLetter(c) {
  return c >= 97 && c <= 122 || c >= 65 && c <= 90;
}
function isBullet(c) {
  return c === 8226 || c === 8259 || c === 8227 || c === 9702 || c === 9642 || c === 9679;
}

// src/segmenter/lang.ts
var lang_exports = {};
__export(lang_exports, {
  MAX_LOOKAHEAD_WORD: () => MAX_LOOKAHEAD_WORD,
  ROMAN: () => ROMAN,
  getLanguageData: () => getLanguageData,
  isMonth: () => isMonth,
  isStarter: () => isStarter,
  normalizeLanguage: () => normalizeLanguage
});

// src/segmenter/languages.ts
var TABLES = {
  en: {
    never: "e.g i.e viz cf vs mr mrs messrs dr prof rev hon mssrs mmes",
    title: "ms st mt ft gen col capt lt sgt maj cmdr adm gov sen rep pres supt insp det approx ca sr jr fr pvt cpl brig",
    numeric: "no nos nr n\xB0 n\xBA fig figs vol vols p pp ch chap sec sect art eq eqs ex tel ext op para cat ref appx pg",
    suffix: "etc inc ltd co corp llc plc bros esq dept univ assn est al a.m p.m ave blvd rd ph.d m.d b.a m.a b.sc m.sc d.c jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun min hr hrs sq oz lb lbs yr yrs mo mos wk govt intl natl misc e.v ibid"
  },
  de: {
    never: "z.b d.h bzw vgl sog ggf evtl inkl exkl bspw u.u z.t o.\xE4 s.o s.u i.d.r hr hrn fr frl dipl ing bzgl v.a z.zt u.v.m dt gegr mag",
    numeric: "nr s abb kap bd tab abs art ziff tel str hnr pl",
    suffix: "usw u.a etc mio mrd jh jhd n.chr v.chr e.v jan feb m\xE4rz apr aug sept okt nov dez",
    title: "ca"
  },
  fr: {
    never: "mme mlle mm cf p.ex ex env c.-\xE0-d dr pr st ste me",
    numeric: "n n\xB0 p vol chap art fig no t",
    suffix: "etc apr j.-c cie \xE9d janv f\xE9vr avr juil sept oct nov d\xE9c"
  },
  es: {
    never: "sr sra srta sres dr dra ud uds vd vds d\xF1a lic ing arq prof profa excmo excma ilmo p.ej aprox av avda sto sta",
    numeric: "p\xE1g p\xE1gs n\xFAm n p cap art vol tel fig",
    suffix: "etc ee.uu s.a s.l c\xEDa a.c d.c hnos ene feb abr jun jul ago sept oct nov dic"
  },
  it: {
    never: "sig sig.ra sig.na sigg dott dott.ssa prof prof.ssa ing avv arch geom rag on mons p.es es",
    numeric: "pag pagg n nr cap art vol tel fig",
    suffix: "ecc s.p.a s.r.l a.c d.c genn febbr"
  },
  pt: {
    never: "sr sra srta dr dra exmo exma prof profa eng arq v.exa p.ex aprox av",
    numeric: "p\xE1g p\xE1gs n n\xBA art cap vol tel fig",
    suffix: "etc lda ltda s.a a.c d.c s\xE9c"
  },
  nl: {
    never: "dhr mevr mw dr prof ir drs mr ing bijv d.w.z i.p.v m.b.t t.a.v z.g.a m.n resp ca vs evt",
    numeric: "nr blz art fig tel",
    suffix: "enz etc e.d o.a jl b.v n.v ma di wo do vr za zo"
  },
  ru: {
    never: "\u0442.\u0435 \u0442.\u043A \u0442.\u043D \u0442.\u0447 \u043D\u0430\u043F\u0440 \u0441\u043C \u0441\u0440 \u043F\u0440\u043E\u0444 \u0430\u043A\u0430\u0434 \u0434\u043E\u0446 \u0438\u043C \u0443\u043B \u0433-\u043D \u0433-\u0436\u0430 \u0442\u043E\u0432",
    numeric: "\u0434 \u043A\u0432 \u0441\u0442\u0440 \u0441 \u0440\u0438\u0441 \u0442\u0430\u0431\u043B \u0433\u043B \u043F \u0441\u0442 \u0442 \u0432\u044B\u043F \u0447",
    suffix: "\u0442.\u0434 \u0442.\u043F \u0434\u0440 \u043F\u0440 \u0433 \u0433\u0433 \u0432\u0432 \u0432 \u043D.\u044D \u0440\u0443\u0431 \u043A\u043E\u043F \u0442\u044B\u0441 \u043C\u043B\u043D \u043C\u043B\u0440\u0434 \u043C\u0438\u043D \u0441\u0435\u043A"
  },
  uk: {
    never: "\u0442.\u0447 \u043D\u0430\u043F\u0440 \u0434\u0438\u0432 \u0432\u0443\u043B \u043F\u0440\u043E\u0444 \u0456\u043C \u0430\u043A\u0430\u0434 \u0434\u043E\u0446",
    numeric: "\u0441 \u0441\u0442 \u0440\u0438\u0441 \u0442\u0430\u0431\u043B \u043F",
    suffix: "\u0442.\u0434 \u0442.\u043F \u0440 \u0440\u0440 \u0442\u0438\u0441 \u043C\u043B\u043D \u043C\u043B\u0440\u0434 \u0433\u0440\u043D \u043A\u043E\u043F"
  },
  bg: {
    never: "\u0442.\u0435 \u043D\u0430\u043F\u0440 \u043F\u0440\u043E\u0444 \u0443\u043B",
    numeric: "\u0441 \u0441\u0442\u0440",
    suffix: "\u0442.\u043D \u0438 \u0442.\u043D \u0433 \u0433\u0433 \u0445\u0438\u043B \u043C\u043B\u043D \u043C\u043B\u0440\u0434 \u043B\u0432"
  },
  pl: {
    never: "np tzw m.in dr prof in\u017C mgr ks hab doc ul \u015Bw zob por wg tj tzn ds im p\u0142k kpt mjr pp\u0142k \u015Bp al",
    numeric: "nr str s godz poz art ust pkt rys tab t ok",
    suffix: "itd itp r w tys mln mld z\u0142 gr pn p\u0142d wsch zach br ub"
  },
  cs: {
    never: "nap\u0159 tzv tj resp mj p\xED sl ing mgr bc doc prof mudr judr rndr phdr csc drsc ul n\xE1m t\u0159 pop\u0159 ev cca",
    numeric: "\u010D str s r odst p\xEDsm obr tab tel kap",
    suffix: "atd apod aj tis mil mld k\u010D st"
  },
  sk: {
    never: "napr tzv tj resp ing mgr bc doc prof mudr judr ul n\xE1m popr cca",
    numeric: "\u010D str s r ods p\xEDsm obr tab tel",
    suffix: "at\u010F atd a.i tis mil mld st"
  },
  sv: {
    never: "t.ex bl.a s.k dvs f.d jfr resp ca p.g.a fr.o.m t.o.m",
    numeric: "nr s kap tel kl",
    suffix: "osv m.m m.fl o.s.v etc o.l"
  },
  da: {
    never: "f.eks bl.a dvs pga evt ifm mht hhv vha iht ca jf",
    numeric: "nr s kap tel kl",
    suffix: "osv m.m mv o.l etc"
  },
  no: {
    never: "f.eks bl.a dvs pga evt ifm mht hhv vha iht ca jf",
    numeric: "nr s kap tel kl",
    suffix: "osv m.m mv o.l etc"
  },
  fi: {
    never: "esim ks mm ns tri prof dos ts",
    numeric: "n klo s",
    suffix: "jne yms ym v eKr jKr"
  },
  tr: {
    never: "dr prof do\xE7 av yrd sn alb bnb yzb org \xF6rn bkz",
    numeric: "no s sf tel cad sok mah apt",
    suffix: "vb vd yy ltd \u015Fti a.\u015F m.\xF6 m.s vs"
  },
  el: {
    never: "\u03BA \u03BA\u03B1 \u03C0.\u03C7 \u03B4\u03B7\u03BB \u03B2\u03BB \u03B4\u03C1 \u03BA\u03B1\u03B8 \u03B1\u03B3",
    numeric: "\u03B1\u03C1 \u03C3\u03B5\u03BB \u03C4\u03B7\u03BB \u03BA\u03B5\u03C6",
    suffix: "\u03BA\u03BB\u03C0 \u03BA\u03C4\u03BB \u03BA.\u03BB\u03C0 \u03BA.\u03C4.\u03BB \u03BC.\u03C7 \u03C7\u03BB\u03BC \u03B5\u03BA \u03B4\u03B9\u03C3 \u03C7\u03B9\u03BB"
  },
  hi: { never: "\u0921\u0949 \u092A\u094D\u0930\u094B \u0936\u094D\u0930\u0940" },
  id: {
    never: "dr prof ir drs hj sdr sdri yth bpk jl kab kec kel",
    numeric: "no hlm tgl",
    suffix: "dll dsb dst tsb"
  },
  vi: { never: "tp ts ths pgs gs bs" },
  ro: { never: "dl dna dr prof ing str", numeric: "nr p pag", suffix: "etc \u0219.a.m.d" },
  hu: { never: "dr prof pl stb", numeric: "sz o", suffix: "stb kft rt" },
  ca: { never: "sr sra srta dr dra prof p.ex ex av", numeric: "p\xE0g n\xFAm n tel", suffix: "etc aprox febr abr jul set oct nov des" },
  hr: { never: "dr prof npr tj tzv mr ing sv ul", numeric: "br str st", suffix: "itd itsl god sl" },
  bs: { never: "dr prof npr tj tzv mr ing ul", numeric: "br str st", suffix: "itd itsl god" },
  sr: { never: "dr prof npr tj tzv ul \u0434\u0440 \u043F\u0440\u043E\u0444 \u043D\u043F\u0440 \u0442\u0458 \u0442\u0437\u0432 \u0443\u043B", numeric: "br str \u0431\u0440 \u0441\u0442\u0440", suffix: "itd god \u010D \u0438\u0442\u0434 \u0433\u043E\u0434 \u0447" },
  sl: { never: "dr prof npr t.i oz ga gos", numeric: "\u0161t str", suffix: "itd ipd" },
  lt: { never: "dr prof pvz t.y p", numeric: "nr psl", suffix: "ir kt ir t.t m" },
  lv: { never: "dr prof piem t.i", numeric: "nr lpp", suffix: "u.c utt g" },
  et: { never: "dr prof nt nn hr pr", numeric: "nr lk", suffix: "jne jms a" },
  is: { never: "dr prof t.d t.a.m", numeric: "nr bls", suffix: "o.s.frv o.fl" },
  af: { never: "mnr mev me dr prof bv d.w.s", numeric: "nr bl", suffix: "ens" },
  sw: { never: "bw bi dkt prof", numeric: "uk", suffix: "n.k k.m" },
  // Arabic script: single-letter abbreviations (Dr., Prof., page, volume, Hijri and Gregorian years)
  ar: { never: "\u062F \u0623 \u0623.\u062F \u0645.\u062F", numeric: "\u0635 \u062C \u062A", suffix: "\u0647\u0640 \u0642.\u0645" },
  fa: { never: "\u062F \u062F\u06A9\u062A\u0631", numeric: "\u0635 \u062C", suffix: "\u0642.\u0645 \u0647.\u0634 \u0647.\u0642" },
  ur: { never: "\u0688\u0627\u06A9\u0679\u0631", numeric: "\u0635" },
  he: { never: "\u05E4\u05E8\u05D5\u05E4 \u05D3\u05E8", numeric: "\u05E2\u05DE", suffix: "\u05D5\u05DB\u05D5" },
  ka: { never: "\u10D4.\u10D8 \u10D1-\u10DC\u10D8 \u10E5-\u10DC\u10D8", numeric: "\u10D2\u10D5", suffix: "\u10D0.\u10E8" },
  bn: { never: "\u09A1\u09BE \u09A1 \u09AE\u09CB", suffix: "\u0996\u09CD\u09B0\u09BF" },
  ta: { never: "\u0BA4\u0BBF\u0BB0\u0BC1 \u0BA4\u0BBF\u0BB0\u0BC1\u0BAE\u0BA4\u0BBF \u0B9F\u0BBE\u0B95\u0BCD\u0B9F\u0BB0\u0BCD" }
  // Danish, Norwegian, Swedish: Skt. (Sankt) before a name
};
for (const l of ["da", "no", "sv"]) TABLES[l] = { ...TABLES[l], title: `${TABLES[l]?.title ?? ""} skt sct`.trim() };
TABLES["nb"] = TABLES["no"];
TABLES["nn"] = TABLES["no"];
TABLES["ms"] = TABLES["id"];
var LANG_ONLY = {
  it: /* @__PURE__ */ new Set(["es", "on"]),
  fr: /* @__PURE__ */ new Set(["me", "ex", "t", "n", "p", "mm", "pr"]),
  pl: /* @__PURE__ */ new Set(["al", "ok", "w", "r", "im", "por", "ks"]),
  fi: /* @__PURE__ */ new Set(["v", "n", "s", "mm"]),
  tr: /* @__PURE__ */ new Set(["vs", "av", "sn", "org", "d"]),
  cs: /* @__PURE__ */ new Set(["r", "s", "st", "p\xED", "sl", "ev"]),
  sk: /* @__PURE__ */ new Set(["r", "s", "st"]),
  de: /* @__PURE__ */ new Set(["s", "fr", "hr", "dt", "str", "abs", "art", "mag", "pl"]),
  nl: /* @__PURE__ */ new Set(["mr", "ir", "e.d", "o.a", "ma", "di", "wo", "do", "vr", "za", "zo"]),
  sv: /* @__PURE__ */ new Set(["s", "kl", "ca"]),
  da: /* @__PURE__ */ new Set(["s", "kl", "mv"]),
  no: /* @__PURE__ */ new Set(["s", "kl", "mv"]),
  nb: /* @__PURE__ */ new Set(["s", "kl", "mv"]),
  nn: /* @__PURE__ */ new Set(["s", "kl", "mv"]),
  ro: /* @__PURE__ */ new Set(["dl", "p", "str"]),
  hu: /* @__PURE__ */ new Set(["pl", "sz", "o", "rt"]),
  id: /* @__PURE__ */ new Set(["no", "kab", "kel"]),
  ms: /* @__PURE__ */ new Set(["no", "kab", "kel"]),
  ru: /* @__PURE__ */ new Set(["\u043F\u0440", "\u0441\u0442"]),
  lt: /* @__PURE__ */ new Set(["p", "m", "ir kt", "ir"]),
  lv: /* @__PURE__ */ new Set(["g"]),
  et: /* @__PURE__ */ new Set(["a", "nt", "nn", "hr", "pr"]),
  af: /* @__PURE__ */ new Set(["me", "ens"]),
  sw: /* @__PURE__ */ new Set(["bi"]),
  ca: /* @__PURE__ */ new Set(["ex", "n", "av"]),
  sl: /* @__PURE__ */ new Set(["ga", "oz"]),
  hr: /* @__PURE__ */ new Set(["sv", "sl", "st"]),
  bs: /* @__PURE__ */ new Set(["st"]),
  sr: /* @__PURE__ */ new Set(["st"]),
  is: /* @__PURE__ */ new Set(["nr"]),
  es: /* @__PURE__ */ new Set(["n", "p"]),
  pt: /* @__PURE__ */ new Set(["n"]),
  vi: /* @__PURE__ */ new Set(["ts", "bs", "gs"])
};
var ORDINAL_LANGS = /* @__PURE__ */ new Set([
  "de",
  "da",
  "nb",
  "nn",
  "no",
  "fi",
  "cs",
  "sk",
  "pl",
  "hu",
  "hr",
  "sl",
  "sr",
  "bs",
  "tr",
  "is",
  "et",
  "lv",
  "fo"
]);
var STARTERS = new Set(
  // en
  "the this that these those it its it's i we you he she they there here in on at for but and so if when while after before as a an my our your his her their what why how who where which also however then now let let's please yes no not each every some many most all one to with by from of or because since although finally first second third next note today overall thanks thank sure great ok okay do does did is are was were can could would should will may might must just well still even only once both other another such instead meanwhile otherwise besides therefore thus hence again always never sometimes often perhaps maybe unfortunately fortunately additionally furthermore moreover similarly indeed here's there's that's what's i'm i'll i've i'd we're we'll you're don't it'll der die das den dem des es er sie wir ich ihr ein eine einen dann aber und doch auch im am auf mit wenn als dies diese dieser dieses man nach zum zur bitte ja nein danach au\xDFerdem deshalb hier jetzt so zudem allerdings trotzdem le la les il elle ils elles nous vous je un une des ce cette ces mais et puis alors donc dans en pour si quand oui non c'est ensuite enfin cependant pourtant ici aujourd'hui voici voil\xE0 el los las una es esto este esta pero y luego entonces por para cuando s\xED yo nosotros ellos ella \xE9l hay adem\xE1s sin tambi\xE9n aqu\xED ahora lo gli questo questa ma e poi quindi se io noi loro lei lui c'\xE8 inoltre anche qui ora per\xF2 o os um isso mas depois ent\xE3o em eu n\xF3s eles ela ele h\xE1 tamb\xE9m aqui agora por\xE9m de het een dit dat deze maar en dan ook op met als wij ik hij zij ze er nee daarna echter hier nu \u043E\u043D \u043E\u043D\u0430 \u043E\u043D\u0438 \u043C\u044B \u044F \u0432\u044B \u044D\u0442\u043E \u043D\u043E \u0438 \u0430 \u0432 \u043D\u0430 \u043F\u043E \u0434\u043B\u044F \u0435\u0441\u043B\u0438 \u043A\u043E\u0433\u0434\u0430 \u0434\u0430 \u043D\u0435\u0442 \u0442\u0430\u043C \u0442\u0430\u043A \u0437\u0430\u0442\u0435\u043C \u043F\u043E\u0442\u043E\u043C \u0442\u0430\u043A\u0436\u0435 \u043E\u0434\u043D\u0430\u043A\u043E \u0432\u0456\u043D \u0432\u043E\u043D\u0430 \u0432\u043E\u043D\u0438 \u043C\u0438 \u0442\u0438 \u0446\u0435 \u0430\u043B\u0435 \u0442\u0430 \u0456 \u0439 \u0443 to ten ta ona oni my ja ale w po dla je\u015Bli gdy tak nie jest potem jednak je se ale j\xE1 ty on my vy pak proto tak\xE9 bu bir ve ama \u015Fimdi ini itu dan tetapi kami saya dia det den jag vi han hon men och s\xE5".split(/\s+/)
);
var MONTHS = new Set(
  "january february march april may june july august september october november december januar februar m\xE4rz april mai juni juli august september oktober november dezember j\xE4nner janvier f\xE9vrier mars avril juin juillet ao\xFBt septembre octobre novembre d\xE9cembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre janeiro fevereiro mar\xE7o maio junho julho setembro outubro novembro dezembro januari februari maart mei augustus stycznia lutego marca kwietnia maja czerwca lipca sierpnia wrze\u015Bnia pa\u017Adziernika listopada grudnia ledna \xFAnora b\u0159ezna dubna kv\u011Btna \u010Dervna \u010Dervence srpna z\xE1\u0159\xED \u0159\xEDjna listopadu prosince tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kes\xE4kuuta hein\xE4kuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta ocak \u015Fubat mart nisan may\u0131s haziran temmuz a\u011Fustos eyl\xFCl ekim kas\u0131m aral\u0131k jan feb mar apr jun jul aug sep sept oct okt nov dec dez".split(/\s+/)
);
var PREPOSITIONS = Object.fromEntries(
  Object.entries({
    en: "at by before after until till around since from about near on in",
    de: "um gegen ab bis seit vor nach am im",
    fr: "\xE0 vers d\xE8s avant apr\xE8s depuis",
    es: "a hacia desde hasta antes despu\xE9s",
    it: "alle verso dalle fino prima dopo",
    pt: "\xE0s at\xE9 desde antes depois",
    nl: "om tot vanaf sinds voor na"
  }).map(([k, v]) => [k, new Set(v.split(" "))])
);
var ALL_PREPOSITIONS = new Set(Object.values(PREPOSITIONS).flatMap((x) => [...x]));

// src/segmenter/lang.ts
var cache = /* @__PURE__ */ new Map();
function addTable(map, table, skip) {
  const order = ["never", "numeric", "title", "suffix"];
  for (const cls of order) {
    const list = table[cls];
    if (!list) continue;
    for (const raw of list.split(/\s+/)) {
      if (!raw) continue;
      const key = raw.toLowerCase();
      if (skip?.has(key)) continue;
      const prev = map.get(key);
      if (prev === void 0) map.set(key, cls);
      else if (prev !== cls) map.set(key, weaker(prev, cls));
    }
  }
}
function weaker(a, b) {
  const rank = { never: 0, title: 1, numeric: 2, suffix: 3 };
  if (a === "numeric" && b === "title" || a === "title" && b === "numeric") return "title";
  return rank[a] >= rank[b] ? a : b;
}
function getLanguageData(language, extra = []) {
  const key = `${language ?? "*"}|${extra.join("\0")}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const map = /* @__PURE__ */ new Map();
  const own = language !== void 0 ? TABLES[language] : void 0;
  if (own) addTable(map, own, void 0);
  if (language === void 0) {
    for (const [lang, table] of Object.entries(TABLES)) addTable(map, table, LANG_ONLY[lang]);
  } else if (language !== "en") {
    addTable(map, TABLES["en"], own ? LANG_ONLY["en"] : void 0);
  }
  for (const raw of extra) {
    const k = raw.trim().replace(/\.$/, "").toLowerCase();
    if (k) map.set(k, "title");
  }
  const compoundHeads = /* @__PURE__ */ new Set();
  for (const k of map.keys()) {
    const dot = k.indexOf(".");
    if (dot > 0) compoundHeads.add(k.slice(0, dot));
  }
  const data = {
    language,
    abbreviations: map,
    compoundHeads,
    prepositions: language !== void 0 && PREPOSITIONS[language] ? PREPOSITIONS[language] : ALL_PREPOSITIONS,
    ordinals: language !== void 0 && ORDINAL_LANGS.has(language)
  };
  cache.set(key, data);
  return data;
}
function normalizeLanguage(tag) {
  const primary = tag.split(/[-_]/)[0].toLowerCase();
  return primary === "nb" || primary === "nn" ? "no" : primary;
}
function isStarter(word) {
  return STARTERS.has(word.toLowerCase());
}
function isMonth(word) {
  return MONTHS.has(word.toLowerCase());
}
var MAX_LOOKAHEAD_WORD = 14;
var ROMAN = /^(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|x)$/i;

// src/segmenter/pending-text.ts
var { isMark: isMark2 } = chars_exports;
var PendingText = class {
  /** Code units; the pending ones are `[head, head + len)`. */
  codes = new Uint16Array(256);
  /** Index in `codes` of the first pending code unit. */
  head = 0;
  /** Number of pending code units. */
  len = 0;
  /** Absolute utterance offset of the first pending code unit. */
  base = 0;
  /** Appends a delta: copies its code units after the pending ones (cost proportional to the delta). */
  append(delta) {
    const n = delta.length;
    let codes = this.codes;
    let end = this.head + this.len;
    if (end + n > codes.length) {
      const need = this.len + n;
      if (need > codes.length >> 1) {
        let size = codes.length * 2;
        while (size < need * 2) size *= 2;
        const grown = new Uint16Array(size);
        grown.set(codes.subarray(this.head, end));
        codes = this.codes = grown;
      } else codes.copyWithin(0, this.head, end);
      this.head = 0;
      end = this.len;
    }
    for (let i = 0; i < n; i++) codes[end + i] = delta.charCodeAt(i);
    this.len += n;
  }
  /** Releases the first `n` code units. */
  drop(n) {
    this.head += n;
    this.len -= n;
    this.base += n;
  }
  /** Empties the buffer for the next utterance. */
  clear() {
    this.head = 0;
    this.len = 0;
    this.base = 0;
    if (this.codes.length > 65536) this.codes = new Uint16Array(256);
  }
  /** Code unit at pending offset `i`; NaN outside the pending text (like `String#charCodeAt`). */
  unit(i) {
    return i >= 0 && i < this.len ? this.codes[this.head + i] : NaN;
  }
  /** Code point at `i` (joins a surrogate pair; a lone surrogate is returned as is); 0 outside. */
  codePoint(i) {
    const hi = this.unit(i);
    if (hi >= 55296 && hi <= 56319) {
      const lo = this.unit(i + 1);
      if (lo >= 56320 && lo <= 57343) return (hi - 55296 << 10) + (lo - 56320) + 65536;
    }
    return hi === hi ? hi : 0;
  }
  /** Code point ending just before `i` (joins a surrogate pair). */
  codePointBefore(i) {
    const lo = this.unit(i - 1);
    if (lo >= 56320 && lo <= 57343 && i >= 2) {
      const hi = this.unit(i - 2);
      if (hi >= 55296 && hi <= 56319) return (hi - 55296 << 10) + (lo - 56320) + 65536;
    }
    return lo;
  }
  /** The pending text `[a, b)` as a string. */
  slice(a, b) {
    if (a < 0) a = 0;
    if (b > this.len) b = this.len;
    if (b <= a) return "";
    const codes = this.codes;
    const h = this.head + a;
    switch (b - a) {
      case 1:
        return String.fromCharCode(codes[h]);
      case 2:
        return String.fromCharCode(codes[h], codes[h + 1]);
      case 3:
        return String.fromCharCode(codes[h], codes[h + 1], codes[h + 2]);
      case 4:
        return String.fromCharCode(codes[h], codes[h + 1], codes[h + 2], codes[h + 3]);
      default: {
        if (b - a <= 4096) return String.fromCharCode.apply(null, codes.subarray(h, h + b - a));
        let out = "";
        for (let k = a; k < b; k += 4096) out += this.slice(k, Math.min(b, k + 4096));
        return out;
      }
    }
  }
  /** First index of code unit `c` in `[from, to)` of the pending text, or -1. */
  indexOf(c, from, to) {
    const codes = this.codes;
    const h = this.head;
    if (to > this.len) to = this.len;
    for (let i = from > 0 ? from : 0; i < to; i++) if (codes[h + i] === c) return i;
    return -1;
  }
  /** Index of the `-->` that closes an HTML comment, searching from `from`, or -1. */
  indexOfCommentEnd(from) {
    for (let i = Math.max(0, from); i + 2 < this.len; i++) {
      if (this.unit(i) === 45 && this.unit(i + 1) === 45 && this.unit(i + 2) === 62) return i;
    }
    return -1;
  }
  /** True if a cut at `i` would split a surrogate pair or detach a combining mark / joiner. */
  badCut(i) {
    if (i <= 0 || i >= this.len) return false;
    const c = this.unit(i);
    if (c >= 56320 && c <= 57343) return true;
    if (c === 8205 || c === 8419 || c >= 65024 && c <= 65039) return true;
    if (this.unit(i - 1) === 8205) return true;
    if (c >= 55296 && c <= 56319) {
      const cp = this.codePoint(i);
      return cp >= 127995 && cp <= 127999 || cp >= 917536 && cp <= 917631;
    }
    return isMark2(c);
  }
};

// src/segmenter/speakable-syntax.ts
var EXT_PICT = new RegExp("\\p{Extended_Pictographic}", "u");
var MD_SPECIAL = new Uint8Array(128);
for (const ch of "\\`*_~[<|") MD_SPECIAL[ch.charCodeAt(0)] = 1;
var MD_LINE_START = new Uint8Array(128);
for (const ch of "#>-+") MD_LINE_START[ch.charCodeAt(0)] = 1;
var pictBmp;
function isPictBmp(c) {
  if (pictBmp === void 0) {
    pictBmp = new Uint8Array(3072);
    for (let k = 0; k < 3072; k++) if (EXT_PICT.test(String.fromCharCode(8192 + k))) pictBmp[k] = 1;
  }
  return pictBmp[c - 8192] === 1;
}
function isPlain(text, markdown, dropEmoji) {
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (c === 10) {
        lineStart = true;
        continue;
      }
      if (lineStart) {
        if (c === 32 || c === 9) continue;
        lineStart = false;
        if (markdown && MD_LINE_START[c] === 1) return false;
      }
      if (markdown && MD_SPECIAL[c] === 1) return false;
    } else {
      if (lineStart) {
        lineStart = false;
        if (markdown && c === 8226) return false;
      }
      if (dropEmoji && c >= 8192) {
        if (c < 11264) {
          if (c === 8419 || isPictBmp(c)) return false;
        } else if (c >= 55296 && (c <= 57343 || c >= 65024 && c <= 65039)) return false;
        else if (c === 12336 || c === 12349 || c === 12951 || c === 12953) return false;
      }
    }
  }
  return true;
}
function isWs(c) {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 160 || c === 12288 || c >= 8192 && c <= 8202;
}
function isAlnum(c) {
  return c >= 48 && c <= 57 || c >= 65 && c <= 90 || c >= 97 && c <= 122 || c >= 128;
}
function isAsciiPunct(c) {
  return c >= 33 && c <= 47 || c >= 58 && c <= 64 || c >= 91 && c <= 96 || c >= 123 && c <= 126;
}
function emojiLength(s, i) {
  const c = s.charCodeAt(i);
  if (c < 8192) return 0;
  if (c === 65039 || c === 8419) return 1;
  const cp = s.codePointAt(i) ?? c;
  const size = cp > 65535 ? 2 : 1;
  const isRegional = cp >= 127462 && cp <= 127487;
  const isTone = cp >= 127995 && cp <= 127999;
  const isTag = cp >= 917536 && cp <= 917631;
  if (!(isRegional || isTone || isTag || EXT_PICT.test(String.fromCodePoint(cp)))) return 0;
  let j = i + size;
  for (; ; ) {
    const d = s.charCodeAt(j);
    if (d === 65039 || d === 8419) {
      j++;
      continue;
    }
    const dp = s.codePointAt(j) ?? 0;
    if (dp >= 127995 && dp <= 127999 || dp >= 917536 && dp <= 917631 || isRegional && dp >= 127462 && dp <= 127487) {
      j += 2;
      continue;
    }
    if (d === 8205) {
      const np = s.codePointAt(j + 1) ?? 0;
      if (np > 0 && EXT_PICT.test(String.fromCodePoint(np))) {
        j += 1 + (np > 65535 ? 2 : 1);
        continue;
      }
    }
    break;
  }
  return j - i;
}
function fenceRun(text, from, to) {
  let p = from;
  let spaces = 0;
  while (p < to && text.charCodeAt(p) === 32 && spaces < 4) {
    p++;
    spaces++;
  }
  if (spaces > 3) return null;
  const ch = text.charCodeAt(p);
  if (ch !== 96 && ch !== 126) return null;
  let q = p;
  while (q < to && text.charCodeAt(q) === ch) q++;
  if (q - p < 3) return null;
  return { ch, len: q - p };
}
var TABLE_SEP = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
var HR = /^ {0,3}([-*_])( *\1){2,} *$/;
var TAG = /^<\/?[A-Za-z][A-Za-z0-9:_.-]*(\s[^<>]*)?\/?>/;
var COMMENT = /^<!--[\s\S]*?-->/;
var AUTOLINK = /^<((?:https?|ftp|mailto|tel):[^\s<>]*|[^\s<>@]+@[^\s<>]+\.[^\s<>]+)>/;
function findRun(text, from, to, ch, n) {
  let i = from;
  while (i < to) {
    if (text.charCodeAt(i) === ch) {
      let r = i;
      while (r < to && text.charCodeAt(r) === ch) r++;
      if (r - i === n) return i;
      i = r;
    } else i++;
  }
  return -1;
}
function matchBracket(text, open, to, o, c) {
  let depth = 0;
  for (let i = open; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92) {
      i++;
      continue;
    }
    if (ch === o) depth++;
    else if (ch === c) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

// src/segmenter/speakable-convert.ts
var EMPTY_MAP = new Uint32Array(0);
var Builder = class {
  constructor(text, offset) {
    this.text = text;
    this.offset = offset;
  }
  text;
  offset;
  parts = [];
  anchors = [];
  runLenSlot = -1;
  // index in anchors of the open copy run's length
  runOrigEnd = -1;
  len = 0;
  copy(from, to) {
    if (to <= from) return;
    if (this.runLenSlot >= 0 && this.runOrigEnd === from) {
      this.anchors[this.runLenSlot] += to - from;
    } else {
      this.anchors.push(this.len, this.offset + from, to - from);
      this.runLenSlot = this.anchors.length - 1;
    }
    this.runOrigEnd = to;
    this.parts.push(this.text.slice(from, to));
    this.len += to - from;
  }
  insert(str, at) {
    if (!str) return;
    this.anchors.push(this.len, this.offset + at, 0);
    this.runLenSlot = -1;
    this.runOrigEnd = -1;
    this.parts.push(str);
    this.len += str.length;
  }
  finish() {
    const text = this.parts.join("");
    if (!/\S/.test(text)) return { text: "", map: EMPTY_MAP };
    return { text, map: Uint32Array.from(this.anchors) };
  }
};
var Converter = class {
  constructor(text, b, markdown, code, dropEmoji, inFence) {
    this.text = text;
    this.b = b;
    this.markdown = markdown;
    this.code = code;
    this.dropEmoji = dropEmoji;
    this.inFence = inFence;
  }
  text;
  b;
  markdown;
  code;
  dropEmoji;
  inFence;
  fenceCh = 0;
  fenceLen = 0;
  run() {
    const { text } = this;
    const n = text.length;
    if (!this.markdown) {
      this.inline(0, n, false, false);
      return;
    }
    let i = 0;
    while (i < n) {
      const e = text.indexOf("\n", i);
      const lineEnd = e < 0 ? n : e;
      const next = e < 0 ? n : e + 1;
      this.line(i, lineEnd, next);
      i = next;
    }
  }
  line(a, b, next) {
    const { text } = this;
    const fence = fenceRun(text, a, b);
    if (this.inFence) {
      if (fence && (this.fenceCh === 0 || fence.ch === this.fenceCh && fence.len >= this.fenceLen) && /^\s*$/.test(text.slice(a, b).replace(/^\s*[`~]+/, ""))) {
        this.inFence = false;
        return;
      }
      if (this.code === "read") this.copyRaw(a, next);
      return;
    }
    if (fence) {
      this.inFence = true;
      this.fenceCh = fence.ch;
      this.fenceLen = fence.len;
      if (this.code !== "skip" && this.code !== "read") {
        this.b.insert(this.code.endsWith(" ") ? this.code : `${this.code} `, a);
      }
      return;
    }
    const lineText = text.slice(a, b);
    if (lineText.includes("|") && TABLE_SEP.test(lineText)) return;
    if (HR.test(lineText)) return;
    let p = a;
    for (; ; ) {
      while (p < b && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
      if (p < b && text.charCodeAt(p) === 62) {
        p++;
        continue;
      }
      break;
    }
    if (text.charCodeAt(p) === 35) {
      let q = p;
      while (q < b && text.charCodeAt(q) === 35) q++;
      if (q - p <= 6 && (q === b || text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) {
        p = q;
        while (p < b && text.charCodeAt(p) === 32) p++;
        let end = b;
        while (end > p && text.charCodeAt(end - 1) === 32) end--;
        let h = end;
        while (h > p && text.charCodeAt(h - 1) === 35) h--;
        if (h < end && (h === p || text.charCodeAt(h - 1) === 32)) {
          while (h > p && text.charCodeAt(h - 1) === 32) h--;
          this.inline(p, h, false, false);
          this.copyRaw(b, next);
          return;
        }
      }
    } else {
      const c = text.charCodeAt(p);
      if ((c === 45 || c === 42 || c === 43 || c === 8226) && (text.charCodeAt(p + 1) === 32 || text.charCodeAt(p + 1) === 9)) {
        p += 2;
        while (p < b && text.charCodeAt(p) === 32) p++;
        if (/^\[[ xX]\] /.test(text.slice(p, p + 4))) p += 4;
      }
    }
    const table = text.charCodeAt(p) === 124;
    this.inline(p, b, table, true);
    this.copyRaw(b, next);
  }
  copyRaw(a, b) {
    if (!this.dropEmoji) {
      this.b.copy(a, b);
      return;
    }
    this.inline(a, b, false, false, true);
  }
  /** Inline markdown between a and b. */
  inline(a, b, table, md, rawOnly = false) {
    const { text, b: out } = this;
    const markdown = md && this.markdown && !rawOnly;
    let run = a;
    let k = a;
    let tableTrailing = b;
    if (table) {
      while (tableTrailing > a && isWs(text.charCodeAt(tableTrailing - 1))) tableTrailing--;
      if (text.charCodeAt(tableTrailing - 1) !== 124) tableTrailing = b;
      else tableTrailing--;
    }
    while (k < b) {
      const c = text.charCodeAt(k);
      if (c < 128) {
        if (!markdown) {
          k++;
          continue;
        }
        switch (c) {
          case 92: {
            const d = text.charCodeAt(k + 1);
            if (k + 1 < b && isAsciiPunct(d)) {
              out.copy(run, k);
              run = k + 1;
              k += 2;
              continue;
            }
            k++;
            continue;
          }
          case 96: {
            let r = k;
            while (r < b && text.charCodeAt(r) === 96) r++;
            const n = r - k;
            const close = findRun(text, r, b, 96, n);
            out.copy(run, k);
            if (close >= 0) {
              let s = r;
              let e = close;
              if (e - s >= 2 && text.charCodeAt(s) === 32 && text.charCodeAt(e - 1) === 32) {
                s++;
                e--;
              }
              this.inline(s, e, false, false, true);
              k = close + n;
            } else {
              k = r;
            }
            run = k;
            continue;
          }
          case 42:
          case 95:
          case 126: {
            let r = k;
            while (r < b && text.charCodeAt(r) === c) r++;
            const n = r - k;
            const prev = k > a ? text.charCodeAt(k - 1) : 32;
            const next = r < b ? text.charCodeAt(r) : 32;
            const left = !isWs(next);
            const right = !isWs(prev);
            let drop = (left || right) && n <= 3;
            if (c === 126 && n !== 2) drop = false;
            if (c === 95 && isAlnum(prev) && isAlnum(next)) drop = false;
            if (c === 42 && n === 1 && isAlnum(prev) && isAlnum(next) && prev < 128 && next < 128 && (prev <= 57 || next <= 57)) drop = false;
            if (drop) {
              out.copy(run, k);
              run = r;
            }
            k = r;
            continue;
          }
          case 33:
            if (text.charCodeAt(k + 1) === 91) {
              const end = this.link(k + 1, b, run, k);
              if (end > 0) {
                run = k = end;
                continue;
              }
            }
            k++;
            continue;
          case 91: {
            const end = this.link(k, b, run, k);
            if (end > 0) {
              run = k = end;
              continue;
            }
            k++;
            continue;
          }
          case 60: {
            const rest = text.slice(k, Math.min(b, k + 2048));
            const auto = AUTOLINK.exec(rest);
            if (auto) {
              out.copy(run, k);
              out.copy(k + 1, k + auto[0].length - 1);
              k += auto[0].length;
              run = k;
              continue;
            }
            const tag = TAG.exec(rest) ?? COMMENT.exec(rest);
            if (tag) {
              k += tag[0].length;
              continue;
            }
            k++;
            continue;
          }
          case 124:
            if (table) {
              out.copy(run, k);
              const first = !/\S/.test(text.slice(a, k));
              if (!first && k < tableTrailing) out.insert(",", k);
              run = k + 1;
              if (first) {
                while (run < b && isWs(text.charCodeAt(run))) run++;
                k = run;
                continue;
              }
            }
            k++;
            continue;
          default:
            k++;
            continue;
        }
      }
      if (this.dropEmoji) {
        const e = emojiLength(text, k);
        if (e > 0) {
          out.copy(run, k);
          k += e;
          run = k;
          continue;
        }
      }
      k++;
    }
    out.copy(run, b);
  }
  /** Markdown link or image at `k` ('['). Returns the index after it, or -1 if not a link. */
  link(k, b, run, from) {
    const { text, b: out } = this;
    const close = matchBracket(text, k, b, 91, 93);
    if (close < 0) return -1;
    if (text.charCodeAt(k + 1) === 94) {
      out.copy(run, from);
      return close + 1;
    }
    const after = text.charCodeAt(close + 1);
    let end = -1;
    if (after === 40) {
      const paren = matchBracket(text, close + 1, b, 40, 41);
      if (paren < 0) return -1;
      end = paren + 1;
    } else if (after === 91) {
      const ref = matchBracket(text, close + 1, b, 91, 93);
      if (ref < 0) return -1;
      end = ref + 1;
    } else {
      return -1;
    }
    out.copy(run, from);
    this.inline(k + 1, close, false, true);
    return end;
  }
};

// src/segmenter/speakable.ts
function plainSpeakable(text, markdown, dropEmoji) {
  if (!isPlain(text, markdown, dropEmoji)) return null;
  for (let k = 0; k < text.length; k++) if (!isWs(text.charCodeAt(k))) return text;
  return "";
}
function toSpeakable(text, options = {}) {
  const markdown = options.markdown ?? true;
  const dropEmoji = (options.emoji ?? "drop") === "drop";
  if (!options.inFence && isPlain(text, markdown, dropEmoji)) {
    let k = 0;
    while (k < text.length && isWs(text.charCodeAt(k))) k++;
    if (k === text.length) return { text: "", map: EMPTY_MAP };
    return { text, map: Uint32Array.of(0, options.offset ?? 0, text.length) };
  }
  const b = new Builder(text, options.offset ?? 0);
  const conv = new Converter(
    text,
    b,
    options.markdown ?? true,
    options.code ?? "skip",
    (options.emoji ?? "drop") === "drop",
    options.inFence ?? false
  );
  conv.run();
  return b.finish();
}
function mapSpeakableOffset(map, speakableLength, speakableOffset, end) {
  if (speakableOffset >= speakableLength || map.length === 0) return end;
  const i = Math.max(0, Math.floor(speakableOffset));
  let lo = 0;
  let hi = map.length / 3 - 1;
  while (lo < hi) {
    const mid = lo + hi + 1 >> 1;
    if (map[mid * 3] <= i) lo = mid;
    else hi = mid - 1;
  }
  const s = map[lo * 3];
  const o = map[lo * 3 + 1];
  const len = map[lo * 3 + 2];
  if (len === 0) return o;
  return o + Math.min(i - s, len - 1);
}

// src/segmenter/segment.ts
var NO_MAP = new Uint32Array(0);
var SegmentImpl = class {
  /**
   * @param index - index in the utterance
   * @param text - the exact slice of the input
   * @param start - offset of `text` in the utterance
   * @param end - offset after `text`
   * @param reason - why it was cut here
   * @param speakable - what the engine says
   * @param map - anchor map, or `null` when `speakable` is `text` itself
   */
  constructor(index, text, start, end, reason, speakable, map) {
    this.index = index;
    this.text = text;
    this.start = start;
    this.end = end;
    this.reason = reason;
    this.speakable = speakable;
    this.map = map;
  }
  index;
  text;
  start;
  end;
  reason;
  speakable;
  map;
  /** Anchor triples from speakable offsets to original offsets (see {@link Segment.speakableMap}). */
  get speakableMap() {
    if (this.map === null) this.map = this.speakable.length === 0 ? NO_MAP : Uint32Array.of(0, this.start, this.text.length);
    return this.map;
  }
  /** Original offset of `speakable[speakableOffset]` (see {@link Segment.toOriginal}). */
  toOriginal(speakableOffset) {
    return mapSpeakableOffset(this.speakableMap, this.speakable.length, speakableOffset, this.end);
  }
};

// src/segmenter/release-policy.ts
var SAYABLE = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;
function merge(a, b) {
  return { text: a.text + b.text, start: a.start, reason: b.reason, inFence: a.inFence, code: a.code || b.code };
}
var ReleasePolicy = class {
  /** @param options - the resolved segmenter options */
  constructor(options) {
    this.options = options;
  }
  options;
  index = 0;
  /** A short sentence held to be merged with the next piece (speech granularity). */
  held = null;
  /** Punctuation or whitespace waiting to join the next piece. */
  carry = null;
  out = [];
  /** True once a segment with speakable text was released in this utterance. */
  spoken = false;
  /** Takes a cut piece; released segments are collected until {@link ReleasePolicy.take}. */
  accept(piece) {
    const max = this.options.maxLength;
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      if (piece.code || carry.text.length + piece.text.length > max) {
        this.releaseHeld();
        this.release(carry);
      } else piece = merge(carry, piece);
    }
    if (!piece.code && !SAYABLE.test(piece.text)) {
      this.carry = piece;
      return;
    }
    const o = this.options;
    if (o.granularity === "sentence" || o.minLength === 0) {
      this.release(piece);
      return;
    }
    const held = this.held;
    if (held) {
      this.held = null;
      if (piece.code || held.text.length + piece.text.length > max) this.release(held);
      else piece = merge(held, piece);
    }
    if (this.spoken && piece.reason === "sentence" && !piece.code && piece.text.trim().length < o.minLength) {
      this.held = piece;
      return;
    }
    this.release(piece);
  }
  /** Releases the held short sentence, if any (before a code block, on a deadline). */
  releaseHeld() {
    if (this.held) {
      const held = this.held;
      this.held = null;
      this.release(held);
    }
  }
  /** Releases everything still waiting (end of input). */
  flush() {
    if (this.held && this.carry && this.held.text.length + this.carry.text.length <= this.options.maxLength) {
      this.held = merge(this.held, this.carry);
      this.carry = null;
    }
    this.releaseHeld();
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      this.release(carry);
    }
  }
  /** Absolute offset of the held or carried text, or `undefined`. */
  waitingSince() {
    return this.held?.start ?? this.carry?.start;
  }
  /** True when a held sentence waits (it is speakable). */
  holdsSpeech() {
    return this.held !== null;
  }
  /** The segments released since the last call. */
  take() {
    const out = this.out;
    this.out = [];
    return out;
  }
  /** Forgets everything (next utterance). */
  reset() {
    this.index = 0;
    this.held = null;
    this.carry = null;
    this.out = [];
    this.spoken = false;
  }
  release(piece) {
    const o = this.options;
    const end = piece.start + piece.text.length;
    let speakable;
    let map = null;
    const plain = piece.inFence ? null : plainSpeakable(piece.text, o.markdown, o.emoji === "drop");
    if (plain !== null) speakable = plain;
    else {
      const sp = toSpeakable(piece.text, { markdown: o.markdown, code: o.code, emoji: o.emoji, offset: piece.start, inFence: piece.inFence });
      speakable = sp.text;
      map = sp.map;
    }
    if (speakable.length > 0 && !piece.code && !SAYABLE.test(speakable)) {
      speakable = "";
      map = null;
    }
    if (speakable.length > 0) this.spoken = true;
    this.out.push(new SegmentImpl(this.index++, piece.text, piece.start, end, piece.reason, speakable, map));
  }
};

// src/segmenter/scanner-state.ts
var { FLAGS: FLAGS2, NL: NL2, WS: WS2, isNoSpaceScript: isNoSpaceScript2, isQuoteCloser: isQuoteCloser2 } = chars_exports;
var MAX_WS_LOOKAHEAD = 64;
var wordSegmenter;
var ScannerState = class {
  options;
  maxLength;
  readCode;
  /** The pushed text not yet released (positions below are relative to its start). */
  text = new PendingText();
  pos = 0;
  firstContent = -1;
  lineStart = 0;
  lastClause = -1;
  lastSpace = -1;
  quoteDepth = 0;
  guillemets = 0;
  fence = false;
  fenceCh = 0;
  fenceLen = 0;
  fenceOpened = false;
  fenceLineStart = 0;
  segInFence = false;
  inline = 0;
  inlineStart = 0;
  tagStart = -1;
  tagQuote = 0;
  lastToken = "";
  classAt = -1;
  tokenCache = "";
  classCache = "cut";
  // inline list: the last enumerator seen ("1.", "b)", "• 9."), to cut before the next one
  listKind = 0;
  // 0 none, 1 number, 2 letter
  listValue = 0;
  listDelim = 0;
  // 1 ".", 2 ".)", 3 ")"
  listBullet = 0;
  /** Where cut pieces go. */
  policy;
  /** @param options - the resolved options */
  constructor(options) {
    this.options = options;
    this.maxLength = options.maxLength;
    this.readCode = options.code === "read";
    this.policy = new ReleasePolicy(options);
  }
  /** Forgets the utterance (offsets restart at 0). */
  resetState() {
    this.text.clear();
    this.pos = 0;
    this.firstContent = -1;
    this.lineStart = 0;
    this.lastClause = -1;
    this.lastSpace = -1;
    this.quoteDepth = 0;
    this.guillemets = 0;
    this.fence = false;
    this.fenceOpened = false;
    this.segInFence = false;
    this.inline = 0;
    this.tagStart = -1;
    this.policy.reset();
    this.classAt = -1;
    this.listKind = 0;
  }
  wsEnd(from) {
    let w = from;
    while (w < this.text.len && FLAGS2[this.text.unit(w)] & WS2 && w - from < MAX_WS_LOOKAHEAD) w++;
    return w;
  }
  /** Records a clause boundary; in the speech policy may release the first segment. */
  recordClause(at) {
    if (this.firstContent < 0 || at > this.maxLength) return false;
    this.lastClause = at;
    if (this.options.granularity === "speech" && !this.policy.spoken && at >= this.options.firstSegmentMinLength) {
      this.cut(at, "clause");
      return true;
    }
    return false;
  }
  closeQuote(c) {
    if (isQuoteCloser2(c) || c === 65289 || c === 12305 || c === 12299 || c === 12297) {
      if (this.quoteDepth > 0) this.quoteDepth--;
      if (c === 187 && this.guillemets > 0) this.guillemets--;
    }
  }
  commitQuotes(depth, guil) {
    this.quoteDepth = depth;
    this.guillemets = guil;
  }
  forceCut() {
    const max = this.maxLength;
    let at = -1;
    const fc = this.firstContent;
    if (this.lastClause > fc && this.lastClause <= max && this.lastClause >= max * 0.3) at = this.lastClause;
    else if (this.lastSpace > fc && fc >= 0 && this.lastSpace <= max) at = this.lastSpace;
    else if (this.lastClause > fc && this.lastClause <= max) at = this.lastClause;
    if (at <= 0) {
      at = Math.min(max, this.text.len);
      const around = this.text.codePointBefore(at);
      if (isNoSpaceScript2(around)) {
        wordSegmenter ??= new Intl.Segmenter(this.options.language ?? "und", { granularity: "word" });
        const from = Math.max(0, at - 32);
        const slice = this.text.slice(from, Math.min(this.text.len, at + 8));
        let best = -1;
        for (const part of wordSegmenter.segment(slice)) {
          const b = from + part.index;
          if (b > from && b <= at && b > max * 0.5) best = b;
        }
        if (best > 0) at = best;
      }
      while (at > 1 && this.text.badCut(at)) at--;
    }
    this.cut(at, "max-length");
  }
  cut(end, reason) {
    const codeSkip = reason === "code" && !this.readCode;
    if (!codeSkip && end > this.maxLength) end = this.maxLength;
    if (end > this.text.len) end = this.text.len;
    if (end <= 0) return;
    if (!codeSkip && end < this.text.len && this.text.badCut(end)) {
      let e = end;
      while (e > 1 && this.text.badCut(e)) e--;
      end = e;
    }
    const text = this.text.slice(0, end);
    const inFence = this.segInFence;
    for (let k = this.pos; k < end; k++) {
      if (FLAGS2[this.text.unit(k)] & NL2) {
        this.lineStart = k + 1;
        this.quoteDepth = 0;
        this.guillemets = 0;
      }
    }
    this.text.drop(end);
    this.pos = this.pos > end ? this.pos - end : 0;
    this.lineStart -= end;
    this.lastClause = this.lastClause > end ? this.lastClause - end : -1;
    this.lastSpace = this.lastSpace > end ? this.lastSpace - end : -1;
    this.inlineStart -= end;
    this.fenceLineStart -= end;
    if (this.tagStart >= 0) this.tagStart = Math.max(0, this.tagStart - end);
    this.firstContent = -1;
    for (let k = 0; k < this.pos; k++) {
      if (!(FLAGS2[this.text.unit(k)] & WS2)) {
        this.firstContent = k;
        break;
      }
    }
    if (this.fence && this.firstContent < 0 && this.pos > 0) this.firstContent = 0;
    this.segInFence = this.fence;
    const piece = { text, start: this.text.base - end, reason, inFence, code: reason === "code" || inFence };
    this.policy.accept(piece);
  }
};

// src/segmenter/markup-scanner.ts
var { CLAUSE: CLAUSE2, CLOSER: CLOSER2, FLAGS: FLAGS3, NL: NL3, TERM: TERM2, WS: WS3, isLower: isLower2 } = chars_exports;
var MAX_CODE_BLOCK = 4096;
var MarkupScanner = class extends ScannerState {
  onNewline(p, c, eof) {
    const len = this.text.len;
    if (c === 13) {
      if (p + 1 >= len && !eof) return false;
      if (this.text.unit(p + 1) === 10) {
        this.pos = p + 1;
        return true;
      }
    }
    if (this.firstContent < 0) {
      this.lineStart = p + 1;
      this.quoteDepth = 0;
      this.guillemets = 0;
      this.pos = p + 1;
      return true;
    }
    const ls = this.lineStart;
    let kind = "plain";
    let q = Math.max(ls, 0);
    if (ls >= 0) {
      while (q < p && (this.text.unit(q) === 32 || this.text.unit(q) === 9)) q++;
      const h = this.text.unit(q);
      const h1 = this.text.unit(q + 1);
      if (h === 35 || h === 124) kind = "block";
      else if ((h === 45 || h === 42 || h === 43 || h === 8226) && (h1 === 32 || h1 === 9)) kind = "block";
      else if (h >= 48 && h <= 57) {
        let r = q;
        while (r < p && this.text.unit(r) >= 48 && this.text.unit(r) <= 57) r++;
        const d = this.text.unit(r);
        if ((d === 46 || d === 41) && (this.text.unit(r + 1) === 32 || this.text.unit(r + 1) === 9)) kind = "block";
      }
    }
    if (kind === "plain") {
      let e = p;
      while (e > 0 && e > ls) {
        const d = this.text.unit(e - 1);
        if (FLAGS3[d] & (WS3 | CLOSER2)) e--;
        else break;
      }
      const last = e > 0 ? this.text.unit(e - 1) : 0;
      if (e <= ls || e <= 0) {
        kind = "block";
      } else if (FLAGS3[last] & (TERM2 | CLAUSE2)) kind = "block";
    }
    if (kind === "plain") {
      let n = p + 1;
      while (n < len && (this.text.unit(n) === 32 || this.text.unit(n) === 9) && n - p < 16) n++;
      if (n >= len) {
        if (!eof) return false;
        this.cut(len, "line");
        return true;
      }
      const nc = this.text.unit(n);
      if (nc >= 55296 && nc <= 56319 && n + 1 >= len && !eof) return false;
      const ncp = this.text.codePoint(n);
      if (isLower2(ncp)) {
        this.lineStart = p + 1;
        this.lastSpace = p + 1;
        this.pos = p + 1;
        return true;
      }
    }
    const w = this.wsEnd(p + 1);
    let para = false;
    for (let k = p + 1; k < w; k++) if (FLAGS3[this.text.unit(k)] & NL3) para = true;
    this.cut(w, para ? "paragraph" : "line");
    return true;
  }
  onSpecial(p, c, eof) {
    const len = this.text.len;
    if (c === 60) {
      if (p + 1 >= len) {
        if (!eof) return false;
        this.pos = p + 1;
        return true;
      }
      const d = this.text.unit(p + 1);
      if (d >= 65 && d <= 90 || d >= 97 && d <= 122 || d === 47 || d === 33 || d === 63) {
        this.tagStart = p;
        this.tagQuote = 0;
        this.pos = p + 1;
        return true;
      }
      this.pos = p + 1;
      return true;
    }
    let r = p;
    while (r < len && this.text.unit(r) === c) r++;
    if (r >= len && !eof) return false;
    const n = r - p;
    let atLineStart = false;
    if (n >= 3 && this.lineStart >= 0 && p - this.lineStart <= 3) {
      atLineStart = true;
      for (let k = this.lineStart; k < p; k++) if (this.text.unit(k) !== 32) atLineStart = false;
    }
    if (atLineStart) {
      if (this.firstContent >= 0 && this.firstContent < this.lineStart) {
        this.cut(this.lineStart, "line");
        return true;
      }
      this.policy.releaseHeld();
      this.fence = true;
      this.fenceCh = c;
      this.fenceLen = n;
      this.fenceOpened = false;
      this.pos = r;
      return true;
    }
    if (c === 96) {
      this.inline = n;
      this.inlineStart = p;
    }
    this.pos = r;
    return true;
  }
  scanFence(eof) {
    const nl = this.text.indexOf(10, this.pos, this.text.len);
    if (nl < 0) {
      if (!eof) {
        this.pos = this.text.len;
        return false;
      }
      this.fence = false;
      this.cut(this.text.len, "code");
      return true;
    }
    if (!this.fenceOpened) {
      this.fenceOpened = true;
      this.fenceLineStart = nl + 1;
      this.pos = nl + 1;
      return true;
    }
    if (this.isClosingFence(this.fenceLineStart, nl)) {
      this.fence = false;
      this.cut(nl + 1, "code");
      return true;
    }
    if (this.readCode) {
      if (nl + 1 > this.maxLength) {
        this.pos = Math.min(nl + 1, this.text.len);
        this.forceCut();
        return true;
      }
      if (this.firstContent < 0) this.firstContent = 0;
      this.lastClause = nl + 1;
    } else if (nl + 1 > MAX_CODE_BLOCK) {
      this.fenceLineStart = nl + 1;
      this.cut(nl + 1, "code");
      return true;
    }
    this.fenceLineStart = nl + 1;
    this.pos = nl + 1;
    return true;
  }
  isClosingFence(a, b) {
    let p = a;
    while (p < b && this.text.unit(p) === 32 && p - a < 4) p++;
    if (p - a > 3) return false;
    let q = p;
    while (q < b && this.text.unit(q) === this.fenceCh) q++;
    if (q - p < this.fenceLen) return false;
    for (; q < b; q++) {
      const d = this.text.unit(q);
      if (d !== 32 && d !== 9 && d !== 13) return false;
    }
    return true;
  }
  scanInline(eof) {
    const len = this.text.len;
    const lim = len < this.maxLength ? len : this.maxLength;
    let q = this.pos;
    while (q < lim) {
      const d = this.text.unit(q);
      if (d === 10) {
        this.pos = Math.max(0, this.inlineStart + this.inline);
        this.inline = 0;
        return true;
      }
      if (d === 96) {
        let r = q;
        while (r < len && this.text.unit(r) === 96) r++;
        if (r >= len && !eof) {
          this.pos = q;
          return false;
        }
        if (r - q === this.inline) {
          this.inline = 0;
          this.pos = r;
          return true;
        }
        q = r;
        continue;
      }
      q++;
    }
    this.pos = q;
    if (q >= this.maxLength) return true;
    if (eof) {
      this.pos = Math.max(0, this.inlineStart + this.inline);
      this.inline = 0;
      return true;
    }
    return false;
  }
  scanTag(eof) {
    const len = this.text.len;
    const lim = len < this.maxLength ? len : this.maxLength;
    let q = this.pos;
    const ts = this.tagStart;
    if (this.text.unit(ts + 1) === 33 && this.text.unit(ts + 2) === 45 && this.text.unit(ts + 3) === 45) {
      const close = this.text.indexOfCommentEnd(Math.max(q - 2, ts + 4));
      if (close >= 0) {
        this.tagStart = -1;
        this.pos = close + 3;
        return true;
      }
      if (eof || len - this.tagStart > 4096) return this.abandonTag();
      this.pos = Math.max(this.pos, len - 2);
      if (len >= this.maxLength) {
        this.pos = Math.max(this.pos, this.maxLength);
        return true;
      }
      return false;
    }
    while (q < lim) {
      const d = this.text.unit(q);
      if (this.tagQuote !== 0) {
        if (d === this.tagQuote) this.tagQuote = 0;
        else if (d === 10) return this.abandonTag();
        q++;
        continue;
      }
      if (d === 62) {
        this.tagStart = -1;
        this.pos = q + 1;
        return true;
      }
      if (d === 34 || d === 39) this.tagQuote = d;
      else if (d === 10 || d === 60 || q - this.tagStart > 512) return this.abandonTag();
      else if (d === 46 || d === 33 || d === 63) {
        if (q + 1 >= len && !eof) {
          this.pos = q;
          return false;
        }
        if (q + 1 < len && FLAGS3[this.text.unit(q + 1)] & WS3) return this.abandonTag();
      }
      q++;
    }
    this.pos = q;
    if (q >= this.maxLength) return true;
    if (eof) return this.abandonTag();
    return false;
  }
  abandonTag() {
    this.pos = this.tagStart + 1;
    this.tagStart = -1;
    this.tagQuote = 0;
    return true;
  }
};

// src/segmenter/period-rules.ts
var { FLAGS: FLAGS4, NL: NL4, OPEN: OPEN2, WS: WS4, isAsciiDigit: isAsciiDigit2, isAsciiLetter: isAsciiLetter2, isBullet: isBullet2, isCapital: isCapital2, isDigit: isDigit2, isLetter: isLetter2, isLower: isLower3, isWordChar: isWordChar2 } = chars_exports;
var { MAX_LOOKAHEAD_WORD: MAX_LOOKAHEAD_WORD2, ROMAN: ROMAN2, isMonth: isMonth2, isStarter: isStarter2 } = lang_exports;
var ORDINAL_CUES = /* @__PURE__ */ new Set(["der", "die", "das", "dem", "den", "des", "am", "im", "vom", "zum", "zur", "beim", "ab", "bis", "seit"]);
var VOWEL = /[aeiouyаеёиоуыэюяіїєөαεηιουω]/;
var CASED_WORD = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]+$/u;
function looksAbbreviated(token) {
  if (token.length > 6) return false;
  let ascii = true;
  for (let i = 0; i < token.length; i++) {
    const raw = token.charCodeAt(i);
    if (raw >= 128) {
      ascii = false;
      break;
    }
    const c = raw | 32;
    if (c < 97 || c > 122 || c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121) return false;
  }
  if (ascii) return true;
  if (!CASED_WORD.test(token)) return false;
  return !VOWEL.test(token.normalize("NFD").toLowerCase());
}
var WAIT = null;
var PeriodRules = class extends MarkupScanner {
  /**
   * A spaced ellipsis (". . ." or ". . . ."), whose dots start at `p` and whose whitespace ends
   * at `w`: where to cut, or -1 for no cut. Three spaced dots mark an omission inside a sentence;
   * four are a period and an omission. A period attached to its word followed by three spaced dots
   * ("compounds. . . . The") ends the sentence at that period; the omission starts the next one.
   */
  spacedEllipsis(p, dots, w, eof) {
    const next = this.nextWord(w, eof, false);
    if (next === WAIT) return WAIT;
    if (next.kind === "end") return w;
    const upper = isLetter2(next.first) && !isLower3(next.first);
    if (!upper || dots < 4) return -1;
    const attached = p > 0 && isWordChar2(this.text.codePointBefore(p));
    return attached ? p + 2 : w;
  }
  decide(cls, next) {
    if (next.kind === "end") return true;
    const f = next.first;
    const letter = isLetter2(f);
    const lower = letter && isLower3(f);
    const upper = letter && !lower;
    switch (cls) {
      case "numeric":
        return !isDigit2(f) && f !== 35;
      case "suffix":
        return upper && !isMonth2(next.word);
      case "ellipsis":
      case "quoted":
        return upper;
      case "exclaim":
        return !lower;
      case "title":
      case "initial":
        return upper && next.word.length > 0 && isStarter2(next.word) && !(next.word.length === 1 && next.dotAfter);
      case "number":
      case "ordinal":
      case "year":
        if (!upper) return false;
        if (isMonth2(next.word)) return false;
        if (cls === "ordinal") return isStarter2(next.word);
        return true;
      default:
        return true;
    }
  }
  /** Reads the word after whitespace at `w` (skipping opening quotes and brackets). */
  nextWord(w, eof, wordNeeded) {
    const len = this.text.len;
    let q = w;
    while (q < len && q - w < 4) {
      const d = this.text.unit(q);
      if (d === 34 || d === 39 || d === 40 || d === 91 || d === 191 || d === 161 || d === 42 || d === 95 || FLAGS4[d] & OPEN2) q++;
      else break;
    }
    if (q >= len) return eof ? { kind: "end" } : WAIT;
    const fc = this.text.unit(q);
    if (fc >= 55296 && fc <= 56319 && q + 1 >= len && !eof) return WAIT;
    const first = this.text.codePoint(q);
    if (!isLetter2(first)) return { kind: "char", first, word: "", dotAfter: false };
    if (!wordNeeded) return { kind: "char", first, word: "", dotAfter: false };
    let r = q;
    while (r < len && r - q <= MAX_LOOKAHEAD_WORD2) {
      const d = this.text.unit(r);
      if (d === 39 || d === 8217) {
        r++;
        continue;
      }
      const cp = this.text.codePoint(r);
      if (!isWordChar2(cp)) break;
      r += cp > 65535 ? 2 : 1;
    }
    if (r >= len && !eof && r - q <= MAX_LOOKAHEAD_WORD2) return WAIT;
    const word = this.text.slice(q, r);
    return { kind: "char", first, word: word.includes("\u2019") ? word.replace(/’/g, "'") : word, dotAfter: this.text.unit(r) === 46 };
  }
  /** What a single period at `p` (followed by whitespace) means, from the token before it. */
  classifyPeriod(p) {
    if (this.classAt === this.text.base + p) {
      this.lastToken = this.tokenCache;
      return this.classCache;
    }
    const cls = this.classifyPeriodUncached(p);
    this.classAt = this.text.base + p;
    this.classCache = cls;
    this.tokenCache = this.lastToken;
    return cls;
  }
  classifyPeriodUncached(p) {
    let s = p;
    while (s > 0 && p - s < 40) {
      const d = this.text.unit(s - 1);
      if (d === 46 || d === 45 || d === 39 || d === 8217 || d === 176) {
        s--;
        continue;
      }
      const cp = this.text.codePointBefore(s);
      if (!isWordChar2(cp)) break;
      s -= cp > 65535 ? 2 : 1;
    }
    while (s < p && !isWordChar2(this.text.unit(s))) s++;
    this.lastToken = "";
    if (s >= p) return "cut";
    const token = this.text.slice(s, p);
    this.lastToken = token;
    const enumerator = this.isEnumeratorPosition(s);
    const t0 = token.charCodeAt(0);
    if (t0 >= 48 && t0 <= 57) {
      if (/^\d+$/.test(token)) {
        if (enumerator) return "never";
        const b = this.text.unit(s - 1);
        if ((b === 58 || b === 44 || b === 46) && isDigit2(this.text.unit(s - 2))) return "year";
        if (token.length > 2 || this.afterNumericAbbreviation(s)) return "year";
        return this.ordinalContext(s) ? "ordinal" : "number";
      }
      if (/^\d+(\.\d+)+$/.test(token)) return enumerator ? "never" : "cut";
    }
    const lower = token.toLowerCase();
    const abbr = this.options.lang.abbreviations;
    const first = token.codePointAt(0) ?? 0;
    const single = token.length === (first > 65535 ? 2 : 1);
    const initial = single && isCapital2(first) && !isWordChar2(this.text.codePointBefore(s)) && this.text.unit(s - 1) !== 176;
    if (initial && this.text.unit(s - 1) === 32 && this.text.unit(s - 2) === 46 && isCapital2(this.text.codePointBefore(s - 2)) && !isWordChar2(this.text.codePointBefore(s - 3))) {
      return "initial";
    }
    if (token.length <= 4 && !token.includes(".") && s >= 3 && this.text.unit(s - 1) === 32 && this.text.unit(s - 2) === 46) {
      let t = s - 2;
      while (t > 0 && s - 2 - t < 6 && isWordChar2(this.text.unit(t - 1))) t--;
      if (t < s - 2) {
        const compound = `${this.text.slice(t, s - 2).toLowerCase()}.${lower}`;
        const hit2 = abbr.get(compound);
        if (hit2 !== void 0) return hit2;
      }
    }
    const hit = abbr.get(lower);
    if (hit !== void 0) return hit;
    if (enumerator && (single || token.length <= 4 && ROMAN2.test(token))) return "never";
    if (single) return initial ? "initial" : isLower3(first) ? "suffix" : "cut";
    if (token.charCodeAt(1) === 46 && new RegExp("^(?:\\p{L}\\.)+\\p{L}$", "u").test(token)) return "initial";
    if (looksAbbreviated(token)) return "suffix";
    if (token.length > 6 && isCapital2(first) && /^.[\p{Ll}]+$/u.test(token) && /[bcdfghjklmnpqrstvwxzß]{3}$/.test(token)) return "numeric";
    if (token.length <= 4 && isCapital2(first) && CASED_WORD.test(token) && token.slice(1) === token.slice(1).toLowerCase()) return "numeric";
    return "cut";
  }
  /**
   * True when the pending sentence up to the period at `p` is at most three words, starts with a
   * preposition of the language and holds a number ("At 5 a.m.", "Gegen 9 Uhr."): a fronted time
   * phrase, not a sentence.
   */
  isFrontedPhrase(p) {
    const from = this.firstContent;
    if (from < 0 || p - from > 32) return false;
    let words = 0;
    let firstEnd = -1;
    let digit = false;
    for (let k = from; k < p; k++) {
      if (isAsciiDigit2(this.text.unit(k))) digit = true;
      const ws = (FLAGS4[this.text.unit(k)] & WS4) !== 0;
      if (!ws && (k === from || FLAGS4[this.text.unit(k - 1)] & WS4)) words++;
      if (ws && firstEnd < 0) firstEnd = k;
    }
    if (words > 3 || firstEnd < 0 || !digit) return false;
    return this.options.lang.prepositions.has(this.text.slice(from, firstEnd).toLowerCase());
  }
  /**
   * True when the number token at `s` follows a word that makes it a German ordinal ("am 3.",
   * "das 21."): in languages that write ordinals with a period, or when no language is set.
   */
  ordinalContext(s) {
    if (this.options.lang.ordinals) return true;
    if (this.options.language !== void 0) return false;
    if (this.text.unit(s - 1) !== 32) return false;
    let t = s - 1;
    while (t > 0 && s - 1 - t < 5 && isLetter2(this.text.unit(t - 1))) t--;
    if (t === s - 1 || t > 0 && isWordChar2(this.text.codePointBefore(t))) return false;
    return ORDINAL_CUES.has(this.text.slice(t, s - 1).toLowerCase());
  }
  /**
   * An enumerator ("1.", "1.)", "2)", "b.", "• 10.") whose delimiter starts at `p`: at a segment
   * or line start it starts an inline list (`start`); when it continues the list (next number or
   * letter, same delimiter and bullet) it ends the item before it (`cut`, before the marker).
   */
  onEnumerator(p, eof) {
    const len = this.text.len;
    let e = p + 1;
    let delim = this.text.unit(p) === 41 ? 3 : 1;
    if (delim === 1 && this.text.unit(e) === 41) {
      e++;
      delim = 2;
    }
    let s = p;
    while (s > 0 && p - s < 4 && isAsciiDigit2(this.text.unit(s - 1))) s--;
    let kind = 0;
    let value = 0;
    if (s < p) {
      if (p - s > 3 || isWordChar2(this.text.codePointBefore(s))) return "none";
      kind = 1;
      value = Number(this.text.slice(s, p));
    } else {
      const c = this.text.unit(p - 1);
      if (!isAsciiLetter2(c) || isWordChar2(this.text.codePointBefore(p - 1))) return "none";
      kind = 2;
      value = c;
      s = p - 1;
    }
    let m = s;
    let bullet = 0;
    if (isBullet2(this.text.unit(s - 1))) m = s - 1;
    else if (this.text.unit(s - 1) === 32 && isBullet2(this.text.unit(s - 2))) m = s - 2;
    if (m < s) bullet = this.text.unit(m);
    else if (s > 0 && !(FLAGS4[this.text.unit(s - 1)] & WS4) && this.text.unit(s - 1) !== 40) return "none";
    if (e >= len) return eof ? "none" : "wait";
    if (this.text.unit(e) !== 32) return "none";
    const continues = this.listKind === kind && value === this.listValue + 1 && this.listDelim === delim && this.listBullet === bullet;
    if (continues && m > 0 && FLAGS4[this.text.unit(m - 1)] & WS4) {
      this.listValue = value;
      this.cut(m, "sentence");
      return "cut";
    }
    if (bullet !== 0 || this.isEnumeratorPosition(m)) {
      this.listKind = kind;
      this.listValue = value;
      this.listDelim = delim;
      this.listBullet = bullet;
      this.pos = e;
      return "start";
    }
    return "none";
  }
  /** True when the number at `s` follows a reference abbreviation ("br. 3.", "Nr. 5."): a cardinal. */
  afterNumericAbbreviation(s) {
    if (this.text.unit(s - 1) !== 32 || this.text.unit(s - 2) !== 46) return false;
    let t = s - 2;
    while (t > 0 && s - 2 - t < 6 && isWordChar2(this.text.codePointBefore(t))) t--;
    if (t === s - 2) return false;
    return this.options.lang.abbreviations.get(this.text.slice(t, s - 2).toLowerCase()) === "numeric";
  }
  /** True when a token starting at `s` stands at a line start, segment start or after a colon. */
  isEnumeratorPosition(s) {
    let k = s;
    while (k > 0) {
      const d2 = this.text.unit(k - 1);
      if ((FLAGS4[d2] & (WS4 | NL4)) === WS4 || d2 === 62 || d2 === 40 || isBullet2(d2)) k--;
      else break;
    }
    if (k === 0) return true;
    const d = this.text.unit(k - 1);
    return d === 10 || d === 58 && k < s;
  }
};

// src/segmenter/boundaries.ts
var { CLAUSE: CLAUSE3, CLOSER: CLOSER3, FLAGS: FLAGS5, NL: NL5, OPEN: OPEN3, SPECIAL: SPECIAL2, TERM: TERM3, WS: WS5, isArmenian: isArmenian2, isCapital: isCapital3, isCjkFullStop: isCjkFullStop2, isDigit: isDigit3, isGreek: isGreek2, isLetter: isLetter3, isLower: isLower4, isNoSpaceScript: isNoSpaceScript3, isQuoteCloser: isQuoteCloser3, isStrongTerminal: isStrongTerminal2, isThai: isThai2, isUnambiguousTerminal: isUnambiguousTerminal2 } = chars_exports;
var THAI_CONJUNCTIONS = ["\u0E41\u0E15\u0E48", "\u0E41\u0E25\u0E30", "\u0E2B\u0E23\u0E37\u0E2D", "\u0E0B\u0E36\u0E48\u0E07", "\u0E40\u0E1E\u0E23\u0E32\u0E30", "\u0E08\u0E36\u0E07", "\u0E16\u0E49\u0E32", "\u0E42\u0E14\u0E22", "\u0E40\u0E1E\u0E37\u0E48\u0E2D", "\u0E27\u0E48\u0E32", "\u0E17\u0E35\u0E48"];
var BoundaryScanner = class extends PeriodRules {
  scan(eof) {
    for (; ; ) {
      const len = this.text.len;
      if (this.pos >= len) return;
      if (this.fence) {
        if (!this.scanFence(eof)) return;
        continue;
      }
      if (this.pos >= this.maxLength) {
        this.forceCut();
        continue;
      }
      if (this.inline > 0) {
        if (!this.scanInline(eof)) return;
        continue;
      }
      if (this.tagStart >= 0) {
        if (!this.scanTag(eof)) return;
        continue;
      }
      let p = this.pos;
      const lim = len < this.maxLength ? len : this.maxLength;
      const codes = this.text.codes;
      const h = this.text.head;
      let c = 0;
      if (this.firstContent >= 0) {
        while (p < lim) {
          c = codes[h + p];
          if (FLAGS5[c] === 0) p++;
          else if (c === 32 && p > 0) {
            const b = codes[h + p - 1];
            if (FLAGS5[b] === 0 && b < 3584) this.lastSpace = ++p;
            else break;
          } else break;
        }
      } else {
        while (p < lim && FLAGS5[codes[h + p]] === 0) p++;
        if (p > this.pos) this.firstContent = this.pos;
      }
      this.pos = p;
      if (p >= lim) continue;
      c = codes[h + p];
      const f = FLAGS5[c];
      let ok;
      if (f & WS5) ok = this.onWhitespace(p, c, eof);
      else {
        if (this.firstContent < 0) this.firstContent = p;
        if (f & TERM3) ok = this.onTerminal(p, eof, false);
        else if (f & SPECIAL2) ok = this.onSpecial(p, c, eof);
        else if (f & CLAUSE3) ok = this.onClause(p, c, eof);
        else {
          if (f & OPEN3) {
            this.quoteDepth++;
            if (c === 171) this.guillemets++;
          } else if (f & CLOSER3) {
            if (c === 41) {
              const en = this.onEnumerator(p, eof);
              if (en === "wait") return;
              if (en !== "none") continue;
            }
            this.closeQuote(c);
          }
          this.pos = p + 1;
          ok = true;
        }
      }
      if (!ok) return;
    }
  }
  onWhitespace(p, c, eof) {
    if (FLAGS5[c] & NL5) return this.onNewline(p, c, eof);
    if (p > 0) {
      const prev = this.text.unit(p - 1);
      if (!(FLAGS5[prev] & WS5)) {
        if (prev === 44 || prev === 59 || prev === 58 || prev === 1548 || prev === 1563 || prev === 903) {
          if (!(prev === 44 && isDigit3(this.text.unit(p - 2)) && isDigit3(this.text.unit(p + 1)))) {
            if (this.recordClause(p + 1)) return true;
          }
        } else if ((prev === 45 || prev === 8211 || prev === 8212) && p >= 2 && FLAGS5[this.text.unit(p - 2)] & WS5) {
          if (this.recordClause(p + 1)) return true;
        } else if (this.firstContent >= 0) {
          const pcp = this.text.codePointBefore(p);
          if (isThai2(pcp) && !(pcp === 3631 && this.text.unit(p - 2) !== 3621)) {
            if (p + 1 >= this.text.len) {
              if (!eof) return false;
            } else if (isThai2(this.text.codePoint(p + 1))) {
              const joined = this.thaiConjunctionAt(p + 1, eof);
              if (joined === null) return false;
              if (!joined) {
                this.cut(this.wsEnd(p), "sentence");
                return true;
              }
            }
          }
        }
      }
    }
    if (this.firstContent >= 0) this.lastSpace = p + 1;
    this.pos = p + 1;
    return true;
  }
  /** Whether a Thai conjunction starts at `at`; `null` when more text is needed to tell. */
  thaiConjunctionAt(at, eof) {
    const avail = this.text.len - at;
    for (const word of THAI_CONJUNCTIONS) {
      const n = Math.min(word.length, avail);
      let k = 0;
      while (k < n && this.text.unit(at + k) === word.charCodeAt(k)) k++;
      if (k === word.length) return true;
      if (k === avail && !eof) return null;
    }
    return false;
  }
  onClause(p, c, eof) {
    if (c === 59 && p > 0) {
      let k = p;
      while (k > 0 && FLAGS5[this.text.unit(k - 1)] & CLOSER3) k--;
      if (k > 0 && isGreek2(this.text.codePointBefore(k))) return this.onTerminal(p, eof, true);
    }
    if (c === 58 && p > 0 && isArmenian2(this.text.codePointBefore(p))) {
      if (p + 1 >= this.text.len && !eof) return false;
      if (p + 1 >= this.text.len || FLAGS5[this.text.unit(p + 1)] & WS5) return this.onTerminal(p, eof, true);
    }
    if (c === 12289 || c === 65292 || c === 65307 || c === 65306 || c === 8212 || c === 65104 || c === 65105) {
      if (this.recordClause(p + 1)) return true;
    }
    this.pos = p + 1;
    return true;
  }
  onTerminal(p, eof, greekQuestion) {
    const len = this.text.len;
    if (!greekQuestion && this.text.unit(p) === 46) {
      const en = this.onEnumerator(p, eof);
      if (en !== "none") return en !== "wait";
      const open = this.text.unit(p - 1);
      if (open === 91 || open === 40) {
        let k = p;
        while (k < len && (this.text.unit(k) === 46 || this.text.unit(k) === 8230)) k++;
        if (k >= len && !eof) return false;
        if (k - p >= 2 && (this.text.unit(k) === 93 || this.text.unit(k) === 41)) {
          this.pos = k;
          return true;
        }
      }
    }
    let j = p;
    let strong = greekQuestion;
    let exclaim = false;
    let spacedDots = false;
    let bracketClosed = false;
    let dots = 0;
    let ellipsis = false;
    let unambiguous = greekQuestion;
    let cjkStop = false;
    let quoteClosed = false;
    let depth = this.quoteDepth;
    let guil = this.guillemets;
    if (greekQuestion) j++;
    for (; ; ) {
      while (j < len) {
        const d = this.text.unit(j);
        const fl = FLAGS5[d];
        if (fl & TERM3) {
          if (d === 46) dots++;
          else if (d === 8230) ellipsis = true;
          if (isStrongTerminal2(d)) {
            strong = true;
            if (d === 33 || d === 63) exclaim = true;
          }
          if (isUnambiguousTerminal2(d)) unambiguous = true;
          if (isCjkFullStop2(d)) cjkStop = true;
          j++;
        } else if (fl & CLOSER3) {
          if (isQuoteCloser3(d) || d === 41 || d === 93) {
            if (isQuoteCloser3(d)) quoteClosed = true;
            else bracketClosed = true;
            if (depth > 0) depth--;
            if (d === 187 && guil > 0) guil--;
          }
          j++;
        } else if (d === 32 && this.text.unit(j - 1) === 46) {
          if (j + 1 >= len) {
            if (!eof) return false;
            break;
          }
          if (this.text.unit(j + 1) !== 46) break;
          const after = this.text.unit(j + 2);
          if (j + 2 >= len && !eof) return false;
          if (!(j + 2 >= len || after === 46 || after === 32 || FLAGS5[after] & (WS5 | CLOSER3))) break;
          spacedDots = true;
          j++;
        } else if (d === 60 && j + 1 >= len && !eof) {
          return false;
        } else if (d === 60 && j + 1 < len && this.text.unit(j + 1) === 47) {
          const gt = this.text.indexOf(62, j, j + 65);
          if (gt < 0 && len - j < 64 && !eof && /^<\/[A-Za-z0-9:_-]*$/.test(this.text.slice(j, len))) return false;
          if (gt < 0 || !/^[A-Za-z][A-Za-z0-9:_-]*$/.test(this.text.slice(j + 2, gt))) break;
          j = gt + 1;
        } else if ((d === 8220 || d === 8216 || d === 171 || d === 8249) && j > p) {
          quoteClosed = true;
          if (d === 8220 && depth > 0) depth--;
          j++;
        } else break;
      }
      if (dots >= 2) ellipsis = true;
      if (j >= len) {
        if (eof) {
          this.commitQuotes(depth, guil);
          this.cut(len, "sentence");
          return true;
        }
        const last = this.text.unit(j - 1);
        if (cjkStop && !strong && depth === 0 && last !== 12301 && last !== 12303) {
          this.commitQuotes(depth, guil);
          this.cut(j, "sentence");
          return true;
        }
        return false;
      }
      const n = this.text.unit(j);
      if (!(FLAGS5[n] & WS5)) {
        if (n >= 55296 && n <= 56319 && j + 1 >= len && !eof) return false;
        const ncp = this.text.codePoint(j);
        let cutHere = unambiguous;
        const before = this.text.unit(j - 1);
        if ((before === 12301 || before === 12303) && (n === 12392 || n === 12387)) cutHere = false;
        if (!cutHere && strong && !ellipsis) {
          const k = p > 0 ? this.text.codePointBefore(p) : 0;
          cutHere = isNoSpaceScript3(ncp) || isNoSpaceScript3(k);
        }
        if (!cutHere && dots === 1 && !strong && isNoSpaceScript3(ncp) && p > 0 && isNoSpaceScript3(this.text.codePointBefore(p))) cutHere = true;
        this.commitQuotes(depth, guil);
        if (cutHere) {
          this.cut(j, "sentence");
          return true;
        }
        this.pos = j;
        return true;
      }
      const w = this.wsEnd(j);
      if (w >= len && this.text.unit(w - 1) === 13 && !eof) return false;
      let nl = false;
      for (let k = j; k < w; k++) if (FLAGS5[this.text.unit(k)] & NL5) nl = true;
      if (guil > 0 && !nl) {
        if (w >= len && !eof) return false;
        if (w < len && this.text.unit(w) === 187) {
          j = w;
          continue;
        }
      }
      const end = w;
      if (nl || unambiguous) return this.finishCut(end, depth, guil);
      let cls;
      if (spacedDots) {
        const spaced = this.spacedEllipsis(p, dots, w, eof);
        if (spaced === WAIT) return false;
        if (spaced < 0) {
          this.commitQuotes(depth, guil);
          this.pos = j;
          return true;
        }
        return this.finishCut(spaced, depth, guil);
      }
      if (strong) cls = quoteClosed || bracketClosed ? "quoted" : exclaim ? "exclaim" : "cut";
      else if (ellipsis) cls = bracketClosed ? "quoted" : "ellipsis";
      else {
        cls = this.classifyPeriod(p);
        if (cls === "cut" && (quoteClosed || bracketClosed)) cls = "quoted";
        if (cls === "suffix" && this.isFrontedPhrase(p)) cls = "never";
        if (cls !== "never" && this.lastToken.length <= 4 && this.options.lang.compoundHeads.has(this.lastToken.toLowerCase())) {
          if (w - j >= MAX_WS_LOOKAHEAD) return this.finishCut(w, depth, guil);
          const nx = this.nextWord(w, eof, true);
          if (nx === WAIT) return false;
          if (nx.kind === "char" && nx.dotAfter && nx.word.length <= 4 && this.options.lang.abbreviations.has(`${this.lastToken.toLowerCase()}.${nx.word.toLowerCase()}`)) {
            cls = "never";
          }
        }
      }
      if (cls === "cut") return this.finishCut(end, depth, guil);
      if (cls === "never") {
        this.commitQuotes(depth, guil);
        this.pos = j;
        return true;
      }
      if (w - j >= MAX_WS_LOOKAHEAD) return this.finishCut(end, depth, guil);
      let next = this.nextWord(w, eof, false);
      if (next === WAIT) return false;
      const singleLetter = this.lastToken.length === 1;
      if (next.kind === "char" && (cls === "title" || cls === "initial" || cls === "number" || cls === "ordinal" || cls === "year" || cls === "suffix" || singleLetter) && isLetter3(next.first) && !isLower4(next.first)) {
        next = this.nextWord(w, eof, true);
        if (next === WAIT) return false;
        if (singleLetter && next.kind === "char" && next.dotAfter && next.word.length === 1 && isCapital3(next.first) && isCapital3(this.lastToken.charCodeAt(0))) {
          this.commitQuotes(depth, guil);
          this.pos = j;
          return true;
        }
      }
      if (this.decide(cls, next)) return this.finishCut(end, depth, guil);
      this.commitQuotes(depth, guil);
      this.pos = j;
      return true;
    }
  }
  finishCut(end, depth, guil) {
    this.commitQuotes(depth, guil);
    this.cut(end, "sentence");
    return true;
  }
};

// src/segmenter/types.ts
var SegmenterOptionsError = class extends RangeError {
  /** The offending option name. */
  option;
  /** @param option - option name; @param message - what is wrong. */
  constructor(option, message) {
    super(`Invalid segmenter option "${option}": ${message}`);
    this.name = "SegmenterOptionsError";
    this.option = option;
  }
};

// src/segmenter/options.ts
var { getLanguageData: getLanguageData2, normalizeLanguage: normalizeLanguage2 } = lang_exports;
var int = (min, max) => z.number({ error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` }).int({ error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` }).min(min, { error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` }).max(max, { error: (i) => `expected an integer from ${min} to ${max}, got ${describe(i.input)}` });
function describe(v) {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}
var OPTION_SCHEMAS = {
  language: z.string({ error: (i) => `expected a BCP 47 tag such as "en" or "de-AT", got ${describe(i.input)}` }).regex(/^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/, { error: (i) => `expected a BCP 47 tag such as "en" or "de-AT", got ${describe(i.input)}` }),
  granularity: z.enum(["sentence", "speech"], { error: (i) => `expected 'sentence' or 'speech', got ${describe(i.input)}` }),
  maxLength: int(8, 1e6),
  firstSegmentMinLength: z.union([z.literal(false), int(1, 1e6)], {
    error: (i) => `expected false or a positive integer, got ${describe(i.input)}`
  }),
  minLength: int(0, 1e6),
  markdown: z.boolean({ error: "expected a boolean" }),
  code: z.string({ error: "expected 'skip', 'read' or a phrase" }),
  emoji: z.enum(["drop", "keep"], { error: (i) => `expected 'drop' or 'keep', got ${describe(i.input)}` }),
  abbreviations: z.array(z.string(), { error: "expected an array of strings" })
};
function parse(name, value) {
  const r = OPTION_SCHEMAS[name].safeParse(value);
  if (!r.success) throw new SegmenterOptionsError(name, r.error.issues[0]?.message ?? "invalid");
  return r.data;
}
function resolveOptions(options) {
  if (options === void 0 || options === null) options = {};
  if (typeof options !== "object") throw new SegmenterOptionsError("options", "must be an object");
  for (const key of Object.keys(options)) {
    if (!(key in OPTION_SCHEMAS)) {
      throw new SegmenterOptionsError(key, `unknown option (known: ${Object.keys(OPTION_SCHEMAS).join(", ")})`);
    }
  }
  const o = options;
  const opt = (name) => o[name] === void 0 ? void 0 : parse(name, o[name]);
  const language = opt("language");
  const maxLength = opt("maxLength") ?? 200;
  const first = opt("firstSegmentMinLength");
  if (typeof first === "number" && first > maxLength) {
    throw new SegmenterOptionsError("firstSegmentMinLength", `expected an integer from 1 to maxLength (${maxLength}), got ${first}`);
  }
  const minLength = opt("minLength") ?? 20;
  if (o.minLength !== void 0 && minLength > maxLength) throw new SegmenterOptionsError("minLength", `expected an integer from 0 to maxLength (${maxLength}), got ${minLength}`);
  const primary = language === void 0 ? void 0 : normalizeLanguage2(language);
  return {
    language: primary,
    granularity: opt("granularity") ?? "speech",
    maxLength,
    firstSegmentMinLength: first === false ? Infinity : first ?? 24,
    minLength,
    markdown: opt("markdown") ?? true,
    code: opt("code") ?? "skip",
    emoji: opt("emoji") ?? "drop",
    lang: getLanguageData2(primary, opt("abbreviations") ?? [])
  };
}

// src/segmenter/segmenter.ts
var { CLOSER: CLOSER4, FLAGS: FLAGS6, TERM: TERM4, WS: WS6, isWordChar: isWordChar3 } = chars_exports;
var StreamingSegmenter = class extends BoundaryScanner {
  push(delta) {
    if (typeof delta !== "string") throw new TypeError(`Segmenter.push expects a string, got ${typeof delta}`);
    if (delta.length > 0) {
      this.text.append(delta);
      this.scan(false);
    }
    return this.policy.take();
  }
  releaseNow() {
    this.policy.releaseHeld();
    if (!this.fence) {
      const fc = this.firstContent;
      let at = -1;
      if (this.lastClause > fc && fc >= 0) at = this.lastClause;
      else if (this.lastSpace > fc && fc >= 0) at = this.lastSpace;
      const whole = this.waitsOnPlainSentenceEnd();
      if (whole) at = this.text.len;
      if (at > 0 && (whole || at <= this.pos)) this.cut(at, "deadline");
    }
    return this.policy.take();
  }
  /**
   * True when the scanner waits at a sentence end that is all that is left ("Hello world." with
   * nothing after it yet) and the word before it is a plain word: not a number, an abbreviation, an
   * initial, a URL, an e-mail address or a file name, so releasing through it splits nothing.
   */
  waitsOnPlainSentenceEnd() {
    const t = this.text;
    const p = this.pos;
    if (this.inline > 0 || this.tagStart >= 0 || p >= t.len || !(FLAGS6[t.unit(p)] & TERM4)) return false;
    let k = p;
    while (k < t.len && FLAGS6[t.unit(k)] & (TERM4 | CLOSER4)) k++;
    while (k < t.len && FLAGS6[t.unit(k)] & WS6) k++;
    if (k < t.len) return false;
    const c = t.unit(p);
    if (c !== 46) return c !== 8230;
    if (t.unit(p + 1) === 46) return false;
    let s = p;
    while (s > 0 && isWordChar3(t.codePointBefore(s))) s -= t.codePointBefore(s) > 65535 ? 2 : 1;
    const before = t.unit(s - 1);
    if (s === p || !(s === 0 || FLAGS6[before] & WS6 || before === 34 || before === 40)) return false;
    for (let i = s; i < p; i++) if (t.unit(i) >= 48 && t.unit(i) <= 57) return false;
    return this.classifyPeriod(p) === "cut";
  }
  firstPendingSpeakable() {
    const waiting = this.policy.holdsSpeech() ? this.policy.waitingSince() : void 0;
    if (waiting !== void 0) return waiting;
    if (this.fence && !this.readCode) return void 0;
    const codes = this.text.codes;
    const h = this.text.head;
    for (let k = 0; k < this.text.len; k++) {
      const c = codes[h + k];
      if (c >= 48 && c <= 57 || (c | 32) >= 97 && (c | 32) <= 122 || c >= 128 && !(FLAGS6[c] & WS6)) return this.text.base + k;
    }
    return void 0;
  }
  end() {
    this.scan(true);
    if (this.fence) {
      this.fence = false;
      if (this.text.len > 0) this.cut(this.text.len, "code");
    }
    while (this.text.len > 0) {
      if (this.text.len > this.maxLength) {
        this.pos = Math.max(this.pos, this.maxLength);
        this.forceCut();
      } else this.cut(this.text.len, "end");
    }
    this.policy.flush();
    const out = this.policy.take();
    this.reset();
    return out;
  }
  reset() {
    this.resetState();
  }
};
function createSegmenter(options) {
  return new StreamingSegmenter(resolveOptions(options));
}
function segmentText(text, options) {
  const s = createSegmenter(options);
  return [...s.push(text), ...s.end()];
}

// src/session/limiter.ts
var WINDOW_MS = 6e4;
var noopLease = { release: () => void 0 };
var KeyLimiter = class {
  constructor(name, concurrentConnections, requestsPerMinute) {
    this.name = name;
    this.concurrentConnections = concurrentConnections;
    this.requestsPerMinute = requestsPerMinute;
  }
  name;
  concurrentConnections;
  requestsPerMinute;
  active = 0;
  waiters = [];
  stamps = [];
  /** Takes a connection slot, waiting (`queue`) or failing (`fail`) when none is free. */
  acquireConnection(onLimit, signal) {
    const max = this.concurrentConnections;
    if (max === void 0) return Promise.resolve(noopLease);
    if (this.active < max) {
      this.active++;
      return Promise.resolve(this.lease());
    }
    if (onLimit === "fail") {
      return Promise.reject(
        new SpeechError("rate-limit", `In-process limit of ${max} concurrent connections reached for ${this.name}.`, { retryable: false, provider: this.name })
      );
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          this.active++;
          resolve(this.lease());
        }
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new SpeechError("cancelled", "Waiting for a connection slot was cancelled.", { provider: this.name }));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
  /**
   * Records one request at `now` when the window allows it and returns 0; otherwise returns how many
   * ms to wait before trying again (nothing recorded).
   */
  tryRequest(now) {
    const max = this.requestsPerMinute;
    if (max === void 0) return 0;
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= now - WINDOW_MS) this.stamps.shift();
    if (this.stamps.length < max) {
      this.stamps.push(now);
      return 0;
    }
    return Math.max(1, (this.stamps[0] ?? now) + WINDOW_MS - now);
  }
  /** Connections currently held (for tests and dashboards). */
  get activeConnections() {
    return this.active;
  }
  lease() {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        const next = this.waiters.shift();
        if (next) next.grant();
      }
    };
  }
};
var REGISTRY = /* @__PURE__ */ Symbol.for("@utter/core/limiters");
var registry = globalThis[REGISTRY] ??= /* @__PURE__ */ new Map();
function limiterFor(provider) {
  const key = `${provider.name}\0${provider.limiterKey ?? ""}`;
  let limiter = registry.get(key);
  if (!limiter) {
    const limits = provider.capabilities.limits;
    limiter = new KeyLimiter(provider.name, limits?.concurrentConnections, limits?.requestsPerMinute);
    registry.set(key, limiter);
  }
  return limiter;
}

// src/session/time.ts
function timer(scheduler, delayMs, fn) {
  return scheduler.schedule(fn, Math.max(0, delayMs));
}
function msOf(samples, rate) {
  return samples * 1e3 / rate;
}
function samplesOf(ms, rate) {
  return Math.round(ms * rate / 1e3);
}

// src/session/connections.ts
var ConnectionSlot = class {
  constructor(options, listener) {
    this.options = options;
    this.listener = listener;
  }
  options;
  listener;
  conn;
  connecting;
  closed = false;
  /** The provider index of the connection being opened, else of the live one, if any. */
  get currentIndex() {
    return this.connecting?.index ?? (this.conn && !this.conn.dead ? this.conn.providerIndex : void 0);
  }
  /** The live connection to provider `index`, connecting when needed (dropping one to another). */
  acquire(index) {
    const conn = this.conn;
    if (conn && !conn.dead) {
      if (conn.providerIndex === index) return Promise.resolve(conn);
      this.drop(conn);
    }
    if (this.connecting) {
      if (this.connecting.index === index) return this.connecting.promise;
      this.connecting.controller.abort();
      this.connecting = void 0;
    }
    const controller = new AbortController();
    const promise = this.open(index, controller);
    const entry = { index, promise, controller };
    this.connecting = entry;
    const clear = () => {
      if (this.connecting === entry) this.connecting = void 0;
    };
    promise.then(clear, clear);
    return promise;
  }
  /** Before a reply starts: renews a connection older than the provider's `maxConnectionAgeMs`. */
  renewIfOld() {
    const conn = this.conn;
    const maxAge = conn?.provider.capabilities.maxConnectionAgeMs;
    if (conn && maxAge !== void 0 && this.options.scheduler.now() - conn.connectedAt >= maxAge) this.drop(conn);
  }
  /** Closes and forgets a connection (its late events are ignored). */
  drop(live) {
    const conn = live;
    if (this.conn === conn) this.conn = void 0;
    if (conn.dead) return;
    conn.dead = true;
    conn.keepAliveTimer?.unsubscribe();
    conn.sub?.unsubscribe();
    conn.lease.release();
    try {
      conn.connection.close();
    } catch {
    }
  }
  /** Records that something was sent (for keepalive idleness). */
  touched(live) {
    live.lastSendAt = this.options.scheduler.now();
  }
  /** Closes everything for good. */
  close() {
    this.closed = true;
    this.connecting?.controller.abort();
    this.connecting = void 0;
    if (this.conn) this.drop(this.conn);
  }
  open(index, controller) {
    const provider = this.options.providers[index];
    const { handshakeMs, slotWaitMs, onLimit, scheduler } = this.options;
    return new Promise((resolve, reject) => {
      let settled = false;
      let deadline;
      let lease;
      const fail = (error) => {
        if (settled) return;
        settled = true;
        deadline?.unsubscribe();
        lease?.release();
        controller.abort();
        reject(error);
      };
      controller.signal.addEventListener("abort", () => fail(new SpeechError("cancelled", "Connecting was cancelled.", { provider: provider.name })), { once: true });
      deadline = timer(
        scheduler,
        slotWaitMs,
        () => fail(new SpeechError("rate-limit", `No connection slot for ${provider.name} within ${slotWaitMs} ms (concurrent connection limit of the key).`, { retryable: false, provider: provider.name }))
      );
      limiterFor(provider).acquireConnection(onLimit, controller.signal).then(
        (granted) => {
          if (settled) return granted.release();
          lease = granted;
          deadline?.unsubscribe();
          deadline = timer(
            scheduler,
            handshakeMs,
            () => fail(new SpeechError("timeout", `Connecting to ${provider.name} took longer than ${handshakeMs} ms.`, { provider: provider.name }))
          );
          let pending;
          try {
            pending = provider.connect({ signal: controller.signal });
          } catch (err) {
            pending = Promise.reject(err);
          }
          pending.then(
            (connection) => {
              if (settled) {
                connection.close();
                return;
              }
              settled = true;
              deadline?.unsubscribe();
              resolve(this.attach(connection, provider, index, granted));
            },
            (err) => fail(SpeechError.from(err, "connection", { provider: provider.name }))
          );
        },
        (err) => fail(SpeechError.from(err, "rate-limit", { provider: provider.name }))
      );
    });
  }
  attach(connection, provider, index, lease) {
    const now = this.options.scheduler.now();
    const conn = { connection, provider, providerIndex: index, connectedAt: now, lease, sub: void 0, dead: false, lastSendAt: now, keepAliveTimer: void 0 };
    if (this.closed) {
      this.drop(conn);
      return conn;
    }
    if (this.conn && this.conn !== conn) this.drop(this.conn);
    this.conn = conn;
    const closedError2 = () => new SpeechError("connection", `The connection to ${provider.name} closed.`, { provider: provider.name });
    conn.sub = connection.events.subscribe({
      next: (event) => {
        if (conn.dead) return;
        if (event.type === "closed") this.died(conn, event.error ?? closedError2());
        else if (event.type === "error" && event.utteranceId === void 0) this.died(conn, event.error);
        else this.listener.event(conn, event);
      },
      error: (err) => this.died(conn, SpeechError.from(err, "connection", { provider: provider.name })),
      complete: () => this.died(conn, closedError2())
    });
    this.armKeepAlive(conn);
    return conn;
  }
  died(conn, error) {
    if (conn.dead) return;
    this.drop(conn);
    this.listener.dead(conn, error);
  }
  armKeepAlive(conn) {
    const interval = conn.provider.capabilities.keepAliveIntervalMs;
    if (interval === void 0 || !conn.connection.keepAlive || conn.dead) return;
    conn.keepAliveTimer?.unsubscribe();
    const { scheduler } = this.options;
    const tick = () => {
      if (conn.dead) return;
      const idle = scheduler.now() - conn.lastSendAt;
      if (idle >= interval) {
        conn.connection.keepAlive?.();
        conn.lastSendAt = scheduler.now();
        conn.keepAliveTimer = timer(scheduler, interval, tick);
      } else conn.keepAliveTimer = timer(scheduler, interval - idle, tick);
    };
    conn.keepAliveTimer = timer(scheduler, interval - (scheduler.now() - conn.lastSendAt), tick);
  }
};

// src/session/fallback.ts
var FALLBACK_PROVIDERS = /* @__PURE__ */ Symbol.for("@utter/core/fallback-providers");
function fallback(providers) {
  if (!Array.isArray(providers) || providers.length === 0) {
    throw new SpeechError("invalid-input", "fallback() needs at least one provider.", { retryable: false });
  }
  const flat = providers.flatMap((p) => fallbackProviders(p));
  const first = flat[0];
  const provider = {
    name: `fallback(${flat.map((p) => p.name).join(",")})`,
    capabilities: first.capabilities,
    ...first.limiterKey === void 0 ? {} : { limiterKey: first.limiterKey },
    [FALLBACK_PROVIDERS]: flat,
    async connect(options) {
      let lastError;
      for (const p of flat) {
        try {
          return await p.connect(options);
        } catch (err) {
          lastError = err;
          if (options.signal.aborted) break;
        }
      }
      throw SpeechError.from(lastError, "connection");
    },
    async warmup() {
      await Promise.allSettled(flat.map((p) => p.warmup?.()));
    },
    async close() {
      await Promise.allSettled(flat.map((p) => p.close?.()));
    }
  };
  return provider;
}
function fallbackProviders(provider) {
  const list = provider[FALLBACK_PROVIDERS];
  return Array.isArray(list) && list.length > 0 ? list : [provider];
}
function isSpeechInput(value) {
  if (typeof value === "string") return true;
  if (value === null || typeof value !== "object") return false;
  return isObservable(value) || Symbol.asyncIterator in value || Symbol.iterator in value;
}
function inputError(error) {
  if (error instanceof SpeechError) return error;
  return SpeechError.from(error, "invalid-input", { retryable: false });
}
function badDelta(value) {
  return new SpeechError("invalid-input", `Speech input must yield strings, got ${value === null ? "null" : typeof value}.`);
}
function startInput(input, sink) {
  let stopped = false;
  if (typeof input === "string") {
    sink.next(input);
    if (!stopped) sink.end();
    return { stop: () => void (stopped = true) };
  }
  if (isObservable(input)) {
    let subscription;
    const handle2 = {
      stop: () => {
        stopped = true;
        subscription?.unsubscribe();
      }
    };
    subscription = input.subscribe({
      next: (value) => {
        if (stopped) return;
        if (typeof value !== "string") {
          handle2.stop();
          sink.error(badDelta(value));
          return;
        }
        sink.next(value);
      },
      error: (err) => {
        if (!stopped) {
          stopped = true;
          sink.error(inputError(err));
        }
      },
      complete: () => {
        if (!stopped) {
          stopped = true;
          sink.end();
        }
      }
    });
    if (stopped) subscription.unsubscribe();
    return handle2;
  }
  if (Symbol.asyncIterator in input) {
    const iterator2 = input[Symbol.asyncIterator]();
    let done = false;
    const close = () => {
      if (done) return;
      done = true;
      try {
        const result = iterator2.return?.();
        if (result && typeof result.then === "function") result.then(void 0, () => void 0);
      } catch {
      }
    };
    const loop = async () => {
      try {
        while (!stopped) {
          const result = await iterator2.next();
          if (stopped) return;
          if (result.done) {
            done = true;
            stopped = true;
            sink.end();
            return;
          }
          if (typeof result.value !== "string") {
            stopped = true;
            close();
            sink.error(badDelta(result.value));
            return;
          }
          sink.next(result.value);
        }
      } catch (err) {
        done = true;
        if (!stopped) {
          stopped = true;
          sink.error(inputError(err));
        }
      }
    };
    void loop();
    return {
      stop: () => {
        if (!stopped) {
          stopped = true;
          close();
        } else close();
      }
    };
  }
  const iterator = input[Symbol.iterator]();
  const handle = {
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        iterator.return?.();
      } catch {
      }
    }
  };
  try {
    for (; ; ) {
      if (stopped) return handle;
      const result = iterator.next();
      if (result.done) break;
      if (typeof result.value !== "string") {
        handle.stop();
        sink.error(badDelta(result.value));
        return handle;
      }
      sink.next(result.value);
    }
  } catch (err) {
    if (!stopped) {
      stopped = true;
      sink.error(inputError(err));
    }
    return handle;
  }
  if (!stopped) {
    stopped = true;
    sink.end();
  }
  return handle;
}
var backoffSchema = z.object({
  initialDelayMs: z.number().finite().nonnegative(),
  maxDelayMs: z.number().finite().nonnegative(),
  factor: z.number().finite().min(1).optional(),
  jitter: z.enum(["full", "equal", "none"]).optional(),
  random: z.custom((v) => typeof v === "function", { message: "must be a function" }).optional()
}).refine((o) => o.maxDelayMs >= o.initialDelayMs, { message: "maxDelayMs must be at least initialDelayMs", path: ["maxDelayMs"] });
function validate(options) {
  const parsed = backoffSchema.safeParse(options);
  if (!parsed.success) {
    throw new SpeechError(
      "invalid-input",
      `Invalid backoff options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ")}`
    );
  }
}
function delayFor(attempt, options) {
  const factor = options.factor ?? 2;
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * factor ** (attempt - 1));
  const random = options.random ?? Math.random;
  switch (options.jitter ?? "full") {
    case "none":
      return Math.round(base);
    case "equal":
      return Math.round(base / 2 + clamp01(random()) * (base / 2));
    case "full":
      return Math.round(clamp01(random()) * base);
  }
}
function clamp01(value) {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
function backoffDelay(attempt, options) {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new SpeechError("invalid-input", `Backoff attempt must be an integer >= 1, got ${attempt}.`);
  }
  validate(options);
  return delayFor(attempt, options);
}

// src/session/options.ts
var positiveMs = z.number().finite().positive();
var providerSchema = z.custom(
  (value) => typeof value === "object" && value !== null && typeof value.name === "string" && typeof value.connect === "function" && typeof value.capabilities === "object" && value.capabilities !== null,
  { message: "provider must be a SpeechProvider (an object with name, capabilities and connect())" }
);
var schedulerSchema = z.custom(
  (value) => typeof value === "object" && value !== null && typeof value.now === "function" && typeof value.schedule === "function",
  { message: "scheduler must be an RxJS SchedulerLike" }
);
function isAbortSignal(value) {
  return typeof value === "object" && value !== null && typeof value.aborted === "boolean" && typeof value.addEventListener === "function" && typeof value.removeEventListener === "function";
}
function validateSignal(signal, where) {
  if (signal === void 0) return void 0;
  if (!isAbortSignal(signal)) throw new SpeechError("invalid-input", `Invalid ${where} options: signal must be an AbortSignal.`, { retryable: false });
  return signal;
}
var DEFAULT_MAX_INPUT_CHARS = 1e6;
var optionsSchema = z.strictObject({
  provider: providerSchema,
  scheduler: schedulerSchema.optional(),
  segmenter: z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    try {
      createSegmenter(value);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
    }
  }).optional(),
  timeouts: z.strictObject({ handshakeMs: positiveMs.optional(), firstAudioMs: positiveMs.optional(), slotWaitMs: positiveMs.optional() }).optional(),
  release: z.strictObject({ firstSegmentMs: z.union([z.number().finite().min(0), z.literal(false)]).optional(), idleMs: z.union([z.number().finite().min(0), z.literal(false)]).optional() }).optional(),
  retry: z.strictObject({
    maxRetries: z.number().int().min(0).max(100).optional(),
    initialDelayMs: z.number().finite().min(0).optional(),
    maxDelayMs: z.number().finite().min(0).optional(),
    jitter: z.union([z.boolean(), z.enum(["full", "equal", "none"])]).optional()
  }).optional(),
  maxBufferedAudioMs: positiveMs.optional(),
  onLimit: z.enum(["queue", "fail"]).optional(),
  maxInputChars: z.number().int().positive().optional(),
  signal: z.custom(isAbortSignal, { message: "signal must be an AbortSignal" }).optional()
});
function resolveOptions2(options) {
  if (typeof options !== "object" || options === null) {
    throw new SpeechError("invalid-input", "Invalid speech options: expected an object with a provider.", { retryable: false });
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    const keys = issue && "keys" in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(", ")})` : "";
    throw new SpeechError("invalid-input", `Invalid speech options: ${where}${issue?.message ?? "invalid value"}${keys}`, { retryable: false });
  }
  const o = parsed.data;
  const caps = o.provider.capabilities;
  if (!(caps.sampleRate > 0)) {
    throw new SpeechError("invalid-input", `Invalid speech options: provider ${o.provider.name} declares no sample rate`, { retryable: false });
  }
  const jitter = o.retry?.jitter === void 0 || o.retry.jitter === true ? "full" : o.retry.jitter === false ? "none" : o.retry.jitter;
  const initialDelayMs = o.retry?.initialDelayMs ?? 200;
  const maxDelayMs = Math.max(o.retry?.maxDelayMs ?? 5e3, o.retry?.maxDelayMs === void 0 ? initialDelayMs : 0);
  try {
    backoffDelay(1, { initialDelayMs, maxDelayMs, jitter });
  } catch (err) {
    throw new SpeechError("invalid-input", `Invalid speech options: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
  }
  return {
    provider: o.provider,
    scheduler: o.scheduler ?? asyncScheduler,
    segmenter: o.segmenter,
    handshakeMs: o.timeouts?.handshakeMs ?? 1e4,
    firstAudioMs: o.timeouts?.firstAudioMs ?? 1e4,
    slotWaitMs: o.timeouts?.slotWaitMs ?? 3e4,
    maxRetries: o.retry?.maxRetries ?? 3,
    initialDelayMs,
    maxDelayMs,
    jitter,
    maxBufferedAudioMs: o.maxBufferedAudioMs,
    onLimit: o.onLimit ?? "queue",
    maxInputChars: o.maxInputChars ?? DEFAULT_MAX_INPUT_CHARS,
    firstSegmentMs: o.release?.firstSegmentMs ?? 250,
    idleMs: o.release?.idleMs ?? 400
  };
}

// src/session/segment-state.ts
function createSegmentState(segment, index) {
  const silent = segment.speakable.trim().length === 0;
  return {
    segment,
    index,
    silent,
    announced: false,
    ended: false,
    done: silent,
    sent: false,
    sendOffset: 0,
    held: [],
    emitted: 0,
    startSample: 0,
    pieces: [],
    words: [],
    generationBase: 0,
    boundary: void 0,
    wordCursor: 0,
    firstSentAt: void 0,
    firstAudioAt: void 0,
    charsSent: 0
  };
}
function textToSend(state) {
  return state.segment.speakable.slice(state.sendOffset);
}
function wordBoundaryBefore(text, position) {
  if (position >= text.length) return text.trimEnd().length;
  let best = 0;
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (end <= position) best = end;
    else break;
  }
  return best;
}
function nextWordStart(text, position) {
  let at = position;
  while (at < text.length && /\s/.test(text[at] ?? "")) at++;
  return at;
}
function findWord(text, word, from) {
  const w = word.trim();
  if (w.length === 0) return -1;
  let at = text.indexOf(w, from);
  if (at >= 0) return at;
  const lower = text.toLowerCase();
  at = lower.indexOf(w.toLowerCase(), from);
  if (at >= 0) return at;
  const core = w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  if (core.length === 0 || core === w) return -1;
  return lower.indexOf(core.toLowerCase(), from);
}

// src/session/spoken.ts
var ESTIMATE_MARGIN_CHARS = 1;
var ESTIMATE_MARGIN_SHARE = 0.02;
function estimateMs(chars, ctx) {
  return chars * 1e3 / ctx.charsPerSecond;
}
function heardInSegment(seg, playedMs, ctx, cautious = false) {
  const speakable = seg.segment.speakable;
  if (seg.words.length > 0 || ctx.wordTimestamps && seg.pieces.length <= 1) {
    let best = -1;
    for (const w of seg.words) if (w.endMs <= playedMs) best = Math.max(best, w.end);
    if (best < 0) return { speakableEnd: 0, byWords: true };
    let pos2 = 0;
    for (let i = 0; i <= speakable.length; i++) if (seg.segment.toOriginal(i) <= best) pos2 = i;
    return { speakableEnd: wordBoundaryBefore(speakable, pos2), byWords: true };
  }
  const played = samplesOf(playedMs, ctx.rate) - seg.startSample;
  if (played <= 0 || seg.pieces.length === 0) return { speakableEnd: 0, byWords: false };
  let piece = seg.pieces[0];
  for (const p of seg.pieces) if (p.sampleFrom <= played) piece = p;
  const last = piece === seg.pieces[seg.pieces.length - 1];
  const chars = piece.textTo - piece.textFrom;
  const complete = !last || seg.done;
  const totalMs = complete ? msOf(piece.samples, ctx.rate) : Math.max(msOf(piece.samples, ctx.rate), estimateMs(chars, ctx));
  if (totalMs <= 0) return { speakableEnd: wordBoundaryBefore(speakable, piece.textFrom), byWords: false };
  const fraction = Math.min(1, Math.max(0, msOf(played - piece.sampleFrom, ctx.rate) / totalMs));
  const heardChars = Math.floor(fraction * chars);
  const margin = complete || !cautious ? 0 : Math.ceil(ESTIMATE_MARGIN_CHARS + ESTIMATE_MARGIN_SHARE * heardChars);
  const pos = piece.textFrom + Math.max(0, heardChars - margin);
  return { speakableEnd: wordBoundaryBefore(speakable, pos), byWords: false };
}
function spokenAt(segments, original, playedMs, ctx) {
  let end = 0;
  let heardChars = 0;
  let byWords = false;
  for (const seg of segments) {
    if (!seg.announced) break;
    const segEndMs = msOf(seg.startSample + seg.emitted, ctx.rate);
    if (seg.ended && playedMs >= segEndMs) {
      if (!seg.silent) {
        end = seg.segment.end;
        heardChars += seg.segment.speakable.length;
      }
      continue;
    }
    if (playedMs <= msOf(seg.startSample, ctx.rate)) break;
    const heard = heardInSegment(seg, playedMs, ctx);
    byWords ||= heard.byWords;
    if (heard.speakableEnd > 0) end = seg.segment.toOriginal(heard.speakableEnd);
    heardChars += heard.speakableEnd;
    break;
  }
  return { end: original.slice(0, end).trimEnd().length, heardChars, byWords };
}
function wastedChars(segments, spoken) {
  let sent = 0;
  for (const s of segments) if (s.charsSent > 0) sent += s.segment.speakable.length;
  return Math.max(0, sent - spoken.heardChars);
}

// src/session/assembler.ts
var DEFAULT_CHARS_PER_SECOND = 15;
var Assembler = class {
  constructor(host) {
    this.host = host;
  }
  host;
  segments = [];
  /** Index of the segment being output. */
  head = 0;
  /** Samples emitted in the reply. */
  emitted = 0;
  /** Reply sample where the current generation's audio begins (word times without acks). */
  generationStart = 0;
  firstAudioAt;
  lastAudioAt;
  /** The accounting context: rate, learned speaking rate, word timings. */
  spokenContext() {
    const learned = this.host.speakingRate();
    const charsPerSecond = learned.chars > 0 && learned.ms > 200 ? learned.chars * 1e3 / learned.ms : DEFAULT_CHARS_PER_SECOND;
    return { rate: this.host.rate, charsPerSecond, wordTimestamps: this.host.wordTimestamps() };
  }
  /** Reply time of everything emitted, in ms. */
  emittedMs() {
    return msOf(this.emitted, this.host.rate);
  }
  /** True when every segment was output. */
  get drained() {
    return this.head >= this.segments.length;
  }
  /** Emits what can be emitted at the head, in order. */
  advance() {
    while (this.head < this.segments.length) {
      const seg = this.segments[this.head];
      if (!seg.announced) {
        seg.announced = true;
        seg.startSample = this.emitted;
        const { text, start, end, speakable, reason } = seg.segment;
        if (!this.host.emit({ type: "segment", utteranceId: this.host.utteranceId, segmentId: seg.index, text, start, end, speakable, reason })) return;
      }
      if (seg.held.length > 0) {
        const held = seg.held;
        seg.held = [];
        for (const item of held) {
          if (!(item.kind === "audio" ? this.emitAudio(seg, item.pcm) : this.emitWord(seg, item.word))) return;
        }
      }
      if (!seg.done && (this.host.acks() || !this.boundaryReached(seg))) return;
      if (!this.endHead(seg)) return;
    }
  }
  /** Audio of the current generation, already at the output rate. */
  onAudio(segmentId, pcm) {
    if (pcm.length === 0) return;
    const now = this.host.now();
    this.lastAudioAt = now;
    if (this.host.acks()) {
      const seg2 = this.segments[segmentId ?? this.head];
      if (!seg2 || !seg2.sent || seg2.done) return;
      seg2.firstAudioAt ??= now;
      if (seg2.index === this.head) this.emitAudio(seg2, pcm);
      else seg2.held.push({ kind: "audio", pcm });
      return;
    }
    let rest = pcm;
    while (rest.length > 0) {
      const seg2 = this.segments[this.head];
      if (!seg2) return;
      seg2.firstAudioAt ??= now;
      const limit = this.boundaryFor(seg2);
      if (limit !== void 0 && this.emitted + rest.length > limit) {
        const n = Math.max(0, limit - this.emitted);
        if (n > 0 && !this.emitAudio(seg2, rest.subarray(0, n))) return;
        rest = rest.subarray(n);
        if (!this.endHead(seg2)) return;
        this.advance();
        continue;
      }
      if (!this.emitAudio(seg2, rest)) return;
      break;
    }
    const seg = this.segments[this.head];
    if (seg && (this.boundaryReached(seg) || this.estimateReached(seg)) && this.endHead(seg)) this.advance();
  }
  /** A word timing of the current generation. */
  onWord(segmentId, word) {
    if (this.host.acks()) {
      const seg = this.segments[segmentId ?? this.head];
      if (!seg || !seg.sent || seg.done) return;
      if (seg.index === this.head) this.emitWord(seg, word);
      else seg.held.push({ kind: "word", word });
      return;
    }
    const base = msOf(this.generationStart, this.host.rate);
    const shifted = { ...word, startMs: base + word.startMs, endMs: base + word.endMs };
    let target;
    for (let i = this.head; i < this.segments.length; i++) {
      const s = this.segments[i];
      if (!s.sent) {
        if (s.done) continue;
        break;
      }
      if (findWord(s.segment.speakable, word.text, i === this.head ? s.wordCursor : s.sendOffset) >= 0) {
        target = s;
        break;
      }
    }
    target ??= this.segments[this.head];
    if (!target) return;
    if (target.index > this.head) {
      const startSample = samplesOf(shifted.startMs, this.host.rate);
      for (let i = this.head; i < target.index; i++) {
        const s = this.segments[i];
        s.boundary ??= Math.max(startSample, i === this.head ? this.emitted : startSample);
      }
      target.held.push({ kind: "word", word: shifted });
      this.advance();
      return;
    }
    this.emitWord(target, shifted);
  }
  /** All audio of a segment arrived (acks). */
  onSegmentDone(segmentId) {
    const seg = this.segments[segmentId];
    if (!seg || !seg.sent || seg.done) return;
    seg.done = true;
    if (seg.index === this.head) this.advance();
  }
  /** All audio of the reply's generation arrived: every segment sent is complete. */
  onGenerationDone() {
    for (let i = this.head; i < this.segments.length; i++) {
      const seg = this.segments[i];
      if (seg.sent) seg.done = true;
    }
    this.advance();
  }
  endHead(seg) {
    seg.ended = true;
    this.head = seg.index + 1;
    const complete = seg.done || seg.boundary !== void 0;
    if (complete && seg.pieces.length === 1) this.learn(seg);
    return this.host.emit({ type: "segment-end", utteranceId: this.host.utteranceId, segmentId: seg.index, audioMs: msOf(seg.emitted, this.host.rate) });
  }
  emitAudio(seg, pcm) {
    if (pcm.length === 0) return true;
    const offsetMs = msOf(this.emitted, this.host.rate);
    this.emitted += pcm.length;
    seg.emitted += pcm.length;
    const piece = seg.pieces[seg.pieces.length - 1];
    if (piece) piece.samples += pcm.length;
    else seg.pieces.push({ textFrom: seg.sendOffset, textTo: seg.segment.speakable.length, sampleFrom: seg.emitted - pcm.length, samples: pcm.length });
    this.firstAudioAt ??= this.host.now();
    return this.host.emit({ type: "audio", utteranceId: this.host.utteranceId, segmentId: seg.index, pcm, sampleRate: this.host.rate, offsetMs });
  }
  /** Emits a word: `word` times are relative to the segment's generation with acks, reply time without. */
  emitWord(seg, word) {
    const base = this.host.acks() ? msOf(seg.startSample + seg.generationBase, this.host.rate) : 0;
    const startMs = base + word.startMs;
    const endMs = base + word.endMs;
    const located = this.locateWord(seg, word);
    if (located) seg.words.push({ end: located.end, endMs });
    return this.host.emit({
      type: "word",
      utteranceId: this.host.utteranceId,
      segmentId: seg.index,
      text: word.text,
      startMs,
      endMs,
      ...located ? { start: located.start, end: located.end } : {}
    });
  }
  /** Original offsets of a word of `seg`, from its text offset or by searching the speakable text. */
  locateWord(seg, word) {
    const speakable = seg.segment.speakable;
    let at;
    if (word.textOffset !== void 0 && this.host.acks()) at = seg.sendOffset + word.textOffset;
    else {
      at = findWord(speakable, word.text, Math.max(seg.wordCursor, seg.sendOffset));
      if (at < 0) return void 0;
    }
    const endAt = Math.min(speakable.length, at + word.text.trim().length);
    seg.wordCursor = Math.max(seg.wordCursor, endAt);
    return { start: seg.segment.toOriginal(at), end: seg.segment.toOriginal(endAt) };
  }
  /** No acks: true when a later segment is known to have started at or before the emitted position. */
  boundaryReached(seg) {
    return seg.boundary !== void 0 && this.emitted >= seg.boundary;
  }
  /** No acks: reply sample where the head ends (from word timings or an estimate). */
  boundaryFor(seg) {
    if (seg.boundary !== void 0) return seg.boundary;
    if (!this.canEstimateEnd(seg)) return void 0;
    const piece = seg.pieces[seg.pieces.length - 1];
    const pieceStart = seg.startSample + (piece?.sampleFrom ?? 0);
    const chars = seg.segment.speakable.length - seg.sendOffset;
    return pieceStart + samplesOf(estimateMs(chars, this.spokenContext()), this.host.rate);
  }
  /** An estimate may end a segment only when a later segment was sent and no word timing can tell. */
  canEstimateEnd(seg) {
    if (this.host.wordTimestamps()) return false;
    for (let i = seg.index + 1; i < this.segments.length; i++) {
      const next = this.segments[i];
      if (next.sent) return true;
      if (!next.done) return false;
    }
    return false;
  }
  estimateReached(seg) {
    const limit = this.boundaryFor(seg);
    return limit !== void 0 && seg.boundary === void 0 && this.emitted >= limit && seg.emitted > 0;
  }
  /** Learns the speaking rate from a segment spoken whole by one generation. */
  learn(seg) {
    const chars = seg.segment.speakable.length;
    const ms = msOf(seg.emitted, this.host.rate);
    if (chars > 0 && ms > 0) {
      const learned = this.host.speakingRate();
      learned.chars += chars;
      learned.ms += ms;
    }
  }
};

// src/session/strategies.ts
function positive(value, fallback2) {
  return value !== void 0 && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback2;
}
function strategyFor(caps) {
  switch (caps.textInput) {
    case "request":
      return { mode: "request", repliesPerConnection: 1, window: positive(caps.maxConcurrentRequests, 1), countsEachRequest: true };
    case "context":
      return { mode: "context", repliesPerConnection: positive(caps.maxConcurrentUtterances, 1), window: Number.POSITIVE_INFINITY, countsEachRequest: false };
    default:
      return { mode: "incremental", repliesPerConnection: 1, window: Number.POSITIVE_INFINITY, countsEachRequest: false };
  }
}
function checkDrivable(provider) {
  const caps = provider.capabilities;
  if (caps.textInput === "request" && !caps.segmentAcks) {
    throw new SpeechError("unsupported", `Provider ${provider.name} takes one request per segment but reports no segment acks; the engine cannot tell when a request ends.`, {
      retryable: false,
      provider: provider.name
    });
  }
}

// src/session/dispatcher.ts
var Dispatcher = class {
  constructor(host, utteranceId, maxBufferedAudioMs, onLimit) {
    this.host = host;
    this.utteranceId = utteranceId;
    this.maxBufferedAudioMs = maxBufferedAudioMs;
    this.onLimit = onLimit;
  }
  host;
  utteranceId;
  maxBufferedAudioMs;
  onLimit;
  /** The current generation, if any. */
  generation;
  count = 0;
  waitTimer;
  /** Starts a new generation on `conn`. */
  begin(conn) {
    const n = this.count++;
    this.generation = {
      id: n === 0 ? this.utteranceId : `${this.utteranceId}~${n}`,
      conn,
      provider: conn.provider,
      strategy: strategyFor(conn.provider.capabilities),
      sentAny: false,
      finished: false,
      done: false,
      receivedMs: 0,
      chars: 0,
      counted: false
    };
    return this.generation;
  }
  /** True when the provider owes audio for text of the current generation. */
  outstanding() {
    const gen = this.generation;
    if (!gen || !gen.sentAny) return false;
    if (!gen.provider.capabilities.segmentAcks && gen.finished) return !gen.done;
    const { segments } = this.host;
    for (let i = this.host.head(); i < segments.length; i++) {
      const s = segments[i];
      if (s.sent && !s.done) return true;
    }
    return false;
  }
  /** Sends what may be sent now (connection, window, pacing and rate limit permitting). */
  pump() {
    if (this.host.halted()) return;
    const gen = this.generation;
    const { segments } = this.host;
    const head = this.host.head();
    if (!gen) {
      if (segments.some((s, i) => i >= head && !s.done && !s.sent)) this.host.connect();
      return;
    }
    let inFlight = 0;
    for (let i = head; i < segments.length; i++) if (segments[i].sent && !segments[i].done) inFlight++;
    for (let i = head; i < segments.length; i++) {
      const seg = segments[i];
      if (seg.done || seg.sent) continue;
      if (inFlight >= gen.strategy.window || gen.sentAny && this.paceWait() || !this.rateLimitOk(gen)) return;
      const text = textToSend(seg);
      const wasOwed = this.outstanding();
      seg.sent = true;
      seg.generationBase = seg.emitted;
      seg.pieces.push({ textFrom: seg.sendOffset, textTo: seg.segment.speakable.length, sampleFrom: seg.emitted, samples: 0 });
      gen.chars += text.length;
      gen.sentAny = true;
      inFlight++;
      seg.firstSentAt ??= this.host.scheduler.now();
      seg.charsSent += text.length;
      this.host.slot.touched(gen.conn);
      if (!wasOwed) this.host.owed();
      gen.conn.connection.send({ utteranceId: gen.id, segmentId: seg.index, text });
      if (this.host.halted() || this.generation !== gen) return;
    }
    if (this.host.inputEnded() && gen.sentAny && !gen.finished && segments.every((s, i) => i < head || s.done || s.sent)) {
      const wasOwed = this.outstanding();
      gen.finished = true;
      this.host.slot.touched(gen.conn);
      if (!wasOwed) this.host.owed();
      gen.conn.connection.finish(gen.id);
    }
  }
  /**
   * Detaches the current generation and ends it at the provider: a cancel where audio is still
   * owed, or closing the connection when it is broken or the provider can only cancel by closing.
   */
  end(closeConnection) {
    this.waitTimer?.unsubscribe();
    this.waitTimer = void 0;
    const gen = this.generation;
    if (!gen) return;
    const owed = this.outstanding() || gen.strategy.mode === "context" && gen.sentAny && !gen.finished && !gen.done;
    this.generation = void 0;
    if (gen.conn.dead) return;
    if (closeConnection || owed && gen.provider.capabilities.cancel === "close") {
      this.host.slot.drop(gen.conn);
      return;
    }
    if (owed) {
      gen.conn.connection.cancel(gen.id);
      this.host.slot.touched(gen.conn);
    }
  }
  /** Re-runs {@link pump} after `ms` (one pending wait at a time). */
  wait(ms) {
    if (this.waitTimer) return;
    this.waitTimer = timer(this.host.scheduler, ms, () => {
      this.waitTimer = void 0;
      this.pump();
    });
  }
  /** Pacing: true (and a re-check scheduled) when too much unplayed audio is ahead. */
  paceWait() {
    const budget = this.maxBufferedAudioMs;
    if (budget === void 0) return false;
    const ahead = this.bufferedAheadMs();
    if (ahead <= budget) return false;
    if (!this.host.playbackReported()) this.wait(ahead - budget);
    return true;
  }
  /** Audio emitted or still expected from sent text, minus what was played, in ms. */
  bufferedAheadMs() {
    const ctx = this.host.spokenContext();
    let expected = this.host.emittedMs();
    const { segments } = this.host;
    for (let i = this.host.head(); i < segments.length; i++) {
      const s = segments[i];
      if (s.sent && !s.done) expected += Math.max(0, estimateMs(s.segment.speakable.length - s.sendOffset, ctx) - msOf(s.emitted - s.generationBase, ctx.rate));
    }
    return expected - this.host.playedMs();
  }
  /** The requests-per-minute limit: true when a request may be made now (and it is counted). */
  rateLimitOk(gen) {
    if (!gen.strategy.countsEachRequest && gen.counted) return true;
    const limiter = limiterFor(gen.provider);
    const waitMs = limiter.tryRequest(this.host.scheduler.now());
    if (waitMs === 0) {
      gen.counted = true;
      return true;
    }
    if (this.onLimit === "fail") {
      this.host.limited(
        new SpeechError("rate-limit", `In-process limit of ${limiter.requestsPerMinute} requests per minute reached for ${gen.provider.name}.`, { retryable: false, provider: gen.provider.name })
      );
      return false;
    }
    this.wait(waitMs);
    return false;
  }
};

// src/session/metrics.ts
function replyMetrics(t, segments, emitted, rate, now, wastedCharacters) {
  const audioDurationMs = msOf(emitted, rate);
  const from = t.firstTokenAt ?? t.startedAt;
  let firstSentAt;
  let charsSent = 0;
  for (const s of segments) {
    charsSent += s.charsSent;
    if (s.firstSentAt !== void 0) firstSentAt = Math.min(firstSentAt ?? s.firstSentAt, s.firstSentAt);
  }
  const segmentMetrics = segments.map((s) => ({
    segmentId: s.index,
    characters: s.charsSent,
    timeToFirstByteMs: s.firstSentAt !== void 0 && s.firstAudioAt !== void 0 ? s.firstAudioAt - s.firstSentAt : void 0,
    audioMs: msOf(s.emitted, rate)
  }));
  const synthMs = firstSentAt !== void 0 && t.lastAudioAt !== void 0 ? t.lastAudioAt - firstSentAt : void 0;
  return {
    timeToFirstAudioMs: t.firstAudioAt !== void 0 ? t.firstAudioAt - from : void 0,
    timeToFirstAudioFromTextMs: t.firstAudioAt !== void 0 && firstSentAt !== void 0 ? t.firstAudioAt - firstSentAt : void 0,
    audioDurationMs,
    totalMs: now - from,
    realTimeFactor: synthMs !== void 0 && audioDurationMs > 0 ? synthMs / audioDurationMs : void 0,
    charactersSent: charsSent,
    retries: t.retries,
    wastedCharacters,
    segments: segmentMetrics,
    provider: t.provider
  };
}

// src/session/recovery.ts
function decideRecovery(error, connectionBroken, state, backoff) {
  if (error.code === "cancelled" || error.code === "invalid-input") return { kind: "fail" };
  const survivable = error.retryable || connectionBroken && error.code === "protocol";
  if (survivable && state.retries < state.maxRetries) return { kind: "retry", delayMs: backoff(state.retries + 1) };
  if (state.providerIndex + 1 < state.providerCount) return { kind: "fallback" };
  return { kind: "fail" };
}
function planResume(segments, head, heardEnd) {
  const resend = [];
  let headPlan;
  for (let i = head; i < segments.length; i++) {
    const seg = segments[i];
    if (seg.silent || seg.done && (i > head || seg.emitted === 0)) continue;
    if (i === head && seg.emitted > 0) {
      const heard = Math.max(seg.sendOffset, heardEnd(seg));
      headPlan = { index: i, resumeAt: nextWordStart(seg.segment.speakable, heard), heardEnd: heard };
    }
    resend.push(i);
  }
  return headPlan === void 0 ? { resend } : { resend, head: headPlan };
}
function applyResume(segments, plan) {
  for (const i of plan.resend) {
    const seg2 = segments[i];
    seg2.sent = false;
    seg2.done = false;
    seg2.held = [];
    seg2.boundary = void 0;
    if (seg2.pieces.length > 0 && seg2.pieces[seg2.pieces.length - 1].samples === 0) seg2.pieces.pop();
  }
  const head = plan.head;
  if (head === void 0) return;
  const seg = segments[head.index];
  const piece = seg.pieces[seg.pieces.length - 1];
  if (piece) piece.textTo = Math.max(piece.textFrom, head.heardEnd);
  seg.sendOffset = head.resumeAt;
  seg.wordCursor = head.resumeAt;
  const heardOriginal = seg.segment.toOriginal(head.heardEnd);
  seg.words = seg.words.filter((w) => w.end <= heardOriginal);
  if (seg.segment.speakable.slice(head.resumeAt).trim().length === 0) seg.done = true;
}
function finalError(error, unspoken, providerName) {
  const provider = error.provider ?? (error.code === "invalid-input" ? void 0 : providerName);
  if ((error.unspokenText !== void 0 || unspoken.length === 0) && provider === error.provider) return error;
  return new SpeechError(error.code, error.message, {
    retryable: error.retryable,
    ...provider === void 0 ? {} : { provider },
    ...error.providerCode === void 0 ? {} : { providerCode: error.providerCode },
    cause: error,
    ...unspoken.length > 0 ? { unspokenText: error.unspokenText ?? unspoken } : {}
  });
}

// src/session/reply-input.ts
var SLICE_CHARS = 16384;
var ReplyInput = class {
  constructor(options, sink) {
    this.options = options;
    this.sink = sink;
    const max = options.maxChars;
    const base = options.segmenter ?? {};
    const maxLength = max === void 0 ? base.maxLength : Math.max(8, Math.min(base.maxLength ?? 200, max));
    this.segmenter = createSegmenter(maxLength === void 0 ? base : { ...base, maxLength });
  }
  options;
  sink;
  /** Everything the input said so far. */
  original = "";
  /** When the first non-empty delta arrived (scheduler time). */
  firstDeltaAt;
  segmenter;
  handle;
  queue = [];
  queued = 0;
  inputEnded = false;
  turn;
  over = false;
  /** Deadline bookkeeping: the pending text's first speakable offset, since when, and the timer. */
  pendingOffset;
  pendingAt = 0;
  lastDeltaAt = 0;
  released = 0;
  deadline;
  deadlineAt = 0;
  /** Starts reading `source`. Segments may be handed out synchronously. */
  start(source) {
    this.handle = startInput(source, {
      next: (delta) => this.onDelta(delta),
      end: () => {
        this.inputEnded = true;
        this.handle = void 0;
        if (this.turn === void 0) this.drain();
      },
      error: (error) => this.fail(error)
    });
  }
  /** Stops reading (cancellation or failure). Idempotent. */
  stop() {
    this.over = true;
    this.handle?.stop();
    this.handle = void 0;
    this.turn?.unsubscribe();
    this.turn = void 0;
    this.deadline?.unsubscribe();
    this.deadline = void 0;
  }
  onDelta(delta) {
    if (this.over || delta.length === 0) return;
    this.lastDeltaAt = this.options.scheduler.now();
    this.firstDeltaAt ??= this.lastDeltaAt;
    if (this.original.length + this.queued + delta.length > this.options.maxInputChars) {
      this.fail(
        new SpeechError("invalid-input", `The reply is longer than maxInputChars (${this.options.maxInputChars} characters); split it or raise the option.`, { retryable: false })
      );
      return;
    }
    this.queue.push(delta);
    this.queued += delta.length;
    if (this.turn === void 0) this.drain();
  }
  /** Segments queued text, at most SLICE_CHARS now; the rest on later scheduler turns. */
  drain() {
    this.turn = void 0;
    let budget = SLICE_CHARS;
    while (!this.over && budget > 0 && this.queue.length > 0) {
      const head = this.queue[0];
      const take = head.length <= budget ? head : head.slice(0, safeCut(head, budget));
      if (take.length === head.length) this.queue.shift();
      else this.queue[0] = head.slice(take.length);
      this.queued -= take.length;
      budget -= take.length;
      this.original += take;
      if (!this.release(() => this.segmenter.push(take))) return;
    }
    if (this.over) return;
    if (this.queue.length > 0) {
      this.turn = timer(this.options.scheduler, 0, () => this.drain());
      return;
    }
    if (this.inputEnded) {
      this.deadline?.unsubscribe();
      if (!this.release(() => this.segmenter.end())) return;
      if (!this.over) this.sink.end();
      return;
    }
    this.armDeadline();
  }
  /**
   * The first-audio and input-idle deadlines: text the segmenter holds (no certain boundary yet) is
   * released at its best clause or word boundary when the first segment has waited `firstSegmentMs`,
   * or when the input has been silent for `idleMs` (an LLM pausing for a tool call).
   */
  armDeadline() {
    const pending = this.segmenter.firstPendingSpeakable();
    if (pending === void 0) {
      this.pendingOffset = void 0;
      this.deadline?.unsubscribe();
      this.deadline = void 0;
      return;
    }
    const { scheduler } = this.options;
    if (pending !== this.pendingOffset) {
      this.pendingOffset = pending;
      this.pendingAt = scheduler.now();
    }
    const due = this.dueAt();
    if (this.deadline !== void 0 && this.deadlineAt <= due) return;
    this.deadline?.unsubscribe();
    this.deadline = void 0;
    if (due === Number.POSITIVE_INFINITY) return;
    this.deadlineAt = due;
    this.deadline = timer(scheduler, due - scheduler.now(), () => {
      this.deadline = void 0;
      if (this.over || this.turn !== void 0) return;
      if (scheduler.now() < this.dueAt()) return this.armDeadline();
      const before = this.released;
      if (this.release(() => this.segmenter.releaseNow()) && this.released > before) this.armDeadline();
    });
  }
  /** When the held text is due for release (first-segment or idle deadline, whichever is first). */
  dueAt() {
    const { firstSegmentMs, idleMs } = this.options;
    return Math.min(
      firstSegmentMs === false || this.released > 0 ? Number.POSITIVE_INFINITY : this.pendingAt + firstSegmentMs,
      idleMs === false ? Number.POSITIVE_INFINITY : this.lastDeltaAt + idleMs
    );
  }
  release(run) {
    let list;
    try {
      list = run();
    } catch (err) {
      this.fail(SpeechError.from(err, "invalid-input", { retryable: false }));
      return false;
    }
    if (list.length === 0) return true;
    this.released += list.length;
    const max = this.options.maxChars;
    this.sink.segments(max === void 0 ? list : list.flatMap((s) => fitToLimit(s, max, this.original)));
    return !this.over;
  }
  fail(error) {
    if (this.over) return;
    this.stop();
    this.sink.error(error);
  }
};
function safeCut(text, at) {
  const code = text.charCodeAt(at - 1);
  return code >= 55296 && code <= 56319 ? at - 1 : at;
}
function fitToLimit(segment, maxChars, original) {
  const { speakable } = segment;
  if (speakable.length <= maxChars) return [segment];
  const cuts = [];
  let from = 0;
  while (speakable.length - from > maxChars) {
    let cut = speakable.lastIndexOf(" ", from + maxChars);
    if (cut <= from) cut = safeCut(speakable, from + maxChars);
    else while (cut < speakable.length && /\s/.test(speakable[cut] ?? "")) cut++;
    cuts.push([from, cut]);
    from = cut;
  }
  cuts.push([from, speakable.length]);
  let prevEnd = segment.start;
  return cuts.map(([a, b], i) => {
    const last = i === cuts.length - 1;
    const start = prevEnd;
    const end = last ? segment.end : Math.max(start, segment.toOriginal(b));
    prevEnd = end;
    const toOriginal = (offset) => offset >= b - a ? end : Math.max(start, Math.min(end, segment.toOriginal(a + offset)));
    return {
      index: segment.index,
      text: original.slice(start, end),
      start,
      end,
      reason: last ? segment.reason : "max-length",
      speakable: speakable.slice(a, b),
      speakableMap: anchorsOf(b - a, toOriginal),
      toOriginal
    };
  });
}
function anchorsOf(length, toOriginal) {
  const triples = [];
  for (let s = 0; s < length; s++) {
    const o = toOriginal(s);
    const last = triples.length - 3;
    if (last >= 0 && triples[last + 1] + triples[last + 2] === o && triples[last] + triples[last + 2] === s) {
      triples[last + 2] = triples[last + 2] + 1;
    } else triples.push(s, o, 1);
  }
  return Uint32Array.from(triples);
}

// src/session/watchdog.ts
var Watchdog = class {
  /**
   * @param owed - whether audio is owed right now (checked when the watchdog fires)
   * @param stalled - called once when nothing happened for `limitMs` while audio was owed
   */
  constructor(scheduler, limitMs, owed, stalled) {
    this.scheduler = scheduler;
    this.limitMs = limitMs;
    this.owed = owed;
    this.stalled = stalled;
  }
  scheduler;
  limitMs;
  owed;
  stalled;
  timer;
  lastProgressAt = 0;
  /** Something happened (or audio became owed): the deadline restarts from now. */
  progress() {
    this.lastProgressAt = this.scheduler.now();
    if (!this.timer) this.arm(this.limitMs);
  }
  /** Stops watching (until the next `progress()`). */
  stop() {
    this.timer?.unsubscribe();
    this.timer = void 0;
  }
  arm(delay) {
    this.timer = timer(this.scheduler, delay, () => {
      this.timer = void 0;
      if (!this.owed()) return;
      const idle = this.scheduler.now() - this.lastProgressAt;
      if (idle >= this.limitMs) this.stalled();
      else this.arm(this.limitMs - idle);
    });
  }
};

// src/session/reply-output.ts
var ReplyOutput = class {
  constructor(out) {
    this.out = out;
  }
  out;
  /** Events kept while the reply is not at the front; undefined once it is. */
  outbox = [];
  last;
  /** The reply's last emission has been delivered (or will never be). */
  delivered = false;
  /** Whether the subscriber has gone (unsubscribed, completed or errored). */
  get closed() {
    return this.out.closed;
  }
  /** Emits an event, or keeps it until the reply is at the front. */
  next(event) {
    if (this.outbox) this.outbox.push(event);
    else if (!this.out.closed) this.out.next(event);
  }
  /** The reply's last emission: now at the front, else when it gets there. */
  end(last) {
    if (this.outbox) {
      this.last = () => last(this.out);
      return;
    }
    this.delivered = true;
    if (!this.out.closed) last(this.out);
  }
  /** Nothing more will be emitted (cancelled): the reply is delivered as it is. */
  drop() {
    this.outbox = void 0;
    this.last = void 0;
    this.delivered = true;
  }
  /** The reply reached the front: deliver what it kept. Returns {@link delivered}. */
  toFront() {
    const kept = this.outbox;
    this.outbox = void 0;
    if (kept) {
      for (const event of kept) if (!this.out.closed) this.out.next(event);
    }
    const last = this.last;
    this.last = void 0;
    if (last) {
      this.delivered = true;
      if (!this.out.closed) last();
    }
    return this.delivered;
  }
};

// src/session/reply.ts
var RUNAWAY_BASE_MS = 3e4;
var RUNAWAY_PER_CHAR_MS = 600;
var counter = 0;
function newUtteranceId() {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `utt-${Date.now().toString(36)}-${counter.toString(36)}`;
}
var Reply = class {
  constructor(host, source, out) {
    this.host = host;
    this.source = source;
    this.output = new ReplyOutput(out);
    this.startedAt = host.scheduler.now();
    this.assembler = new Assembler({
      utteranceId: this.id,
      rate: host.outputRate,
      emit: (event) => this.emit(event),
      acks: () => this.provider.capabilities.segmentAcks,
      wordTimestamps: () => this.provider.capabilities.wordTimestamps,
      speakingRate: () => host.speakingRate(this.providerIndex),
      now: () => host.scheduler.now()
    });
    this.dispatcher = new Dispatcher(
      {
        segments: this.assembler.segments,
        slot: host.slot,
        scheduler: host.scheduler,
        head: () => this.assembler.head,
        inputEnded: () => this.inputEnded,
        halted: () => this.over || this.state !== "active" || this.recovering !== void 0,
        connect: () => this.connect(),
        emittedMs: () => this.assembler.emittedMs(),
        playedMs: () => this.played ?? (this.assembler.firstAudioAt === void 0 ? 0 : host.scheduler.now() - this.assembler.firstAudioAt),
        spokenContext: () => this.assembler.spokenContext(),
        playbackReported: () => this.played !== void 0,
        owed: () => this.watchdog.progress(),
        limited: (error) => this.terminal(error)
      },
      this.id,
      host.options.maxBufferedAudioMs,
      host.options.onLimit
    );
    const limitMs = host.options.firstAudioMs;
    this.watchdog = new Watchdog(host.scheduler, limitMs, () => this.dispatcher.outstanding(), () => {
      const name = this.dispatcher.generation?.provider.name ?? this.provider.name;
      this.fail(new SpeechError("timeout", `No audio from ${name} for ${limitMs} ms after sending text.`, { provider: name }), true);
    });
  }
  host;
  source;
  id = newUtteranceId();
  state = "queued";
  assembler;
  dispatcher;
  watchdog;
  input;
  inputEnded = false;
  providerIndex = 0;
  retries = 0;
  totalRetries = 0;
  recovering;
  connecting = false;
  played;
  output;
  startedAt;
  get provider() {
    return this.host.providers[this.providerIndex];
  }
  get over() {
    return this.state === "over" || this.output.closed;
  }
  /** The reply's last event (or error) has been delivered. */
  get delivered() {
    return this.output.delivered;
  }
  /** Whether the reply has started and not ended. */
  get running() {
    return this.state === "active";
  }
  // ---------------------------------------------------------------- lifecycle
  /** Starts reading the input, on provider `providerIndex` of the chain. */
  start(providerIndex) {
    if (this.state !== "queued") return;
    this.state = "active";
    this.providerIndex = providerIndex;
    const input = new ReplyInput(
      { ...this.host.options, maxChars: this.host.maxChars },
      {
        segments: (list) => {
          for (const s of list) this.assembler.segments.push(createSegmentState(s, this.assembler.segments.length));
          this.progressed();
        },
        end: () => {
          this.inputEnded = true;
          this.progressed();
        },
        error: (error) => this.terminal(error)
      }
    );
    this.input = input;
    input.start(this.source);
  }
  /** The reply reached the front of its session: deliver what it kept. Returns `delivered`. */
  toFront() {
    return this.output.toFront();
  }
  /** Whether this reply's current generation is on `conn` (with wire id `id`, when given). */
  uses(conn, id) {
    const gen = this.dispatcher.generation;
    return this.state === "active" && gen !== void 0 && gen.conn === conn && (id === void 0 || gen.id === id);
  }
  emit(event) {
    if (this.over) return false;
    this.output.next(event);
    return !this.over;
  }
  /** After new segments, output or acks: emit, complete when everything is out, send more. */
  progressed() {
    if (this.over) return;
    this.assembler.advance();
    if (this.over) return;
    if (this.inputEnded && this.assembler.drained) this.complete();
    else this.dispatcher.pump();
  }
  complete() {
    const metrics = this.metrics(0);
    this.finish("completed", metrics, (out) => {
      out.next({ type: "utterance-end", utteranceId: this.id, text: this.original, metrics });
      out.complete();
    });
  }
  // ---------------------------------------------------------------- connection and events
  connect() {
    if (this.connecting) return;
    this.connecting = true;
    const current = this.host.slot.currentIndex ?? 0;
    if (current > this.providerIndex) {
      this.providerIndex = current;
      this.retries = 0;
    }
    this.host.slot.acquire(this.providerIndex).then(
      (conn) => {
        this.connecting = false;
        if (this.over || this.state !== "active" || this.recovering || this.dispatcher.generation) return;
        if (conn.dead) {
          this.fail(new SpeechError("connection", `The connection to ${conn.provider.name} closed.`, { provider: conn.provider.name }), true);
          return;
        }
        this.dispatcher.begin(conn);
        this.assembler.generationStart = this.assembler.emitted;
        this.dispatcher.pump();
      },
      (err) => {
        this.connecting = false;
        if (this.over || this.state !== "active") return;
        this.fail(SpeechError.from(err, "connection", { provider: this.provider.name }), true);
      }
    );
  }
  /** An event of this reply's current generation. */
  onEvent(event) {
    const gen = this.dispatcher.generation;
    if (!gen || this.over) return;
    if (event.type === "error") {
      this.fail(event.error, false);
      return;
    }
    this.watchdog.progress();
    switch (event.type) {
      case "audio": {
        const rate = this.host.outputRate;
        const pcm = event.sampleRate === rate || event.pcm.length === 0 ? event.pcm : resample(event.pcm, event.sampleRate, rate);
        gen.receivedMs += msOf(pcm.length, rate);
        if (gen.receivedMs > RUNAWAY_BASE_MS + RUNAWAY_PER_CHAR_MS * gen.chars) {
          const error = new SpeechError("protocol", `${gen.provider.name} sent far more audio than the text can take; treating the generation as runaway.`, { provider: gen.provider.name });
          this.fail(error, true, true);
          return;
        }
        this.assembler.onAudio(event.segmentId, pcm);
        break;
      }
      case "word":
        this.assembler.onWord(event.segmentId, event.word);
        break;
      case "segment-done":
        this.assembler.onSegmentDone(event.segmentId);
        break;
      case "utterance-done":
        gen.done = true;
        this.assembler.onGenerationDone();
        break;
      default:
        return;
    }
    this.progressed();
  }
  /** Reported playback position (ms from the start of the reply). */
  onPlayback(playedMs) {
    this.played = Math.max(this.played ?? 0, playedMs);
    this.dispatcher.pump();
  }
  // ---------------------------------------------------------------- failures
  /**
   * A failure of the current generation: retry, fall back or fail, as the recovery policy decides.
   * @param closeConnection - the connection is unusable (or suspect, e.g. stalled) and is closed
   * @param garbled - the generation's audio cannot be trusted to say its text (runaway): the head
   *   resumes where this generation started it
   */
  fail(error, closeConnection, garbled = false) {
    if (this.over || this.state !== "active") return;
    this.dispatcher.end(closeConnection);
    this.watchdog.stop();
    const state = { retries: this.retries, maxRetries: this.host.options.maxRetries, providerIndex: this.providerIndex, providerCount: this.host.providers.length };
    const { initialDelayMs, maxDelayMs, jitter } = this.host.options;
    const decision = decideRecovery(error, closeConnection, state, (attempt) => backoffDelay(attempt, { initialDelayMs, maxDelayMs, jitter }));
    if (decision.kind === "fail") {
      this.terminal(error);
      return;
    }
    if (decision.kind === "retry") this.retries++;
    else {
      this.providerIndex++;
      this.retries = 0;
    }
    this.totalRetries++;
    this.recovering = timer(this.host.scheduler, decision.kind === "retry" ? decision.delayMs : 0, () => {
      this.recovering = void 0;
      if (this.over) return;
      const at = this.assembler.emittedMs();
      const ctx = this.assembler.spokenContext();
      const heard = (seg) => garbled ? seg.sendOffset : heardInSegment(seg, at, ctx, true).speakableEnd;
      applyResume(this.assembler.segments, planResume(this.assembler.segments, this.assembler.head, heard));
      this.progressed();
    });
  }
  /** Fails the reply for good, with the text that was not spoken. */
  terminal(error) {
    if (this.over) return;
    const { segments, head } = this.assembler;
    const from = segments[head]?.segment.start ?? segments[segments.length - 1]?.segment.end ?? 0;
    const wrapped = finalError(error, this.original.slice(from), this.provider.name);
    this.finish("failed", this.metrics(this.wasted()), (out) => out.error(wrapped));
  }
  // ---------------------------------------------------------------- cancel and interrupt
  /** Unsubscribe or abort: stop everything, emit nothing more. */
  cancel() {
    if (this.state === "over") return;
    if (this.state === "queued") {
      this.state = "over";
      this.output.drop();
      this.host.replyDone(this, void 0);
      return;
    }
    this.finish("cancelled", this.metrics(this.wasted()));
  }
  /** Session closed: fail with `cancelled`. */
  abort(error) {
    if (this.state === "over") return;
    this.output.toFront();
    if (this.state === "queued") {
      this.state = "over";
      this.output.end((out) => out.error(error));
      return;
    }
    this.finish("cancelled", this.metrics(this.wasted()), (out) => out.error(error));
  }
  /** Barge-in: `interrupted` with the text heard, then complete. */
  interrupt() {
    if (this.state !== "active" || this.over) return;
    const hasPlayback = this.played !== void 0;
    const playedMs = Math.min(hasPlayback ? this.played : Number.POSITIVE_INFINITY, this.assembler.emittedMs());
    const spoken = spokenAt(this.assembler.segments, this.original, playedMs, this.assembler.spokenContext());
    const basis = hasPlayback ? "playback" : spoken.byWords ? "words" : "estimate";
    const metrics = this.metrics(wastedChars(this.assembler.segments, spoken));
    this.finish("interrupted", metrics, (out) => {
      out.next({ type: "interrupted", utteranceId: this.id, spokenText: this.original.slice(0, spoken.end), spokenEnd: spoken.end, playedMs, basis, metrics });
      out.complete();
    });
  }
  /** Common end: stop input, timers and the generation; deliver the last event; tell the session. */
  finish(outcome, metrics, last) {
    if (this.state === "over") return;
    this.input?.stop();
    this.recovering?.unsubscribe();
    this.recovering = void 0;
    this.dispatcher.end(false);
    this.watchdog.stop();
    this.state = "over";
    if (last) this.output.end(last);
    else this.output.drop();
    this.host.replyDone(this, { utteranceId: this.id, outcome, metrics });
  }
  // ---------------------------------------------------------------- accounting
  /** The reply's text as written so far. */
  get original() {
    return this.input?.original ?? "";
  }
  wasted() {
    const at = Math.min(this.played ?? Number.POSITIVE_INFINITY, this.assembler.emittedMs());
    return wastedChars(this.assembler.segments, spokenAt(this.assembler.segments, this.original, at, this.assembler.spokenContext()));
  }
  metrics(wastedCharacters) {
    const a = this.assembler;
    const timeline = {
      startedAt: this.startedAt,
      firstTokenAt: this.input?.firstDeltaAt,
      firstAudioAt: a.firstAudioAt,
      lastAudioAt: a.lastAudioAt,
      retries: this.totalRetries,
      provider: this.provider.name
    };
    return replyMetrics(timeline, a.segments, a.emitted, this.host.outputRate, this.host.scheduler.now(), wastedCharacters);
  }
};

// src/session/session.ts
var closedError = () => new SpeechError("cancelled", "The speech session is closed.", { retryable: false });
var Session = class {
  options;
  providers;
  scheduler;
  outputRate;
  maxChars;
  slot;
  metrics$;
  metricsSubject = new Subject();
  /** Replies not yet started. */
  queue = [];
  /** Replies started and not over. */
  running = [];
  /** Every reply whose last event is not yet delivered, in `say()` order; the first is the front. */
  order = [];
  closed = false;
  rates = /* @__PURE__ */ new Map();
  constructor(options) {
    this.options = resolveOptions2(options);
    this.providers = fallbackProviders(this.options.provider);
    for (const p of this.providers) checkDrivable(p);
    this.scheduler = this.options.scheduler;
    this.outputRate = this.providers[0].capabilities.sampleRate;
    const limits = this.providers.map((p) => p.capabilities.maxCharsPerRequest).filter((n) => n !== void 0 && n > 0);
    this.maxChars = limits.length > 0 ? Math.min(...limits) : void 0;
    this.metrics$ = this.metricsSubject.asObservable();
    this.slot = new ConnectionSlot(
      { providers: this.providers, scheduler: this.scheduler, handshakeMs: this.options.handshakeMs, slotWaitMs: this.options.slotWaitMs, onLimit: this.options.onLimit },
      {
        event: (conn, event) => {
          const id = "utteranceId" in event ? event.utteranceId : void 0;
          for (const reply of this.running) if (id !== void 0 && reply.uses(conn, id)) return reply.onEvent(event);
        },
        dead: (conn, error) => {
          for (const reply of [...this.running]) if (reply.uses(conn)) reply.fail(error, true);
        }
      }
    );
  }
  /** {@inheritDoc SpeechSession.say} */
  say(input, options = {}) {
    return new Observable((subscriber) => {
      if (this.closed) {
        subscriber.error(closedError());
        return void 0;
      }
      if (!isSpeechInput(input)) {
        subscriber.error(new SpeechError("invalid-input", "say() input must be a string, an (async) iterable of strings or an Observable of strings.", { retryable: false }));
        return void 0;
      }
      let signal;
      try {
        signal = validateSignal((options ?? {}).signal, "say()");
      } catch (err) {
        subscriber.error(err);
        return void 0;
      }
      if (signal?.aborted) {
        subscriber.complete();
        return void 0;
      }
      const reply = new Reply(this, input, subscriber);
      const onAbort = () => {
        reply.cancel();
        subscriber.complete();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(reply);
      this.order.push(reply);
      this.promote();
      this.next();
      return () => {
        signal?.removeEventListener("abort", onAbort);
        reply.cancel();
      };
    });
  }
  /** {@inheritDoc ReplyHost.speakingRate} */
  speakingRate(index) {
    let rate = this.rates.get(index);
    if (!rate) {
      rate = { chars: 0, ms: 0 };
      this.rates.set(index, rate);
    }
    return rate;
  }
  /** {@inheritDoc SpeechSession.interrupt} */
  interrupt() {
    const front = this.order[0];
    if (front?.running) front.interrupt();
  }
  /** {@inheritDoc SpeechSession.reportPlayback} */
  reportPlayback(utteranceId, playedMs) {
    if (typeof utteranceId !== "string" || typeof playedMs !== "number" || !Number.isFinite(playedMs) || playedMs < 0) return;
    this.running.find((r) => r.id === utteranceId)?.onPlayback(playedMs);
  }
  /** {@inheritDoc SpeechSession.warmup} */
  async warmup() {
    if (this.closed) throw closedError();
    await this.providers[0].warmup?.();
    await this.slot.acquire(this.slot.currentIndex ?? 0);
  }
  /** {@inheritDoc SpeechSession.close} */
  async close() {
    if (this.closed) return;
    this.closed = true;
    const error = new SpeechError("cancelled", "The speech session was closed.", { retryable: false });
    for (const reply of [...this.order]) reply.abort(error);
    this.queue.length = 0;
    this.running.length = 0;
    this.order.length = 0;
    this.slot.close();
    this.metricsSubject.complete();
  }
  /** {@inheritDoc ReplyHost.replyDone} */
  replyDone(reply, report) {
    remove(this.queue, reply);
    remove(this.running, reply);
    if (report) this.metricsSubject.next(report);
    if (this.closed) return;
    this.promote();
    this.next();
  }
  /** Hands the front on past every delivered reply. */
  promote() {
    while (this.order.length > 0) {
      const front = this.order[0];
      if (!front.delivered && !front.toFront()) return;
      this.order.shift();
    }
  }
  /** Starts queued replies while the strategy allows more on the connection. */
  next() {
    while (!this.closed && this.queue.length > 0) {
      const index = this.slot.currentIndex ?? 0;
      const cap = strategyFor(this.providers[index].capabilities).repliesPerConnection;
      if (this.running.length >= cap) return;
      const reply = this.queue.shift();
      if (this.running.length === 0) this.slot.renewIfOld();
      this.running.push(reply);
      reply.start(this.slot.currentIndex ?? 0);
    }
  }
};
function remove(list, item) {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

// src/session/index.ts
function speak(input, options) {
  return defer(() => {
    if (!isSpeechInput(input)) {
      throw new SpeechError("invalid-input", "speak() input must be a string, an (async) iterable of strings or an Observable of strings.", { retryable: false });
    }
    if (typeof options !== "object" || options === null) {
      throw new SpeechError("invalid-input", "speak() needs options with a provider.", { retryable: false });
    }
    const { signal: rawSignal, ...sessionOptions } = options;
    const signal = validateSignal(rawSignal, "speak()");
    const session = new Session(sessionOptions);
    return session.say(input, signal ? { signal } : {}).pipe(finalize(() => void session.close()));
  });
}
function createSpeechSession(options) {
  return new Session(options);
}

export { IS_LITTLE_ENDIAN, SegmenterOptionsError, SpeechError, alawToLinear, base64ToBytes, base64ToPcm16, bytesToBase64, bytesToPcm16, concatPcm, createFramer, createPcm16Decoder, createResampler, createSegmenter, createSpeechSession, createWavHeaderStripper, decodeAlaw, decodeMulaw, durationMs, encodeAlaw, encodeMulaw, encodeWav, fallback, float32BytesToInt16, float32ToInt16, int16ToFloat32, isAbortError, linearToAlaw, linearToMulaw, mapSpeakableOffset, mulawToLinear, parseWav, pcm16ToBytes, pcmToBase64, resample, samplesForMs, segmentText, speak, toMono, toSpeakable, wavDataToPcm16, wavHeader };
