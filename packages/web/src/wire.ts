/**
 * The utter speech wire format, version 1: how a server streams a reply's speech to a browser and
 * how the browser reports back what it played. Transport-neutral (WebSocket text and binary
 * messages); documented in `docs/web.md`. Used by both the browser entry and `@utter/web/server`.
 *
 * - Server → browser, **binary**: one audio frame per message ({@link encodeAudioFrame}): a 20-byte
 *   little-endian header, the utterance id in UTF-8, padding to an even length, PCM16 LE mono.
 * - Server → browser, **text**: JSON {@link ServerMessage}s (`hello`, `segment`, `word`,
 *   `segment-end`, `utterance-end`, `interrupted`, `error`, `message`).
 * - Browser → server, **text**: JSON {@link ClientMessage}s (`playback`, `interrupt`, `message`).
 *
 * Every JSON message carries `v: 1`. A receiver ignores messages of a higher version it does not
 * know rather than failing (forward compatibility is the sender's job: new fields are optional).
 */
import * as z from 'zod/mini';

/** The wire format's version. Bumped only for incompatible changes. */
export const WIRE_VERSION = 1;

/** The WebSocket subprotocol name a client may request (`new WebSocket(url, SPEECH_SUBPROTOCOL)`). */
export const SPEECH_SUBPROTOCOL = 'utter.speech.v1';

/** Binary frame kind: PCM16 little-endian mono audio. */
export const FRAME_KIND_PCM16 = 1;

/** Size of the fixed part of an audio frame header, in bytes. */
export const AUDIO_FRAME_HEADER_BYTES = 20;

const version = z.literal(WIRE_VERSION);
const id = z.string().check(z.minLength(1), z.maxLength(256));
const ms = z.number().check(z.gte(0));
const index = z.int().check(z.gte(0));

/** `hello`: first message of the server; says which format and version it speaks. */
export const helloMessageSchema = z.object({
  v: version,
  type: z.literal('hello'),
  protocol: z.literal('utter.speech'),
});

/** `segment`: a segment of a reply starts (text, offsets in the reply's original text). */
export const segmentMessageSchema = z.object({
  v: version,
  type: z.literal('segment'),
  utteranceId: id,
  segmentId: index,
  text: z.string(),
  start: index,
  end: index,
});

/** `word`: a word's timing in the reply's audio (when the engine reports words). */
export const wordMessageSchema = z.object({
  v: version,
  type: z.literal('word'),
  utteranceId: id,
  segmentId: index,
  text: z.string(),
  startMs: ms,
  endMs: ms,
  start: z.optional(index),
  end: z.optional(index),
});

/** `segment-end`: all audio of a segment has been sent. */
export const segmentEndMessageSchema = z.object({
  v: version,
  type: z.literal('segment-end'),
  utteranceId: id,
  segmentId: index,
  audioMs: ms,
});

/** `utterance-end`: the reply has been sent completely. */
export const utteranceEndMessageSchema = z.object({
  v: version,
  type: z.literal('utterance-end'),
  utteranceId: id,
  text: z.string(),
  audioMs: ms,
  timeToFirstAudioMs: z.optional(ms),
});

/** `interrupted`: the reply was stopped; `spokenText` is what the listener heard. No audio of it follows. */
export const interruptedMessageSchema = z.object({
  v: version,
  type: z.literal('interrupted'),
  utteranceId: id,
  spokenText: z.string(),
  spokenEnd: index,
  playedMs: ms,
  basis: z.enum(['playback', 'words', 'estimate']),
});

/** `error`: a typed failure (a `SpeechError`'s code, message and retryability; never a secret). */
export const errorMessageSchema = z.object({
  v: version,
  type: z.literal('error'),
  utteranceId: z.optional(id),
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});

/** `message`: an application message, either way (a question, the LLM's text, ...). */
export const appMessageSchema = z.object({
  v: version,
  type: z.literal('message'),
  data: z.unknown(),
});

/** Every JSON message the server sends. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  segmentMessageSchema,
  wordMessageSchema,
  segmentEndMessageSchema,
  utteranceEndMessageSchema,
  interruptedMessageSchema,
  errorMessageSchema,
  appMessageSchema,
]);

/** `playback`: how far the browser has played a reply (and which segment it is in). */
export const playbackMessageSchema = z.object({
  v: version,
  type: z.literal('playback'),
  utteranceId: id,
  segmentId: index,
  playedMs: ms,
});

/**
 * `interrupt`: barge-in. With `utteranceId` and `playedMs` (the player's exact position when it
 * stopped), the server reports that position before interrupting, so `spokenText` is what was heard.
 */
export const interruptMessageSchema = z.object({
  v: version,
  type: z.literal('interrupt'),
  utteranceId: z.optional(id),
  playedMs: z.optional(ms),
});

/** Every JSON message the browser sends. */
export const clientMessageSchema = z.discriminatedUnion('type', [playbackMessageSchema, interruptMessageSchema, appMessageSchema]);

