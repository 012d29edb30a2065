/**
 * A zero-latency loopback TTS service for the session bench: a real `ws` server on 127.0.0.1
 * (ephemeral port) and a minimal {@link SpeechProvider} adapter for it, built only from @utter/core's
 * public pieces (`connectWebSocket`, `bytesToPcm16`, `SpeechError`). Bench-only; not exported.
 *
 * Wire protocol (JSON text frames validated with zod, audio as binary frames of raw PCM16 LE):
 *
 *   client -> server: {type:'text', id, seg, text} | {type:'finish', id} | {type:'cancel', id}
 *   server -> client: for each `text`, at once and in order: N binary PCM frames, then {type:'done', id, seg};
 *                     for `finish`: {type:'utterance-done', id}; on a bad message: {type:'error', message}.
 *
 * Binary frames carry no header: the server answers every `text` completely before reading the next
 * message, so a frame belongs to the oldest `text` not yet answered with `done` (a FIFO in the adapter).
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Subject } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { SpeechError, bytesToPcm16, pcm16ToBytes } from '../src/index.js';
import { connectWebSocket } from '../src/kit.js';
import type { ConnectionEvent, SpeechConnection, SpeechProvider } from '../src/index.js';

/** Sample rate of the loopback audio. */
export const LOOPBACK_SAMPLE_RATE = 24_000;

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), id: z.string(), seg: z.number().int().nonnegative(), text: z.string() }),
  z.object({ type: z.literal('finish'), id: z.string() }),
  z.object({ type: z.literal('cancel'), id: z.string() }),
]);

