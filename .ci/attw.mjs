// @arethetypeswrong/cli's checks (profile node16: node10 resolution ignored) for every tarball, in one
// process (TypeScript loaded once). Run from the pack-tour app, where @arethetypeswrong/core is
// installed. A subpath without a `require` condition is ESM-only on purpose (the browser package,
// the vitest-only conformance suite): from CJS it cannot resolve, and that alone is not a problem.
//   node attw.mjs <tarball> [<tarball> ...]     prints `attw <name>: ok | problems`, exits 1 on any
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(process.cwd(), 'package.json'));
const core = await import(pathToFileURL(require.resolve('@arethetypeswrong/core')).href);
let failures = 0;
for (const tarball of process.argv.slice(2)) {
  const pkg = core.createPackageFromTarballData(new Uint8Array(await readFile(tarball)));
  const analysis = await core.checkPackage(pkg);
  if (!analysis.types) {
    failures += 1;
    console.log(`  FAIL attw ${analysis.packageName}: no types`);
    continue;
  }
  const read = pkg.readFile(`/node_modules/${analysis.packageName}/package.json`);
  const manifest = JSON.parse(typeof read === 'string' ? read : new TextDecoder().decode(read));
  const esmOnly = new Set(
    Object.entries(manifest.exports ?? {})
      .filter(([, target]) => typeof target === 'object' && target !== null && !('require' in target))
      .map(([subpath]) => subpath),
  );
  const problems = analysis.problems.filter((problem) => {
    if (problem.resolutionKind === 'node10') return false;
    const cjsOfEsmOnly = problem.resolutionKind === 'node16-cjs' && esmOnly.has(problem.entrypoint);
    return !(cjsOfEsmOnly && (problem.kind === 'NoResolution' || problem.kind === 'CJSResolvesToESM'));
  });
  if (problems.length === 0) {
    console.log(`  ok attw ${analysis.packageName}${esmOnly.size > 0 ? ` (ESM-only: ${[...esmOnly].join(', ')})` : ''}`);
  } else {
    failures += 1;
    const lines = problems.map((p) => `${p.kind}${p.entrypoint ? ` ${p.entrypoint}` : ''}${p.resolutionKind ? ` (${p.resolutionKind})` : ''}`);
    console.log(`  FAIL attw ${analysis.packageName}: ${[...new Set(lines)].join('; ')}`);
  }
}
process.exitCode = failures === 0 ? 0 : 1;
