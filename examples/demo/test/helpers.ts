import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseWav } from '@utter/core';

/** What a finished example process printed. */
export interface ExampleRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `examples/<name>/src/main.ts` from source, as `pnpm --filter ... start` would. */
export function runExample(name: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ExampleRun> {
  const cwd = fileURLToPath(new URL(`../../${name}/`, import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@utter/source', 'src/main.ts', ...args],
      { cwd, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Duration (s) and RMS level of a WAV file written by an example. */
export async function wavStats(path: string): Promise<{ seconds: number; rms: number }> {
  const wav = parseWav(new Uint8Array(await readFile(path)));
  let energy = 0;
  for (const sample of wav.samples) energy += sample * sample;
  return { seconds: wav.samples.length / wav.format.sampleRate, rms: Math.sqrt(energy / Math.max(1, wav.samples.length)) };
}
