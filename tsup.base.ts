import type { Options } from 'tsup';

/**
 * Shared tsup settings: ESM + CJS + .d.ts for Node 20. The `source` export condition
 * (used by tests and tsx) is switched off for the declaration build so that workspace
 * dependencies resolve to their built types and are never inlined.
 */
export function packageConfig(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    dts: { compilerOptions: { customConditions: [] } },
    sourcemap: true,
    clean: true,
    shims: true,
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}