const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('done'), id: z.string(), seg: z.number().int().nonnegative() }),
  z.object({ type: z.literal('utterance-done'), id: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

/** Timestamps (`performance.now()`, same process as the client) the server reports to the bench. */
export interface LoopbackServerProbe {
  /** A `text` message for segment `seg` of reply `id` was received (before parsing). */
  onText?(id: string, seg: number, receivedAt: number): void;
  /** The first audio frame of segment `seg` of reply `id` is about to be handed to `ws.send`. */
  onFirstFrame?(id: string, seg: number, sentAt: number): void;
}

/** Options of {@link startLoopbackServer}. */
export interface LoopbackServerOptions {
  /** Binary PCM frames sent per `text` message. Default 5. */
  readonly framesPerSegment?: number;
  /** Samples per frame. Default 480 (20 ms at 24 kHz). */
  readonly samplesPerFrame?: number;
  /** Where receipt and send times go. */
  readonly probe?: LoopbackServerProbe;
}

/** A running loopback server. */
export interface LoopbackServer {
  /** `ws://127.0.0.1:<port>`. */
  readonly url: string;
  /** Sockets currently connected. */
  readonly connections: () => number;
  /** Terminates every socket and stops listening. */
  close(): Promise<void>;
}

/** Starts the zero-latency loopback server on an ephemeral port of 127.0.0.1. */
export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const framesPerSegment = options.framesPerSegment ?? 5;
  const frame = Buffer.from(pcm16ToBytes(new Int16Array(options.samplesPerFrame ?? 480)));
  const probe = options.probe ?? {};
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (socket: WebSocket) => {
    socket.on('message', (raw, isBinary) => {
      const receivedAt = performance.now();
      let json: unknown;
      try {
        json = isBinary ? undefined : JSON.parse(String(raw));
      } catch {
        json = undefined;
      }
      const parsed = clientMessage.safeParse(json);
      if (!parsed.success) {
        socket.send(JSON.stringify({ type: 'error', message: 'bad message' }));
        return;
      }
      const m = parsed.data;
      if (m.type === 'text') {
        probe.onText?.(m.id, m.seg, receivedAt);
        for (let i = 0; i < framesPerSegment; i++) {
          if (i === 0) probe.onFirstFrame?.(m.id, m.seg, performance.now());
          socket.send(frame);
        }
        socket.send(JSON.stringify({ type: 'done', id: m.id, seg: m.seg }));
      } else if (m.type === 'finish') {
        socket.send(JSON.stringify({ type: 'utterance-done', id: m.id }));
      }
      // `cancel`: every text is answered as soon as it arrives, so there is nothing left to stop.
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Timestamps (`performance.now()`) the adapter reports to the bench, to split the figures into parts. */
export interface LoopbackClientProbe {
  /** The `text` message of segment `seg` of reply `id` is about to be handed to the socket. */
  onSend?(id: string, seg: number, at: number): void;
  /** The first audio frame of segment `seg` of reply `id` came off the socket (before decoding). */
  onFirstFrame?(id: string, seg: number, at: number): void;
}

/**
 * The adapter for the loopback protocol: `'context'` text input with segment acks and native cancel,
 * like the in-process zero-latency provider of the bench, so the engine takes the same path.
 */
export function loopbackProvider(url: string, probe: LoopbackClientProbe = {}): SpeechProvider {
  const name = 'loopback';
  return {
    name,
    capabilities: {
      textInput: 'context',
      segmentAcks: true,
      cancel: 'native',
      wordTimestamps: false,
      sampleRate: LOOPBACK_SAMPLE_RATE,
      sampleRates: [LOOPBACK_SAMPLE_RATE],
      encodings: ['pcm16'],
    },
    async connect({ signal }): Promise<SpeechConnection> {
      const socket = await connectWebSocket(url, { signal, provider: name, implementation: 'ws' });
      const events = new Subject<ConnectionEvent>();
      /** Texts sent and not yet answered with `done`, oldest first: binary frames belong to the head. */
      const unanswered: Array<{ id: string; seg: number; audio: boolean }> = [];
      let ended = false;
      const end = (error?: SpeechError): void => {
        if (ended) return;
        ended = true;
        events.next(error ? { type: 'closed', error } : { type: 'closed' });
        events.complete();
      };
      const protocolError = (message: string): void => {
        if (ended) return;
        const error = new SpeechError('protocol', `Loopback: ${message}`, { provider: name });
        events.next({ type: 'error', error });
        socket.close(4000, 'protocol error');
        end(error);
      };
      const sendJson = (message: z.input<typeof clientMessage>): void => {
        if (ended) return;
        try {
          socket.sendJson(message);
        } catch (err) {
          end(SpeechError.from(err, 'connection', { provider: name }));
        }
      };
      socket.messages.subscribe({
        next: (data) => {
          if (ended) return;
          if (typeof data !== 'string') {
            const head = unanswered[0];
            if (head === undefined) return protocolError('audio frame with no text outstanding.');
            if (!head.audio) {
              head.audio = true;
              probe.onFirstFrame?.(head.id, head.seg, performance.now());
            }
            events.next({ type: 'audio', utteranceId: head.id, segmentId: head.seg, pcm: bytesToPcm16(data), sampleRate: LOOPBACK_SAMPLE_RATE });
            return;
          }
          let json: unknown;
          try {
            json = JSON.parse(data);
          } catch {
            return protocolError('malformed JSON frame.');
          }
          const parsed = serverMessage.safeParse(json);
          if (!parsed.success) return protocolError('unknown message.');
          const m = parsed.data;
          if (m.type === 'done') {
            const head = unanswered.shift();
            if (head === undefined || head.id !== m.id || head.seg !== m.seg) return protocolError('`done` out of order.');
            events.next({ type: 'segment-done', utteranceId: m.id, segmentId: m.seg });
          } else if (m.type === 'utterance-done') {
            events.next({ type: 'utterance-done', utteranceId: m.id });
          } else {
            protocolError(`server error: ${m.message}`);
          }
        },
        complete: () => end(new SpeechError('connection', 'Loopback socket closed unexpectedly.', { provider: name, retryable: true })),
      });
      return {
        events,
        send(request) {
          if (ended) return;
          unanswered.push({ id: request.utteranceId, seg: request.segmentId, audio: false });
          probe.onSend?.(request.utteranceId, request.segmentId, performance.now());
          sendJson({ type: 'text', id: request.utteranceId, seg: request.segmentId, text: request.text });
        },
        finish(utteranceId) {
          sendJson({ type: 'finish', id: utteranceId });
        },
        cancel(utteranceId) {
          sendJson({ type: 'cancel', id: utteranceId });
        },
        close() {
          if (ended) return;
          end();
          socket.close();
        },
      };
    },
  };
}
