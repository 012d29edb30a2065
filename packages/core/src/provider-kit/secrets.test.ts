/**
 * Secrets in error texts: every text quoted from a server (upgrade refusal bodies, close reasons,
 * message types) is redacted before it is cut, so a key that straddles the cut never survives in part.
 * A real server echoes the key at every position around the cut.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { SpeechError, redact, redactAndTruncate, registerSecret } from '../errors.js';
import { connectWebSocket } from '../transport/websocket.js';
import { apiKeyOption } from './define.js';
import { resolveApiKey } from './api-key.js';
import { closeError, decodeJsonFrame } from './wire.js';
import { parseProviderOptions } from './options.js';

const KEY = 'sk-LEAKCHECK-7f3a9c1e5b2d4086';
registerSecret(KEY);
/** True when any 4 or more consecutive characters of the key are in `text`. */
const leaks = (text: string): boolean => {
  for (let i = 0; i + 4 <= KEY.length; i++) if (text.includes(KEY.slice(i, i + 4))) return true;
  return false;
};
/** Every offset at which the key crosses a cut at `cut` characters (from wholly before to wholly after). */
const straddling = (cut: number): number[] => Array.from({ length: KEY.length + 2 }, (_, i) => cut - KEY.length + i);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('redact', () => {
  it('redacts key=value anywhere, not only after ? or &', () => {
    expect(redact('bad request: key=abc123secret was refused')).toBe('bad request: key=[redacted] was refused');
    expect(redact('api_key=abc123secret; token=zzz999')).toBe('api_key=[redacted]; token=[redacted]');
    expect(redact('wss://x.dev/v1?model=a&api-key=abc123secret')).toBe('wss://x.dev/v1?model=a&api-key=[redacted]');
    expect(redact('monkey=banana')).toBe('monkey=banana'); // a longer word that ends in "key" is not a key
  });

  it('redacts credential fields of an echoed JSON body and Bearer tokens', () => {
    expect(redact('{"error":"bad","api_key":"abc\\"123","x":1}')).toBe('{"error":"bad","api_key":"[redacted]","x":1}');
    expect(redact('header was Authorization: Bearer abcdef.123-xyz')).toBe('header was Authorization: Bearer [redacted]');
  });

  it('redactAndTruncate redacts first: no part of a key that straddles the cut survives', () => {
    for (const cut of [40, 120, 200, 300]) {
      for (const at of straddling(cut)) {
        const text = 'x'.repeat(Math.max(0, at)) + KEY + ' and the rest of the body';
        const out = redactAndTruncate(text, cut);
        expect(leaks(out), `cut ${cut}, key at ${at}: ${out}`).toBe(false);
        expect(out.length).toBeLessThanOrEqual(cut + 1);
      }
    }
    expect(redactAndTruncate('short', 10)).toBe('short');
    expect(redactAndTruncate('0123456789abc', 10)).toBe('0123456789…');
  });
});

describe('close reasons and message types', () => {
  it('a close reason echoing the key at every position around the 120-character cut', () => {
    for (const at of straddling(120)) {
      const reason = 'r'.repeat(Math.max(0, at)) + KEY + ' tail';
      const error = closeError({ name: 'toy' }, { 4001: ['auth', 'toy rejected the key'] }, 4001, reason);
      expect(leaks(error.message), `key at ${at}: ${error.message}`).toBe(false);
      const unknown = closeError({ name: 'toy' }, undefined, 4999, reason);
      expect(leaks(unknown.message), `key at ${at}: ${unknown.message}`).toBe(false);
    }
  });

  it('an unknown message type echoing the key at every position around the 40-character cut', () => {
    const schema = z.object({ type: z.literal('audio') });
    for (const at of straddling(40)) {
      const type = 't'.repeat(Math.max(0, at)) + KEY;
      const error = decodeJsonFrame({ name: 'toy' }, schema, JSON.stringify({ type }));
      expect(error).toBeInstanceOf(SpeechError);
      expect(leaks((error as SpeechError).message), `key at ${at}`).toBe(false);
    }
  });
});

describe('upgrade refusal bodies', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
  });

  it('a refusal body echoing the key at every position around the 200-character cut', async () => {
    let at = 0;
    server = createServer();
    server.on('upgrade', (_req, socket: Socket) => {
      const body = 'b'.repeat(Math.max(0, at)) + KEY + ' is not a valid key for this account';
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    for (const position of straddling(200)) {
      at = position;
      const error: unknown = await connectWebSocket(url, { handshakeTimeoutMs: 2_000 }).then(
        (c) => {
          c.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SpeechError);
      expect((error as SpeechError).code).toBe('auth');
      expect(leaks((error as SpeechError).message), `key at ${position}: ${(error as SpeechError).message}`).toBe(false);
    }
  });
});

describe('blank keys', () => {
  it('a whitespace-only apiKey is an invalid-input error naming the option, never sent', () => {
    const error: unknown = (() => {
      try {
        resolveApiKey('   \t', 'TOY_API_KEY');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SpeechError);
    expect((error as SpeechError).code).toBe('invalid-input');
    expect((error as SpeechError).message).toContain('apiKey');
    expect(() => parseProviderOptions(z.object({ apiKey: apiKeyOption }).strict(), { apiKey: '  ' }, { name: 'toy' })).toThrow(/apiKey/);
  });

  it('a whitespace-only key in the environment is an invalid-input error naming the variable', () => {
    vi.stubEnv('TOY_API_KEY', '  ');
    expect(() => resolveApiKey(undefined, 'TOY_API_KEY')).toThrow(/TOY_API_KEY/);
    vi.stubEnv('TOY_API_KEY', '');
    expect(resolveApiKey(undefined, 'TOY_API_KEY')).toBeUndefined();
  });
});
