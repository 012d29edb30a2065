import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMurfServer, createMurmrServer, createUpliftServer, type TestServer } from '@utter/testing';
import { runExample, wavStats } from './helpers.js';

const TEXT = 'Hello from the demo. It speaks through a local server!';

/** `pnpm demo --provider X --base-url ws://127.0.0.1:PORT` against each protocol's test server. */
describe.each([
  { name: 'murf', env: 'MURF_API_KEY', create: createMurfServer },
  { name: 'murmr', env: 'MURMR_API_KEY', create: createMurmrServer },
  { name: 'upliftai', env: 'UPLIFTAI_API_KEY', create: createUpliftServer },
])('pnpm demo --provider $name', ({ name, env, create }) => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `utter-demo-${name}-`));
    server = await create({ msPerChar: 20 });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('speaks the whole text through the real protocol, with no violation and no key in the output', async () => {
    const out = join(dir, 'out.wav');
    const run = await runExample('demo', ['--provider', name, '--base-url', server.baseUrl, '--text', TEXT, '--out', out], {
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
