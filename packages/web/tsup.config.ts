import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base.js';

export default defineConfig(packageConfig({ format: ['esm'], platform: 'browser', target: 'es2022' }));