/** First message of the server. */
export type HelloMessage = z.infer<typeof helloMessageSchema>;
/** A segment starts. */
export type SegmentMessage = z.infer<typeof segmentMessageSchema>;
/** A word's timing. */
export type WordMessage = z.infer<typeof wordMessageSchema>;
/** A segment's audio is complete. */
export type SegmentEndMessage = z.infer<typeof segmentEndMessageSchema>;
/** A reply's audio is complete. */
export type UtteranceEndMessage = z.infer<typeof utteranceEndMessageSchema>;
/** A reply was interrupted. */
export type InterruptedMessage = z.infer<typeof interruptedMessageSchema>;
/** A typed failure. */
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
/** An application message. */
export type AppMessage = z.infer<typeof appMessageSchema>;
/** Any JSON message from the server. */
export type ServerMessage = z.infer<typeof serverMessageSchema>;
/** A playback report. */
export type PlaybackMessage = z.infer<typeof playbackMessageSchema>;
/** A barge-in request. */
export type InterruptMessage = z.infer<typeof interruptMessageSchema>;
/** Any JSON message from the browser. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** A decoded binary audio frame. */
export interface AudioFrame {
  readonly utteranceId: string;
  readonly segmentId: number;
  /** Samples per second of `pcm`. */
  readonly sampleRate: number;
  /** Position of the first sample in the reply's audio, in ms. */
  readonly offsetMs: number;
  /** Mono PCM16 samples. */
  readonly pcm: Int16Array;
}

/** Why a wire message could not be read. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes an audio frame. Layout (little-endian): `u8 version`, `u8 kind (1 = PCM16)`,
 * `u16 utteranceId byte length n`, `u32 sampleRate`, `u32 segmentId`, `f64 offsetMs`, `n bytes
 * utteranceId (UTF-8)`, one zero byte if `n` is odd, then the PCM16 samples.
 */
export function encodeAudioFrame(frame: AudioFrame): Uint8Array {
  const idBytes = encoder.encode(frame.utteranceId);
  if (idBytes.length > 0xffff) throw new WireFormatError('utteranceId is longer than 65535 bytes.');
  const pcmStart = AUDIO_FRAME_HEADER_BYTES + idBytes.length + (idBytes.length % 2);
  const out = new Uint8Array(pcmStart + frame.pcm.length * 2);
  const view = new DataView(out.buffer);
  view.setUint8(0, WIRE_VERSION);
  view.setUint8(1, FRAME_KIND_PCM16);
  view.setUint16(2, idBytes.length, true);
  view.setUint32(4, frame.sampleRate, true);
  view.setUint32(8, frame.segmentId, true);
  view.setFloat64(12, frame.offsetMs, true);
  out.set(idBytes, AUDIO_FRAME_HEADER_BYTES);
  for (let i = 0; i < frame.pcm.length; i++) view.setInt16(pcmStart + i * 2, frame.pcm[i] as number, true);
  return out;
}

/** Decodes an audio frame made by {@link encodeAudioFrame}; throws {@link WireFormatError} when it is not one. */
export function decodeAudioFrame(data: ArrayBuffer | ArrayBufferView): AudioFrame {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < AUDIO_FRAME_HEADER_BYTES) throw new WireFormatError(`Audio frame of ${bytes.length} bytes is shorter than its header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frameVersion = view.getUint8(0);
  if (frameVersion !== WIRE_VERSION) throw new WireFormatError(`Audio frame version ${frameVersion} is not supported (expected ${WIRE_VERSION}).`);
  const kind = view.getUint8(1);
  if (kind !== FRAME_KIND_PCM16) throw new WireFormatError(`Audio frame kind ${kind} is not supported.`);
  const idLength = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const segmentId = view.getUint32(8, true);
  const offsetMs = view.getFloat64(12, true);
  const pcmStart = AUDIO_FRAME_HEADER_BYTES + idLength + (idLength % 2);
  if (bytes.length < pcmStart || (bytes.length - pcmStart) % 2 !== 0) throw new WireFormatError('Audio frame length does not match its header.');
  if (sampleRate < 1000 || sampleRate > 384_000) throw new WireFormatError(`Audio frame sample rate ${sampleRate} is out of range.`);
  if (idLength === 0 || !Number.isFinite(offsetMs) || offsetMs < 0) throw new WireFormatError('Audio frame header is malformed.');
  const utteranceId = decoder.decode(bytes.subarray(AUDIO_FRAME_HEADER_BYTES, AUDIO_FRAME_HEADER_BYTES + idLength));
  const count = (bytes.length - pcmStart) / 2;
  const pcm = new Int16Array(count);
  for (let i = 0; i < count; i++) pcm[i] = view.getInt16(pcmStart + i * 2, true);
  return { utteranceId, segmentId, sampleRate, offsetMs, pcm };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WireFormatError('Message is not valid JSON.');
  }
}

function parseWith<T>(schema: z.ZodMiniType<T>, text: string, who: string): T | undefined {
  const value = parseJson(text);
  if (typeof value === 'object' && value !== null && typeof (value as { v?: unknown }).v === 'number' && (value as { v: number }).v > WIRE_VERSION) {
    return undefined; // a newer version: ignore, do not fail
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    throw new WireFormatError(`Invalid ${who} message${where}: ${issue?.message ?? 'unknown shape'}.`);
  }
  return result.data;
}

/** Parses a JSON text message from the server; `undefined` for a newer version's message. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  return parseWith(serverMessageSchema, text, 'server');
}

/** Parses a JSON text message from the browser; `undefined` for a newer version's message. */
export function parseClientMessage(text: string): ClientMessage | undefined {
  return parseWith(clientMessageSchema, text, 'client');
}

/** Distributes `Omit` over a union of message types. */
export type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;

/** Serializes a message (adds `v`). */
export function encodeMessage(message: WithoutVersion<ServerMessage> | WithoutVersion<ClientMessage>): string {
  return JSON.stringify({ v: WIRE_VERSION, ...message });
}
