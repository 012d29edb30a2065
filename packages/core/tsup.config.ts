import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base.js';

export default defineConfig(packageConfig({ entry: { index: 'src/index.ts', provider: 'src/kit.ts', testing: 'src/testing/index.ts' } }));
