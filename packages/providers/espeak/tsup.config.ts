import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { packageConfig } from '../../../tsup.base.js';

export default defineConfig(
  packageConfig({
    // The engine (and its espeak-ng.data, found next to its own file) stays an external dependency.
    external: ['@echogarden/espeak-ng-emscripten'],
    // The worker is plain ESM JavaScript loaded with `new URL('./worker.mjs', import.meta.url)`:
    // ship it (and the voice selection it imports) beside the bundles (dist/index.js and
    // dist/index.cjs both resolve it there).
    onSuccess: async () => {
      await copyFile('src/worker.mjs', 'dist/worker.mjs');
      await copyFile('src/voices.mjs', 'dist/voices.mjs');
    },
  }),
);
