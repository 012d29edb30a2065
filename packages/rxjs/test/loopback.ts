/**
 * A small loopback TTS service for the tests: a real `ws` server on 127.0.0.1 (ephemeral port) with a
 * tiny JSON protocol, and a SpeechProvider adapter for it. It lets the tests see what reaches the
 * wire (text, finish, cancel) and hold audio back to test cancellation mid-reply.
 *
 * Protocol: client sends `{type:'text', utteranceId, segmentId, text}`, `{type:'finish', utteranceId}`,
 * `{type:'cancel', utteranceId}`; server answers each text with `chunks` audio messages
 * `{type:'audio', utteranceId, segmentId, pcm: base64}` spaced `intervalMs` apart, then
 * `{type:'segment-done', ...}`, and `{type:'done', utteranceId}` after finish.
 */
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { Observable, Subject } from 'rxjs';
import { base64ToPcm16, pcmToBase64, SpeechError } from '@utter/core';
import type { ConnectionEvent, SpeechConnection, SpeechProvider } from '@utter/core';

export interface LoopbackOptions {
  /** Audio messages per segment. */
  chunks?: number;
  /** Delay between audio messages, ms. */
  intervalMs?: number;
  /** Samples per audio message at 16 kHz. */
  samples?: number;
}

export interface Loopback {
  readonly provider: SpeechProvider;
  /** Every client message, in order. */
  readonly received: { type: string; utteranceId?: string; text?: string }[];
  readonly url: string;
  /** Connections currently open. */
  openConnections(): number;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLoopback(options: LoopbackOptions = {}): Promise<Loopback> {
  const chunks = options.chunks ?? 3;
  const intervalMs = options.intervalMs ?? 5;
  const samples = options.samples ?? 800;
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const received: Loopback['received'] = [];
  const changed = new Subject<void>();
  const sockets = new Set<WebSocket>();

  server.on('connection', (socket) => {
    sockets.add(socket);
    const cancelled = new Set<string>();
    const pendingSegments = new Map<string, number>();
    const finished = new Set<string>();
    const timers = new Set<NodeJS.Timeout>();
    const send = (message: object): void => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    };
    const maybeDone = (utteranceId: string): void => {
      if (finished.has(utteranceId) && (pendingSegments.get(utteranceId) ?? 0) === 0 && !cancelled.has(utteranceId)) {
        finished.delete(utteranceId);
        send({ type: 'done', utteranceId });
      }
    };
    socket.on('close', () => {
      sockets.delete(socket);
      for (const t of timers) clearTimeout(t);
      changed.next();
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; utteranceId: string; segmentId?: number; text?: string };
      received.push(message);
      changed.next();
      if (message.type === 'cancel') {
        cancelled.add(message.utteranceId);
        return;
      }
      if (message.type === 'finish') {
        finished.add(message.utteranceId);
        maybeDone(message.utteranceId);
        return;
      }
      if (message.type !== 'text') return;
      const { utteranceId, segmentId } = message;
      pendingSegments.set(utteranceId, (pendingSegments.get(utteranceId) ?? 0) + 1);
      let sent = 0;
      const tick = (): void => {
        if (cancelled.has(utteranceId)) return;
        if (sent < chunks) {
          const pcm = new Int16Array(samples).fill(1000 + sent);
          send({ type: 'audio', utteranceId, segmentId, pcm: pcmToBase64(pcm) });
          sent += 1;
          const t = setTimeout(tick, intervalMs);
          timers.add(t);
          return;
        }
        send({ type: 'segment-done', utteranceId, segmentId });
        pendingSegments.set(utteranceId, (pendingSegments.get(utteranceId) ?? 1) - 1);
        maybeDone(utteranceId);
      };
      timers.add(setTimeout(tick, intervalMs));
    });
  });

  const port = (server.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}`;

  const provider: SpeechProvider = {
    name: 'loopback',
    capabilities: {
      textInput: 'request',
      segmentAcks: true,
      cancel: 'native',
      wordTimestamps: false,
      sampleRate: 16000,
      sampleRates: [16000],
      encodings: ['pcm16'],
      maxConcurrentRequests: 4,
    },
    connect: ({ signal }) =>
      new Promise<SpeechConnection>((resolve, reject) => {
        const socket = new WebSocket(url);
        const events = new Subject<ConnectionEvent>();
        let closedByUs = false;
        const onAbort = (): void => {
          socket.terminate();
          reject(new SpeechError('cancelled', 'Connecting was cancelled.'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('open', () => {
          signal.removeEventListener('abort', onAbort);
          resolve({
            events: events.asObservable(),
            send: (request) => socket.send(JSON.stringify({ type: 'text', ...request })),
            finish: (utteranceId) => socket.send(JSON.stringify({ type: 'finish', utteranceId })),
            cancel: (utteranceId) => {
              if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'cancel', utteranceId }));
            },
            close: () => {
              closedByUs = true;
              socket.close();
            },
          });
        });
        socket.once('error', (error) => reject(new SpeechError('connection', error.message, { provider: 'loopback' })));
        socket.on('message', (data) => {
          const m = JSON.parse(String(data)) as { type: string; utteranceId: string; segmentId: number; pcm?: string };
          if (m.type === 'audio' && m.pcm !== undefined) {
            events.next({ type: 'audio', utteranceId: m.utteranceId, segmentId: m.segmentId, pcm: base64ToPcm16(m.pcm), sampleRate: 16000 });
          } else if (m.type === 'segment-done') {
            events.next({ type: 'segment-done', utteranceId: m.utteranceId, segmentId: m.segmentId });
          } else if (m.type === 'done') {
            events.next({ type: 'utterance-done', utteranceId: m.utteranceId });
          }
        });
        socket.on('close', () => {
          events.next(closedByUs ? { type: 'closed' } : { type: 'closed', error: new SpeechError('connection', 'Loopback closed.') });
          events.complete();
        });
      }),
  };

  return {
    provider,
    received,
    url,
    openConnections: () => sockets.size,
    waitFor: (predicate, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (predicate()) return resolve();
        const timer = setTimeout(() => {
          sub.unsubscribe();
          reject(new Error('waitFor timed out'));
        }, timeoutMs);
        const sub = changed.subscribe(() => {
          if (predicate()) {
            clearTimeout(timer);
            sub.unsubscribe();
            resolve();
          }
        });
      }),
    close: async () => {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An Observable of tokens that records its finalization (to assert that unsubscribe reached it). */
export function recordedTokens(tokens: readonly string[], intervalMs: number, log: string[]): Observable<string> {
  return new Observable<string>((subscriber) => {
    let i = 0;
    const timer = setInterval(() => {
      if (i < tokens.length) subscriber.next(tokens[i++] as string);
      else subscriber.complete();
    }, intervalMs);
    return () => {
      clearInterval(timer);
      log.push('finalized');
    };
  });
}
