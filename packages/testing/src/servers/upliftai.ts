/**
 * An Uplift AI test server for the plain WebSocket multi-stream endpoint
 * (`/v1/text-to-speech/multi-stream`), faithful to the documented protocol and its quirks:
 * - `Authorization: Bearer <key>`; a bad key gets `{type: "error", code: "auth_failed"}` and a close
 *   (or HTTP 401 at the upgrade with `authFailure: 'http-401'`);
 * - `{type: "ready", sessionId}` first; messages sent before it are violations;
 * - one-shot `synthesize {requestId, text (<= 10 000), voiceId, outputFormat?}` requests, answered by
 *   `audio_start`, `audio {audio, sequence}`..., `audio_end`, **interleaved** across concurrent requests;
 * - `cancel {requestId}` stops a request (nothing more is sent for it);
 * - errors `{type: "error", requestId?, code, message}`: `auth_failed`, `synthesis_failed`,
 *   `duplicate_request`, `rate_limit_exceeded`, `text_too_long` (60 requests per minute per connection);
 * - an unknown `voiceId` produces neither audio nor an error (the reported quirk).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { z } from 'zod';
import { BaseTestServer, type BaseServerOptions, type TestConnection, type UpgradeRejection } from '../base/server.js';
import type { Generation, ReceivedMessage } from '../base/recorder.js';
import { pcmToBytes } from '../base/pcm.js';
import type { ProviderErrorKind } from '../base/faults.js';

/** The plain WebSocket path. */
export const UPLIFTAI_WS_PATH = '/v1/text-to-speech/multi-stream';
/** The voices documented for the WebSocket API. */
export const UPLIFTAI_VOICES = ['v_meklc281', 'v_8eelc901', 'v_30s70t3a', 'v_yypgzenx'] as const;
/** Documented output formats. */
export const UPLIFTAI_FORMATS = [
  'PCM_22050_16',
  'WAV_22050_16',
  'WAV_22050_32',
  'MP3_22050_32',
  'MP3_22050_64',
  'MP3_22050_128',
  'OGG_22050_16',
  'ULAW_8000_8',
] as const;

/** Error frames by fault kind. */
export const UPLIFTAI_ERRORS: Readonly<Record<ProviderErrorKind, { code: string; message: string }>> = {
  auth: { code: 'auth_failed', message: 'Invalid API key' },
  'rate-limit': { code: 'rate_limit_exceeded', message: 'Too many requests' },
  'text-too-long': { code: 'text_too_long', message: 'Text exceeds 10000 characters' },
  server: { code: 'synthesis_failed', message: 'TTS service error' },
};

/** Options of {@link UpliftTestServer}. */
export interface UpliftServerOptions extends BaseServerOptions {
  /** How a bad key fails: an `auth_failed` error then close (default), or HTTP 401 at the upgrade. */
  readonly authFailure?: 'error-message' | 'http-401';
  /** Voices that produce audio; others stay silent (no audio, no error). Default {@link UPLIFTAI_VOICES}. */
  readonly voices?: readonly string[];
  /** Synthesis requests per minute per connection. Default 60. */
  readonly requestsPerMinute?: number;
  /** Maximum text length. Default 10 000. */
  readonly maxChars?: number;
}

const Synthesize = z
  .object({
    type: z.literal('synthesize'),
    requestId: z.string().min(1),
    text: z.string().min(1),
    voiceId: z.string().min(1),
    outputFormat: z.enum(UPLIFTAI_FORMATS).optional(),
    phraseReplacementConfigId: z.string().optional(),
  })
  .strict();
const Cancel = z.object({ type: z.literal('cancel'), requestId: z.string().min(1) }).strict();
const ClientMessage = z.discriminatedUnion('type', [Synthesize, Cancel]);

/** One request as the server runs it. */
export interface UpliftRequestState {
  readonly requestId: string;
  cancelled: boolean;
  generation: Generation | undefined;
}

/** Per-connection state of the Uplift AI test server. */
export interface UpliftConnectionState {
  ready: boolean;
  authed: boolean;
  readonly sessionId: string;
  /** Every requestId ever used on the connection. */
  readonly used: Set<string>;
  /** Requests still running. */
  readonly active: Map<string, UpliftRequestState>;
  readonly requestTimes: number[];
}

type Conn = TestConnection<UpliftConnectionState>;

