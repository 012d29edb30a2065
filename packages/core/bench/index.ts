/**
 * Runs every benchmark of @utter/core in sequence: `pnpm bench` (from the repository root or this
 * package). Each bench file is a standalone script that runs when imported (the session bench exports
 * `runSessionBench`, called here, and the scale bench `runScaleBench`); files that do not exist yet are skipped.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

for (const name of ['./segmenter.bench.ts', './audio.bench.ts', './transport.bench.ts']) {
  if (existsSync(here(name))) await import(name);
}
const { runSessionBench } = await import('./session.bench.js');
await runSessionBench();
// Sessions at scale against a test server in another process, the baseline engine beside today's
// (about 3 minutes; SCALE=0 skips it, SCALE_N=... narrows it: see scale.bench.ts).
if (process.env.SCALE !== '0') {
  const { runScaleBench } = await import('./scale.bench.js');
  await runScaleBench();
}
