/**
 * A loopback provider for fault injection: a real `ws` server on 127.0.0.1 speaking a tiny JSON
 * protocol, and an adapter (`SpeechProvider`) for it built on core's `connectWebSocket`, with zod for
 * every wire message. Exported from `@utter/core/testing`.
 *
 * client -> server: {type:'text', id, seg, text} | {type:'finish', id} | {type:'cancel', id} | {type:'ping'}
 * server -> client: {type:'ready'} | {type:'audio', id, seg, data} | {type:'seg-done', id, seg}
 *                 | {type:'done', id} | {type:'error', id?, message, fatal}
 */
import type { AddressInfo } from 'node:net';
import { Subject } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { base64ToPcm16, pcmToBase64 } from '../audio/index.js';
import { SpeechError } from '../errors.js';
import type { ConnectionEvent, ProviderCapabilities, SpeechConnection, SpeechProvider } from '../provider.js';
import { connectWebSocket } from '../transport/index.js';
import { TEST_CAPABILITIES, synth } from './fake-provider.js';

/** Server behaviour on one connection. */
export interface ServerFault {
  /** Terminate the socket after this many audio frames. */
  readonly dropAfterFrames?: number;
  /** Send `ready` after this many ms (handshake). */
  readonly readyDelayMs?: number;
  /** Never send `ready`. */
  readonly noReady?: boolean;
  /** Send a malformed frame after this many audio frames. */
  readonly malformedAfterFrames?: number;
  /** Send a scoped error frame after this many audio frames (and stop that reply). */
  readonly errorAfterFrames?: number;
  /** Send audio forever. */
  readonly endless?: boolean;
  /** Ignore cancel: keep sending the cancelled reply's audio. */
  readonly ignoreCancel?: boolean;
}

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), id: z.string(), seg: z.number().int(), text: z.string() }),
  z.object({ type: z.literal('finish'), id: z.string() }),
  z.object({ type: z.literal('cancel'), id: z.string() }),
  z.object({ type: z.literal('ping') }),
]);

const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('audio'), id: z.string(), seg: z.number().int(), data: z.string() }),
  z.object({ type: z.literal('seg-done'), id: z.string(), seg: z.number().int() }),
  z.object({ type: z.literal('done'), id: z.string() }),
  z.object({ type: z.literal('error'), id: z.string().optional(), message: z.string(), fatal: z.boolean() }),
]);

/** The loopback server. */
export interface LoopbackServer {
  readonly url: string;
  /** Faults by connection number. */
  faults: (ServerFault | undefined)[];
  readonly log: { connections: number; texts: Array<{ id: string; seg: number; text: string }>; cancels: string[]; audioAfterCancel: number };
  close(): Promise<void>;
}

/** Starts a loopback server on an ephemeral port. Audio: `synth(text)` at 1000 Hz in 140-sample frames. */
export async function startLoopbackServer(): Promise<LoopbackServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const server: LoopbackServer = {
    url: `ws://127.0.0.1:${port}`,
    faults: [],
    log: { connections: 0, texts: [], cancels: [], audioAfterCancel: 0 },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket: WebSocket) => {
    const fault = server.faults[server.log.connections++] ?? {};
    let frames = 0;
    const cancelled = new Set<string>();
    const finished = new Set<string>();
    const pending = new Map<string, number>();
    let queue = Promise.resolve();
    const send = (m: unknown): void => {
      if (socket.readyState === socket.OPEN) socket.send(typeof m === 'string' ? m : JSON.stringify(m));
    };
    const maybeDone = (id: string): void => {
      if (finished.has(id) && (pending.get(id) ?? 0) === 0 && !cancelled.has(id)) send({ type: 'done', id });
    };
    if (!fault.noReady) {
      if (fault.readyDelayMs) setTimeout(() => send({ type: 'ready' }), fault.readyDelayMs);
      else send({ type: 'ready' });
    }
    const speakOne = async (id: string, seg: number, text: string): Promise<void> => {
      const pcm = synth(text);
      for (let at = 0; fault.endless || at < pcm.length; at += 140) {
        if (socket.readyState !== socket.OPEN) return;
        if (cancelled.has(id)) {
          if (!fault.ignoreCancel) return;
          server.log.audioAfterCancel++;
        }
        await new Promise((r) => setImmediate(r));
        const chunk = pcm.subarray(at % pcm.length, (at % pcm.length) + 140);
        send({ type: 'audio', id, seg, data: pcmToBase64(chunk) });
        frames++;
        if (fault.dropAfterFrames !== undefined && frames >= fault.dropAfterFrames) {
          socket.terminate();
          return;
        }
        if (fault.malformedAfterFrames !== undefined && frames === fault.malformedAfterFrames) send('{"type":"audio","id":');
        if (fault.errorAfterFrames !== undefined && frames === fault.errorAfterFrames) {
          send({ type: 'error', id, message: 'synthesis failed', fatal: false });
          cancelled.add(id);
          return;
        }
      }
      send({ type: 'seg-done', id, seg });
    };
    socket.on('message', (raw) => {
      const parsed = clientMessage.safeParse(JSON.parse(String(raw)));
      if (!parsed.success) {
        send({ type: 'error', message: 'bad message', fatal: true });
        socket.close(4000);
        return;
      }
      const m = parsed.data;
      if (m.type === 'text') {
        server.log.texts.push({ id: m.id, seg: m.seg, text: m.text });
        pending.set(m.id, (pending.get(m.id) ?? 0) + 1);
        queue = queue.then(async () => {
          await speakOne(m.id, m.seg, m.text);
          pending.set(m.id, (pending.get(m.id) ?? 1) - 1);
          maybeDone(m.id);
        });
      } else if (m.type === 'finish') {
        finished.add(m.id);
        void queue.then(() => maybeDone(m.id));
      } else if (m.type === 'cancel') {
        server.log.cancels.push(m.id);
        cancelled.add(m.id);
      }
    });
  });
  return server;
}

