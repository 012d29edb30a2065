/**
 * Serves the route handlers of route.ts with Node's http module, offline.
 *
 *   pnpm serve                # http://127.0.0.1:3000 — try: curl -X POST localhost:3000/api/speak -o reply.wav
 *   pnpm serve -- --self-test # starts, fetches /api/speak and /api/chat as a client would, prints, exits
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseWav } from '@utter/core';
import { espeak } from '@utter/espeak';
import { chatRoute, speakRoute } from './route.js';

/** Starts the server; resolves with its URL and a `close()`. */
export async function startServer(port = 3000, tokenDelayMs?: number): Promise<{ url: string; close: () => Promise<void> }> {
  const provider = espeak();
  await provider.warmup?.();
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    '/api/speak': speakRoute(provider, tokenDelayMs),
    '/api/chat': chatRoute(provider, tokenDelayMs),
  };
  const server: Server = createServer(async (req, res) => {
    const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
    if (!route) {
      res.writeHead(404).end('POST /api/speak or /api/chat\n');
      return;
    }
    // Node request -> Fetch Request (with a signal that aborts when the client goes away).
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = new Request(`http://localhost${req.url}`, { method: 'POST', body: Buffer.concat(chunks), signal: controller.signal });
    const response = await route(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) await pipeline(Readable.fromWeb(response.body as never), res).catch(() => {});
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.close?.();
    },
  };
}

/** Fetches both routes as a browser would; returns what it saw. */
export async function selfTest(url: string, log: (line: string) => void = console.log): Promise<{ seconds: number; captions: string[] }> {
  const audio = await fetch(`${url}/api/speak`, { method: 'POST', body: JSON.stringify({ prompt: 'Weather in Lisbon?' }) });
  const wav = parseWav(new Uint8Array(await audio.arrayBuffer()));
  const seconds = wav.samples.length / wav.format.sampleRate;
  log(`/api/speak: ${audio.headers.get('content-type')}, ${seconds.toFixed(1)} s at ${wav.format.sampleRate} Hz`);

  const chat = await fetch(`${url}/api/chat`, { method: 'POST', body: '{}' });
  const captions: string[] = [];
  let text = '';
  for (const line of (await chat.text()).split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice(6)) as { type: string; delta?: string; data?: { text?: string; audioOffsetMs?: number } };
    if (chunk.type === 'text-delta') text += chunk.delta ?? '';
    if (chunk.type === 'data-speech-segment') captions.push(`${chunk.data?.audioOffsetMs?.toFixed(0)} ms: ${chunk.data?.text?.trim()}`);
  }
  log(`/api/chat: text "${text}"`);
  for (const caption of captions) log(`  caption at ${caption}`);
  return { seconds, captions };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const selfTesting = process.argv.includes('--self-test');
  const { url, close } = await startServer(selfTesting ? 0 : Number(process.env['PORT'] ?? 3000));
  if (selfTesting) {
    try {
      await selfTest(url);
    } finally {
      await close();
    }
  } else {
    console.log(`Listening on ${url}\n  curl -X POST ${url}/api/speak -o reply.wav\n  curl -X POST ${url}/api/chat`);
    process.once('SIGINT', () => void close());
  }
}
