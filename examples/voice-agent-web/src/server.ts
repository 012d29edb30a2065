/**
 * The voice agent's server: serves the page and its script, and speaks each answer to the browser
 * over a WebSocket (`/speech`) with `@utter/web/server`. One speech session per browser tab (one
 * warm connection to the engine); each answer is an AI SDK `streamText` spoken with `@utter/ai-sdk`.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { speak } from '@utter/ai-sdk';
import { createSpeechSession, type SpeechProvider } from '@utter/core';
import { attachSpeechSocket, type RelayOutcome } from '@utter/web/server';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { ask, REALISTIC_TIMING, type SimulatedTiming } from './llm.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the page sends: a question. */
const askSchema = z.object({ type: z.literal('ask'), text: z.string().trim().min(1).max(2000) });

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The speech provider (eSpeak by default in main.ts). */
  readonly provider: SpeechProvider;
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port?: number;
  /** Timing of the simulated model. */
  readonly timing?: SimulatedTiming;
  /** Synthesized-but-unplayed audio kept ahead of the browser's playback, in ms. Default 1500. */
  readonly maxBufferedAudioMs?: number;
  /** Called with each reply's outcome (for logs and tests). */
  readonly onReply?: (question: string, outcome: RelayOutcome) => void;
}

/** A running server. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

/** Bundles the page's script (TypeScript, `@utter/web` from source) for the browser. */
async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./client/app.ts', import.meta.url))],
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@utter/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** Starts the server on 127.0.0.1 (AudioWorklet needs a secure context: localhost counts as one). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const [page, script] = await Promise.all([readFile(new URL('./client/index.html', import.meta.url), 'utf8'), bundleClient()]);
  const files: Record<string, { readonly type: string; readonly body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: page },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: script },
  };
  const http: Server = createServer((req, res) => {
    const file = req.method === 'GET' ? files[(req.url ?? '/').split('?')[0] ?? '/'] : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  const wss = new WebSocketServer({ server: http, path: '/speech' });
  wss.on('connection', (socket) => {
    const session = createSpeechSession({ provider: options.provider, maxBufferedAudioMs: options.maxBufferedAudioMs ?? 1500 });
    const answer = async (question: string) => {
      link.interrupt(); // barge-in on a reply still speaking (the page normally stopped it already)
      const stream = speak(({ abortSignal }) => ask(question, abortSignal, options.timing ?? REALISTIC_TIMING), { session });
      const outcome = await link.speak(stream);
      options.onReply?.(question, outcome);
    };
    const link = attachSpeechSocket(socket, {
      session,
      onMessage: (data) => {
        const parsed = askSchema.safeParse(data);
        if (parsed.success) void answer(parsed.data.text);
      },
    });
    socket.on('close', () => void session.close());
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 3000, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
