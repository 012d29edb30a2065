/**
 * Munsit's HTTP error bodies are quoted in errors (cut at 300 characters): a server that echoes the
 * key at every position around the cut must never leak a part of it.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { collectConnectionEvents, exposedText } from '@utter/testing';
import { munsit } from '../src/index.js';

const KEY = 'sk-Q7vLEAKX-5e8d2a71c9ZZ';
/** True when any 4 or more consecutive characters of the key are in `text`. */
const leaks = (text: string): boolean => {
  for (let i = 0; i + 4 <= KEY.length; i++) if (text.includes(KEY.slice(i, i + 4))) return true;
  return false;
};

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
  server = undefined;
});

/** An HTTP server answering every request with 400 and `body()`. */
async function echoing(body: () => { text: string; type: string }): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const b = body();
      res.writeHead(400, { 'content-type': b.type }).end(b.text);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function errorText(httpBaseUrl: string): Promise<string> {
  const conn = await munsit({ apiKey: KEY, baseUrl: 'ws://127.0.0.1:9', httpBaseUrl, transport: 'http' }).connect({ signal: new AbortController().signal });
  const c = collectConnectionEvents(conn);
  conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
  conn.finish('u');
  await c.until((e) => e.type === 'error');
  conn.close();
  return c.errors().map((e) => exposedText(e)).join('\n');
}

describe('munsit HTTP error bodies', () => {
  it('a text body echoing the key at every position around the 300-character cut', async () => {
    let at = 0;
    const url = await echoing(() => ({ text: `${'e'.repeat(Math.max(0, at))}${KEY} was rejected`, type: 'text/plain' }));
    for (let position = 300 - KEY.length; position <= 301; position++) {
      at = position;
      const text = await errorText(url);
      expect(text).toContain('Munsit HTTP 400');
      expect(leaks(text), `key at ${position}: ${text}`).toBe(false);
    }
  });

  it('a JSON errorMessage echoing the key at every position around the cut', async () => {
    let at = 0;
    const url = await echoing(() => ({ text: JSON.stringify({ errorCode: 40001, errorMessage: `${'m'.repeat(Math.max(0, at))}${KEY}!` }), type: 'application/json' }));
    for (let position = 300 - KEY.length; position <= 301; position += 3) {
      at = position;
      const text = await errorText(url);
      expect(leaks(text), `key at ${position}: ${text}`).toBe(false);
    }
  });
});