/** The Uplift AI test server. Start with {@link createUpliftServer}. */
export class UpliftTestServer extends BaseTestServer<UpliftConnectionState> {
  readonly name = 'upliftai';
  protected readonly path = UPLIFTAI_WS_PATH;
  protected override readonly hasAppHandshake = true;
  private readonly authFailure: 'error-message' | 'http-401';
  private readonly voices: readonly string[];
  private readonly requestsPerMinute: number;
  private readonly maxChars: number;

  constructor(options: UpliftServerOptions = {}) {
    super(options);
    this.authFailure = options.authFailure ?? 'error-message';
    this.voices = options.voices ?? UPLIFTAI_VOICES;
    this.requestsPerMinute = options.requestsPerMinute ?? 60;
    this.maxChars = options.maxChars ?? 10_000;
  }

  protected override authenticateUpgrade(req: http.IncomingMessage): UpgradeRejection | undefined {
    if (this.authFailure !== 'http-401' || this.keyOk(req.headers)) return undefined;
    return { status: 401, body: JSON.stringify({ code: 'auth_failed', message: 'Invalid API key' }) };
  }

  private keyOk(headers: http.IncomingHttpHeaders): boolean {
    return headers['authorization'] === `Bearer ${this.apiKey}`;
  }

  protected createState(): UpliftConnectionState {
    return { ready: false, authed: false, sessionId: randomUUID(), used: new Set(), active: new Map(), requestTimes: [] };
  }

  protected onOpen(conn: Conn): void {
    if (!this.keyOk(conn.headers)) {
      this.send(conn, { type: 'error', ...UPLIFTAI_ERRORS.auth });
      conn.ws.close(1008, 'auth_failed');
      return;
    }
    conn.state.authed = true;
    this.afterHandshakeDelay(conn, () => {
      conn.state.ready = true;
      this.send(conn, { type: 'ready', sessionId: conn.state.sessionId });
    });
  }

