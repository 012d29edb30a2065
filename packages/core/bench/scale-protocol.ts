/**
 * The wire protocol of the scale bench's test server (./scale-server.ts, a separate process) and a
 * minimal {@link SpeechProvider} adapter for it. Bench-only; not exported.
 *
 * One request per segment, several in flight per connection, their audio interleaved — the shape of
 * Uplift AI's multi-stream socket or pipelined OpenAI HTTP requests, and the case that makes audio pile
 * up out of order in the client:
 *
 *   client -> server (JSON text frames, zod-validated): {type:'synthesize', rid, text} | {type:'cancel', rid}
 *   server -> client: binary frames `[u32 LE rid][PCM16 LE mono, 24 kHz]`, paced in real time, about
 *                     40 ms of audio each (sizes and timing jittered); then {type:'done', rid};
 *                     on a bad message {type:'error', rid?, message}.
 *
 * The adapter is engine-independent (it builds its errors with the `SpeechError` of the engine under
 * test), so the baseline engine and today's run exactly the same adapter code.
 */
import { Subject } from 'rxjs';
import { WebSocket } from 'ws';
import { z } from 'zod';
import type { ConnectionEvent, SpeechConnection, SpeechError, SpeechProvider } from '../src/index.js';

/** Sample rate of the test server's audio. */
export const SCALE_SAMPLE_RATE = 24_000;
/** Bytes of the request-id header in front of every binary audio frame. */
export const FRAME_HEADER_BYTES = 4;
/** Requests the adapter declares it may have in flight per connection (`maxConcurrentRequests`). */
export const DEFAULT_REQUESTS_IN_FLIGHT = 3;

const rid = z.number().int().nonnegative();

