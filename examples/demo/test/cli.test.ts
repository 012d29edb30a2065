import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample, wavStats } from './helpers.js';

describe('pnpm demo (command line)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'utter-demo-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('speaks streamed text offline, prints a measured timeline and writes a WAV of the whole text', async () => {
    const out = join(dir, 'hello.wav');
    const text = 'Hello there. This is utter, speaking while the model writes. Goodbye!';
    const run = await runExample('demo', ['--text', text, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/SIMULATED/);
    expect(run.stdout).toMatch(/first token from the LLM/);
    expect(run.stdout).toMatch(/> segment 0 \(sentence\)/);
    expect(run.stdout).toMatch(/Time to first audio, measured from the first token: [\d,]+ ms/);
    expect(run.stdout).toMatch(/Waiting for the complete answer first would cost: +[\d,]+ ms/);
    const { seconds, rms } = await wavStats(out);
    // ~11 words per sentence-ish at eSpeak's default 175 wpm: a few seconds, not a fragment.
    expect(seconds).toBeGreaterThan(2.5);
    expect(seconds).toBeLessThan(12);
    expect(rms).toBeGreaterThan(300);
  });

  it('rejects an unknown option with a clear message and exit code 2, no stack trace', async () => {
    const run = await runExample('demo', ['--nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: .*--nope/);
    expect(run.stderr).toMatch(/Usage: pnpm demo/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects bad values', async () => {
    expect((await runExample('demo', ['--text', '   '])).code).toBe(2);
    expect((await runExample('demo', ['--out', 'x.mp3'])).code).toBe(2);
    const unknown = await runExample('demo', ['--provider', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown provider "nope"/);
  });

  it('says which variable to set when a keyed provider has no key', async () => {
    const run = await runExample('demo', ['--provider', 'murmr'], { MURMR_API_KEY: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/MURMR_API_KEY/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help', async () => {
    const run = await runExample('demo', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--provider/);
  });
});
