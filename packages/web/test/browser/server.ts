/** Serves the harness page from 127.0.0.1 (a secure context) and accepts speech links on `/speech`. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';
import { attachSpeechSocket, type SpeechLink, type SpeechLinkOptions } from '../../src/server/index.js';

/** A running harness server. */
export interface HarnessServer {
  readonly url: string;
  readonly wsUrl: string;
  /** What `GET /speak` answers (a route handler returning a Fetch Response). */
  route: (() => Response) | undefined;
  /** Resolves with the link of the next browser that connects. */
  nextLink(options?: SpeechLinkOptions): Promise<SpeechLink>;
  close(): Promise<void>;
}

const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>harness</title></head><body><script type="module" src="/harness.js"></script></body></html>';

export async function startHarnessServer(): Promise<HarnessServer> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./harness.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@utter/source'],
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const handle = { route: undefined as (() => Response) | undefined };
  const http = createServer((req, res) => {
    if (req.url === '/speak' && handle.route) {
      // A Fetch-style route handler served by Node (as a framework would).
      const response = handle.route();
      res.writeHead(response.status, Object.fromEntries(response.headers));
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      res.on('close', () => void reader.cancel().catch(() => {}));
      void (async () => {
        for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value);
        res.end();
      })().catch(() => res.destroy());
    } else if (req.url === '/harness.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    else res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: http, path: '/speech' });
  const waiting: ((socket: import('ws').WebSocket) => void)[] = [];
  wss.on('connection', (socket) => waiting.shift()?.(socket));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    get route() {
      return handle.route;
    },
    set route(value) {
      handle.route = value;
    },
    url: `http://127.0.0.1:${port}/`,
    wsUrl: `ws://127.0.0.1:${port}/speech`,
    nextLink: (options = {}) => new Promise((resolve) => waiting.push((socket) => resolve(attachSpeechSocket(socket, options)))),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
