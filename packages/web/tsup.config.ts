import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base.js';

// Two builds: the browser entry (ESM only, no Node built-ins) and the server helper (ESM + CJS, Node).
// `npm run build` empties dist first, so neither build cleans (they run in parallel).
export default defineConfig([
  packageConfig({ entry: { index: 'src/index.ts' }, format: ['esm'], platform: 'browser', target: 'es2022', clean: false }),
  packageConfig({ entry: { server: 'src/server/index.ts' }, clean: false }),
]);
