/**
 * Runs every benchmark of @utter/core in sequence: `pnpm bench` (from the repository root or this
 * package). Each bench file is a standalone script that runs when imported (the session bench exports
 * `runSessionBench`, called here); files that do not exist yet are skipped.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

for (const name of ['./segmenter.bench.ts', './audio.bench.ts', './transport.bench.ts']) {
  if (existsSync(here(name))) await import(name);
}
const { runSessionBench } = await import('./session.bench.js');
await runSessionBench();