  protected onMessage(conn: Conn, message: ReceivedMessage): void {
    const st = conn.state;
    if (!st.authed) return;
    if (!st.ready) this.violation(conn, 'sent-before-ready', 'a message was sent before ready');
    if (message.binary || message.json === undefined) {
      this.violation(conn, 'invalid-message', `Uplift AI accepts JSON text frames only, got ${message.binary ? 'a binary frame' : 'invalid JSON'}`);
      this.send(conn, { type: 'error', code: 'invalid_request', message: 'Invalid message' });
      return;
    }
    const json = message.json as { type?: unknown; requestId?: unknown };
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      const type = json?.type;
      const requestId = typeof json?.requestId === 'string' ? json.requestId : undefined;
      const tooLong = type === 'synthesize' && typeof (json as { text?: unknown }).text === 'string' && ((json as { text: string }).text.length > this.maxChars);
      this.violation(
        conn,
        typeof type === 'string' && type !== 'synthesize' && type !== 'cancel' ? 'unknown-message' : 'invalid-message',
        `not a valid Uplift AI message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
      this.send(conn, { type: 'error', ...(requestId ? { requestId } : {}), ...(tooLong ? UPLIFTAI_ERRORS['text-too-long'] : { code: 'invalid_request', message: 'Invalid message' }) });
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'cancel') {
      const request = st.active.get(msg.requestId);
      if (request) {
        request.cancelled = true;
        st.active.delete(msg.requestId);
        this.changed();
      }
      return;
    }
    this.onSynthesize(conn, msg);
  }

  private onSynthesize(conn: Conn, msg: z.infer<typeof Synthesize>): void {
    const st = conn.state;
    const error = (kind: ProviderErrorKind | 'duplicate'): void => {
      const body = kind === 'duplicate' ? { code: 'duplicate_request', message: 'Request ID already used' } : UPLIFTAI_ERRORS[kind];
      this.send(conn, { type: 'error', requestId: msg.requestId, ...body });
    };
    const injected = this.countText(conn);
    if (st.used.has(msg.requestId)) {
      this.violation(conn, 'duplicate-request', `requestId ${msg.requestId} was already used on this connection`);
      error('duplicate');
      return;
    }
    st.used.add(msg.requestId);
    if (injected !== undefined) {
      if (injected === 'auth') {
        this.send(conn, { type: 'error', ...UPLIFTAI_ERRORS.auth });
        conn.ws.close(1008, 'auth_failed');
      } else error(injected);
      return;
    }
    if (msg.text.length > this.maxChars) {
      this.violation(conn, 'text-too-long', `text of ${msg.text.length} characters exceeds ${this.maxChars}`);
      error('text-too-long');
      return;
    }
    const now = this.now();
    while (st.requestTimes.length > 0 && (st.requestTimes[0] ?? 0) <= now - 60_000) st.requestTimes.shift();
    if (st.requestTimes.length >= this.requestsPerMinute) {
      this.violation(conn, 'rate-limit', `more than ${this.requestsPerMinute} synthesis requests per minute`);
      error('rate-limit');
      return;
    }
    st.requestTimes.push(now);
    const format = msg.outputFormat ?? 'PCM_22050_16';
    if (format.startsWith('MP3') || format.startsWith('OGG')) {
      this.violation(conn, 'unsupported-by-test-server', `the test server cannot encode ${format}`);
      error('server');
      return;
    }
    const request: UpliftRequestState = { requestId: msg.requestId, cancelled: false, generation: undefined };
    st.active.set(msg.requestId, request);
    void this.run(conn, request, msg.text, msg.voiceId, format);
  }

  protected override streamError(conn: Conn, kind: ProviderErrorKind, gen: Generation): void {
    if (kind === 'auth') {
      this.send(conn, { type: 'error', ...UPLIFTAI_ERRORS.auth });
      conn.ws.close(1008, 'auth_failed');
      return;
    }
    this.send(conn, { type: 'error', ...(gen.key === undefined ? {} : { requestId: gen.key }), ...UPLIFTAI_ERRORS[kind] });
  }

  private async run(conn: Conn, request: UpliftRequestState, text: string, voiceId: string, format: string): Promise<void> {
    const rate = format === 'ULAW_8000_8' ? 8000 : 22_050;
    const { generation: gen, pcm } = this.synthesize(conn, text, rate, request.requestId);
    request.generation = gen;
    if (!this.voices.includes(voiceId)) {
      // The quirk: an unknown voice gives neither audio nor an error.
      this.endGeneration(gen, 'stalled');
      return;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (conn.closed || request.cancelled) {
      this.endGeneration(gen, conn.closed ? 'dropped' : 'cancelled');
      return;
    }
    this.send(conn, { type: 'audio_start', requestId: request.requestId, timestamp: Date.now() });
    const bytesPerSample = format === 'ULAW_8000_8' ? 1 : format === 'WAV_22050_32' ? 4 : 2;
    const header = format.startsWith('WAV') ? wavHeader32or16(rate, format === 'WAV_22050_32' ? 32 : 16) : undefined;
    const frames = this.audioChunks({ bytes: encode(pcm, format), bytesPerSample }, rate, header).map((c, i) => ({
      samples: c.samples,
      data: { type: 'audio', requestId: request.requestId, audio: c.data.toString('base64'), sequence: i + 1 },
    }));
    const outcome = await this.streamAudio(conn, gen, frames, () => !request.cancelled);
    if (outcome !== 'complete') {
      if (outcome !== 'stalled') conn.state.active.delete(request.requestId);
      return;
    }
    conn.state.active.delete(request.requestId);
    this.endGeneration(gen, 'complete');
    this.send(conn, { type: 'audio_end', requestId: request.requestId, timestamp: Date.now() });
  }
}

function encode(pcm: Int16Array, format: string): Buffer {
  if (format === 'ULAW_8000_8') {
    const out = Buffer.alloc(pcm.length);
    for (let i = 0; i < pcm.length; i++) out[i] = mulawEncode(pcm[i] ?? 0);
    return out;
  }
  if (format === 'WAV_22050_32') {
    const out = Buffer.alloc(pcm.length * 4);
    for (let i = 0; i < pcm.length; i++) out.writeInt32LE((pcm[i] ?? 0) * 65536, i * 4);
    return out;
  }
  return pcmToBytes(pcm);
}

/** G.711 mu-law encoding of one sample (written here so the server shares no code with clients). */
function mulawEncode(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return s;
}

function wavHeader32or16(sampleRate: number, bits: 16 | 32): Buffer {
  const h = Buffer.alloc(44);
  const bytes = bits / 8;
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(0xffffffff, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * bytes, 28);
  h.writeUInt16LE(bytes, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(0xffffffff - 36, 40);
  return h;
}

/** Starts an Uplift AI test server on 127.0.0.1 (ephemeral port). */
export function createUpliftServer(options: UpliftServerOptions = {}): Promise<UpliftTestServer> {
  return new UpliftTestServer(options).listen();
}
