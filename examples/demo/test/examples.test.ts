import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runExample, wavStats } from './helpers.js';

/** The other examples run offline on the embedded engine and write real speech. */
it.each(['rxjs-pipeline', 'langchain-agent'])('examples/%s runs offline and writes a WAV of speech', async (name) => {
  const out = fileURLToPath(new URL(`../../${name}/out/${name}.wav`, import.meta.url));
  await rm(out, { force: true });
  const run = await runExample(name);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const { seconds, rms } = await wavStats(out);
  expect(seconds).toBeGreaterThan(1.5);
  expect(rms).toBeGreaterThan(300);
});
