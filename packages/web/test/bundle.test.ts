/** The browser entry stays small and free of Node: bundled for the browser as an app would. */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('@utter/web browser bundle', () => {
  it('bundles for the browser with no Node built-ins, under 20 kB gzipped (zod/mini included)', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@utter/source'],
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    const included = Object.entries(result.metafile.outputs)[0]?.[1].inputs ?? {};
    const kept = Object.keys(included).filter((path) => (included[path]?.bytesInOutput ?? 0) > 0);
    expect(kept.some((path) => /\/(ws|rxjs)\//.test(path))).toBe(false);
    expect(kept.some((path) => path.includes('/server/'))).toBe(false);
    expect(code).not.toMatch(/from\s*"node:|require\(/);
    expect(gzipSync(code).length).toBeLessThan(20_000);
  });
});
