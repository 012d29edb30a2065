// The publishable packages of the workspace and the release metadata every one of them carries.
// Shared by sync-package-metadata.mjs, check-exports.mjs and pack-tour.mjs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Repository root. */
export const root = resolve(import.meta.dirname, '..');

/** Where the sources live: the single place to change if the repository moves. */
export const REPOSITORY = 'https://github.com/utter-dev/utter';

/** Node versions every package supports (and CI tests: the machine's Node and Node 22). */
export const NODE_ENGINES = '>=20.19';

/**
 * Every workspace package under packages/ (including packages/providers/), private or not:
 * `{ dir, rel, pkg, placeholder }`. `placeholder` is true while `src/index.ts` is still the
 * scaffold's bare `export {};` (not yet publishable).
 */
export function workspacePackages() {
  const dirs = ['packages', 'packages/providers'].flatMap((base) =>
    readdirSync(join(root, base), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, base, d.name, 'package.json')))
      .map((d) => join(root, base, d.name)),
  );
  return dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return { dir, rel: relative(root, dir), pkg, placeholder: isPlaceholder(dir) };
  });
}

/** True when the package's entry point exports nothing yet (the scaffold's `export {};`). */
export function isPlaceholder(dir) {
  const entry = join(dir, 'src', 'index.ts');
  if (!existsSync(entry)) return true;
  const code = readFileSync(entry, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .trim();
  return code === '' || /^export\s*\{\s*\}\s*;?$/.test(code);
}

/** Removes the workspace-only `@utter/source` condition from an `exports` value. */
export function publishedExports(value) {
  if (Array.isArray(value)) return value.map(publishedExports);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '@utter/source')
      .map(([key, entry]) => [key, publishedExports(entry)]),
  );
}
