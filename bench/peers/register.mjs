// `node --import <this file>`: makes the benchmark-only peers installed in this folder
// (`pnpm bench:peers`) importable from the benches. A no-op when they are not installed:
// the benches then skip those peers and say so.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

if (existsSync(new URL('./node_modules', import.meta.url))) register('./hooks.mjs', import.meta.url);
