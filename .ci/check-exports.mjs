// Checks every published package's build: each `exports` target exists, and the ESM and CJS
// entry points load in plain Node (no TypeScript loader, no source condition) with the same names.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspacePackages } from './packages.mjs';

const dirs = [];
for (const { dir, pkg, placeholder } of workspacePackages()) {
  if (placeholder) console.log(`  skip ${pkg.name}: not yet publishable (src/index.ts is still the scaffold's \`export {};\`)`);
  else dirs.push(dir);
}
const require = createRequire(import.meta.url);
let failures = 0;
const fail = (message) => {
  failures += 1;
  console.error(`  FAIL ${message}`);
};

for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') {
      if (!existsSync(join(dir, target))) fail(`${pkg.name} ${subpath}: missing ${target}`);
      continue;
    }
    // A subpath without a `require` condition is ESM-only on purpose (e.g. one that imports vitest).
    const esmOnly = target.require === undefined;
    const files = [target.import?.types, target.import?.default, ...(esmOnly ? [] : [target.require.types, target.require.default])];
    for (const file of files) {
      if (!file) fail(`${pkg.name} ${subpath}: an import/require types/default entry is missing`);
      else if (!existsSync(join(dir, file))) fail(`${pkg.name} ${subpath}: missing ${file}`);
    }
    if (!target.import?.default || (!esmOnly && !target.require.default)) continue;
    try {
      const esm = await import(pathToFileURL(join(dir, target.import.default)).href);
      const esmNames = Object.keys(esm).filter((k) => k !== 'default' && k !== 'module.exports').sort();
      if (esmNames.length === 0) fail(`${pkg.name} ${subpath}: ESM build exports nothing`);
      if (!esmOnly) {
        const cjsNames = Object.keys(require(join(dir, target.require.default))).sort();
        if (esmNames.join() !== cjsNames.join()) fail(`${pkg.name} ${subpath}: ESM and CJS exports differ`);
      }
      console.log(`  ok ${pkg.name}${subpath === '.' ? '' : subpath.slice(1)}: ${esmNames.length} exports (${esmOnly ? 'ESM only' : 'ESM = CJS'})`);
    } catch (error) {
      fail(`${pkg.name} ${subpath}: cannot load the build: ${error instanceof Error ? error.message : error}`);
    }
  }
}
process.exitCode = failures === 0 ? 0 : 1;
