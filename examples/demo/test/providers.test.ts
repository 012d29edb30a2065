import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCartesiaServer, createDeepgramServer, createElevenLabsServer, createMurfServer, createMurmrServer, createOpenAiServer, createUpliftServer, type TestServer } from '@utter/testing';
import { runExample, wavStats } from './helpers.js';

const TEXT = 'Hello from the demo. It speaks through a local server!';

/** `pnpm demo --provider X --base-url ws://127.0.0.1:PORT` against each protocol's test server. */
describe.each([
  { name: 'murf', env: 'MURF_API_KEY', create: createMurfServer, voice: undefined },
  { name: 'murmr', env: 'MURMR_API_KEY', create: createMurmrServer, voice: undefined },
  { name: 'upliftai', env: 'UPLIFTAI_API_KEY', create: createUpliftServer, voice: undefined },
  // the ElevenLabs voice id is part of the URL path: the test server's own
  { name: 'elevenlabs', env: 'ELEVENLABS_API_KEY', create: createElevenLabsServer, voice: 'utterTestVoice01' },
  { name: 'cartesia', env: 'CARTESIA_API_KEY', create: createCartesiaServer, voice: undefined },
  { name: 'deepgram', env: 'DEEPGRAM_API_KEY', create: createDeepgramServer, voice: undefined },
  { name: 'openai', env: 'OPENAI_API_KEY', create: createOpenAiServer, voice: undefined },
])('pnpm demo --provider $name', ({ name, env, create, voice }) => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `utter-demo-${name}-`));
    server = await (create as (options: { msPerChar: number }) => Promise<TestServer>)({ msPerChar: 20 });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('speaks the whole text through the real protocol, with no violation and no key in the output', async () => {
    const out = join(dir, 'out.wav');
    const voiceArgs = voice === undefined ? [] : ['--voice', voice];
    const run = await runExample('demo', ['--provider', name, ...voiceArgs, '--base-url', server.baseUrl, '--text', TEXT, '--out', out], {
      [env]: server.apiKey,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Time to first audio, measured from the first token: [\d,]+ ms/);
    expect(`${run.stdout}${run.stderr}`).not.toContain(server.apiKey);
    expect(server.violations).toEqual([]);
    const { seconds } = await wavStats(out);
    // The test servers make 20 ms of audio per character: the whole text, once.
    const expected = (TEXT.replace(/\s+$/, '').length * 20) / 1000;
    expect(seconds).toBeGreaterThan(expected * 0.85);
    expect(seconds).toBeLessThan(expected * 1.15);
  });
});