/** Messages the client sends. */
export const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('synthesize'), rid, text: z.string().min(1) }),
  z.object({ type: z.literal('cancel'), rid }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** JSON messages the server sends (audio goes as binary frames). */
export const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('done'), rid }),
  z.object({ type: z.literal('error'), rid: rid.optional(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

/** The `SpeechError` class of the engine under test (baseline bundle or today's source). */
export type SpeechErrorClass = new (code: SpeechError['code'], message: string, options?: { provider?: string; retryable?: boolean }) => SpeechError;

/** Byte counters of one session's connection, read by the bench (audio the engine holds = received - emitted). */
export interface AudioCounter {
  /** PCM bytes handed to the engine as `audio` connection events. */
  received: number;
}

/** Options of {@link scaleProvider}. */
export interface ScaleProviderOptions {
  readonly url: string;
  readonly SpeechError: SpeechErrorClass;
  /** Requests in flight per connection. Default {@link DEFAULT_REQUESTS_IN_FLIGHT}. */
  readonly requestsInFlight?: number;
  /** Where received audio bytes are counted. */
  readonly counter?: AudioCounter;
}

/** The adapter: `'request'` text input with segment acks and native cancel. */
export function scaleProvider(options: ScaleProviderOptions): SpeechProvider {
  const name = 'scale-test';
  const { url, SpeechError: Err, counter } = options;
  return {
    name,
    capabilities: {
      textInput: 'request',
      segmentAcks: true,
      cancel: 'native',
      wordTimestamps: false,
      sampleRate: SCALE_SAMPLE_RATE,
      sampleRates: [SCALE_SAMPLE_RATE],
      encodings: ['pcm16'],
      maxConcurrentRequests: options.requestsInFlight ?? DEFAULT_REQUESTS_IN_FLIGHT,
    },
    async connect({ signal }): Promise<SpeechConnection> {
      const socket = await open(url, signal, name, Err);
      return new ScaleConnection(socket, name, Err, counter);
    },
  };
}

function open(url: string, signal: AbortSignal, provider: string, Err: SpeechErrorClass): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Err('cancelled', 'Connect aborted.', { provider, retryable: false }));
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const onAbort = (): void => {
      socket.terminate();
      reject(new Err('cancelled', 'Connect aborted.', { provider, retryable: false }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('open', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(new Err('connection', `Scale test server: ${err.message}`, { provider, retryable: true }));
    });
  });
}

interface Request {
  readonly utteranceId: string;
  readonly segmentId: number;
}

/** One socket: maps request ids to (reply, segment) and ends replies once their last request is done. */
class ScaleConnection implements SpeechConnection {
  readonly events = new Subject<ConnectionEvent>();
  private nextRid = 0;
  private readonly requests = new Map<number, Request>();
  /** Requests outstanding per reply, and whether `finish` came. */
  private readonly replies = new Map<string, { open: number; finishing: boolean }>();
  private ended = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly provider: string,
    private readonly Err: SpeechErrorClass,
    private readonly counter: AudioCounter | undefined,
  ) {
    socket.on('message', (data, isBinary) => (isBinary ? this.onAudio(data as Buffer) : this.onJson(String(data))));
    socket.on('close', () => this.end(new Err('connection', 'Scale test server closed the socket.', { provider, retryable: true })));
    socket.on('error', () => {});
  }

  private onAudio(data: Buffer): void {
    if (this.ended) return;
    const request = this.requests.get(data.readUInt32LE(0));
    if (request === undefined) return; // a cancelled request's late frames
    // Copy: a view would keep ws's whole receive chunk alive for as long as the engine holds the audio.
    const pcm = new Int16Array((data.byteLength - FRAME_HEADER_BYTES) >>> 1);
    new Uint8Array(pcm.buffer).set(data.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + pcm.byteLength));
    if (this.counter) this.counter.received += pcm.byteLength;
    this.events.next({ type: 'audio', utteranceId: request.utteranceId, segmentId: request.segmentId, pcm, sampleRate: SCALE_SAMPLE_RATE });
  }

  private onJson(text: string): void {
    if (this.ended) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = serverMessage.safeParse(json);
    if (!parsed.success) return this.fail('unknown message.');
    const m = parsed.data;
    if (m.type === 'error') return this.fail(`server error: ${m.message}`);
    const request = this.requests.get(m.rid);
    if (request === undefined) return;
    this.requests.delete(m.rid);
    this.events.next({ type: 'segment-done', utteranceId: request.utteranceId, segmentId: request.segmentId });
    const reply = this.replies.get(request.utteranceId);
    if (reply && --reply.open === 0 && reply.finishing) this.replyDone(request.utteranceId);
  }

  private replyDone(utteranceId: string): void {
    this.replies.delete(utteranceId);
    this.events.next({ type: 'utterance-done', utteranceId });
  }

  private fail(message: string): void {
    const error = new this.Err('protocol', `Scale test server: ${message}`, { provider: this.provider });
    this.events.next({ type: 'error', error });
    this.socket.terminate();
    this.end(error);
  }

  private end(error?: SpeechError): void {
    if (this.ended) return;
    this.ended = true;
    this.events.next(error ? { type: 'closed', error } : { type: 'closed' });
    this.events.complete();
  }

  private sendJson(message: ClientMessage): void {
    if (this.ended) return;
    this.socket.send(JSON.stringify(message));
  }

  send(request: { utteranceId: string; segmentId: number; text: string }): void {
    if (this.ended) return;
    const id = this.nextRid++;
    this.requests.set(id, { utteranceId: request.utteranceId, segmentId: request.segmentId });
    const reply = this.replies.get(request.utteranceId);
    if (reply) reply.open++;
    else this.replies.set(request.utteranceId, { open: 1, finishing: false });
    this.sendJson({ type: 'synthesize', rid: id, text: request.text });
  }

  finish(utteranceId: string): void {
    const reply = this.replies.get(utteranceId);
    if (reply === undefined || reply.open === 0) return this.replyDone(utteranceId);
    reply.finishing = true;
  }

  cancel(utteranceId: string): void {
    for (const [id, request] of this.requests) {
      if (request.utteranceId !== utteranceId) continue;
      this.requests.delete(id);
      this.sendJson({ type: 'cancel', rid: id });
    }
    this.replies.delete(utteranceId);
  }

  close(): void {
    if (this.ended) return;
    this.end();
    this.socket.close();
  }
}
