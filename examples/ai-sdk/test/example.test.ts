import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '@utter/core';
import { espeak } from '@utter/espeak';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { ANSWER } from '../src/model.js';
import { speakRoute } from '../src/route.js';
import { selfTest, startServer } from '../src/server.js';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

describe('examples/ai-sdk', () => {
  const provider = espeak();
  afterAll(async () => {
    await provider.close?.();
  });

  it('the Node script speaks the answer (not the reasoning or the tool call) and writes a WAV', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'utter-ai-sdk-'));
    try {
      const lines: string[] = [];
      const out = join(dir, 'reply.wav');
      const { text, metrics } = await run({ out, tokenDelayMs: 0, log: (line) => lines.push(line) });
      expect(text).toBe(`Let me check the forecast.\n\n${ANSWER}`);
      expect(metrics?.audioDurationMs).toBeGreaterThan(3000);
      const wav = parseWav(new Uint8Array(await readFile(out)));
      expect(wav.format.sampleRate).toBe(22050);
      expect(lines.join('\n')).toContain('sunny in Lisbon');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the Node script stops at once when aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'utter-ai-sdk-'));
    try {
      const controller = new AbortController();
      const lines: string[] = [];
      const { metrics } = await run({
        out: join(dir, 'reply.wav'),
        tokenDelayMs: 5,
        abortSignal: controller.signal,
        log: (line) => {
          lines.push(line);
          controller.abort();
        },
      });
      expect(metrics).toBeUndefined();
      expect(lines.at(-1)).toContain('Stopped');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the route handler returns streaming WAV', async () => {
    const POST = speakRoute(provider, 0);
    const response = await POST(new Request('http://localhost/api/speak', { method: 'POST', body: '{"prompt":"Weather?"}' }));
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const wav = parseWav(new Uint8Array(await response.arrayBuffer()));
    expect(wav.format.dataSize).toBeUndefined();
    expect(wav.samples.length / wav.format.sampleRate).toBeGreaterThan(3);
  });

  it('the HTTP server streams audio and UI messages with captions to a fetch client', async () => {
    const server = await startServer(0, 0);
    try {
      const lines: string[] = [];
      const { seconds, captions } = await selfTest(server.url, (line) => lines.push(line));
      expect(seconds).toBeGreaterThan(3);
      expect(captions.length).toBeGreaterThanOrEqual(3);
      expect(lines.join('\n')).toContain('audio/wav');
    } finally {
      await server.close();
    }
  });
});