/** The adapter for the loopback protocol. */
export function loopbackProvider(url: string, capabilities: Partial<ProviderCapabilities> = {}): SpeechProvider {
  const caps: ProviderCapabilities = {
    ...TEST_CAPABILITIES,
    maxConcurrentRequests: 2,
    ...capabilities,
  };
  return {
    name: 'loopback',
    capabilities: caps,
    async connect({ signal }): Promise<SpeechConnection> {
      const socket = await connectWebSocket(url, { signal, provider: 'loopback', handshakeTimeoutMs: 60_000 });
      const events = new Subject<ConnectionEvent>();
      let closedByUs = false;
      let ended = false;
      const end = (error?: SpeechError): void => {
        if (ended) return;
        ended = true;
        events.next(error ? { type: 'closed', error } : { type: 'closed' });
        events.complete();
      };
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          socket.close();
          reject(new SpeechError('cancelled', 'aborted', { provider: 'loopback' }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.messages.subscribe({
          next: (data) => {
            let message: z.infer<typeof serverMessage>;
            try {
              const parsed = serverMessage.safeParse(JSON.parse(String(data)));
              if (!parsed.success) throw new Error('unknown message');
              message = parsed.data;
            } catch {
              events.next({ type: 'error', error: new SpeechError('protocol', 'Malformed frame from loopback.', { provider: 'loopback' }) });
              socket.close(1002);
              return;
            }
            switch (message.type) {
              case 'ready':
                signal.removeEventListener('abort', onAbort);
                resolve();
                break;
              case 'audio':
                events.next({
                  type: 'audio',
                  utteranceId: message.id,
                  ...(caps.segmentAcks ? { segmentId: message.seg } : {}),
                  pcm: base64ToPcm16(message.data),
                  sampleRate: 1000,
                });
                break;
              case 'seg-done':
                if (caps.segmentAcks) events.next({ type: 'segment-done', utteranceId: message.id, segmentId: message.seg });
                break;
              case 'done':
                events.next({ type: 'utterance-done', utteranceId: message.id });
                break;
              case 'error':
                events.next({
                  type: 'error',
                  error: new SpeechError('provider', message.message, { provider: 'loopback' }),
                  ...(message.fatal || message.id === undefined ? {} : { utteranceId: message.id }),
                });
                break;
            }
          },
          complete: () => end(closedByUs ? undefined : new SpeechError('connection', 'Loopback connection lost.', { provider: 'loopback' })),
        });
      });
      const sendJson = (m: unknown): void => {
        try {
          socket.sendJson(m);
        } catch {
          // closed: the closed event reports it
        }
      };
      return {
        events: events.asObservable(),
        send: (r) => sendJson({ type: 'text', id: r.utteranceId, seg: r.segmentId, text: r.text }),
        finish: (id) => sendJson({ type: 'finish', id }),
        cancel: (id) => sendJson({ type: 'cancel', id }),
        keepAlive: () => sendJson({ type: 'ping' }),
        close: () => {
          closedByUs = true;
          socket.close();
          end();
        },
      };
    },
  };
}
