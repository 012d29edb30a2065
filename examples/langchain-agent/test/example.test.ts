import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parseWav } from '@utter/core';

const dir = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../out/langchain-agent.wav', import.meta.url));

it('runs offline on the embedded engine and writes a WAV of real speech', async () => {
  await rm(out, { force: true });
  const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@utter/source', 'src/main.ts'],
      { cwd: dir, timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const wav = parseWav(new Uint8Array(await readFile(out)));
  expect(wav.samples.length / wav.format.sampleRate).toBeGreaterThan(1.5);
  let energy = 0;
  for (const sample of wav.samples) energy += sample * sample;
  expect(Math.sqrt(energy / wav.samples.length)).toBeGreaterThan(300);
});
