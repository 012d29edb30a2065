// Packs every publishable package, checks each tarball as npm would publish it, installs all the
// tarballs into one fresh app in a temporary folder (one `npm install`), and there:
//   - type-checks the README's tour and an import of every entry point with skipLibCheck: false
//     under moduleResolution nodenext, node16 and bundler;
//   - runs the tour and loads every entry point as ESM and as CommonJS (where the package
//     claims `require`), on this Node and on every other Node given with --node <path>;
//   - runs @arethetypeswrong/cli's checks on every tarball (attw.mjs).
// Needs the builds (`pnpm build`). Prints `pack-tour: N passed, N failed`; exits 1 on any failure.
//
//   node .ci/pack-tour.mjs [--node /path/to/node22] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { root, workspacePackages } from './packages.mjs';

const args = process.argv.slice(2);
const nodes = [process.execPath, ...args.flatMap((arg, i) => (arg === '--node' && args[i + 1] ? [args[i + 1]] : []))];
const work = mkdtempSync(join(tmpdir(), 'utter-pack-tour-'));
let passed = 0;
let failed = 0;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const ok = (message) => {
  passed += 1;
  console.log(`  ok ${message} [${elapsed()}]`);
};
const fail = (message) => {
  failed += 1;
  console.error(`  FAIL ${message}`);
};
const run = (command, commandArgs, options = {}) =>
  spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
const output = (result) => `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');

// ------------------------------------------------------------------ which packages
const packages = [];
for (const entry of workspacePackages()) {
  if (entry.pkg.private) continue;
  if (entry.placeholder) {
    console.log(`  skip ${entry.pkg.name}: not yet publishable (src/index.ts is still the scaffold's \`export {};\`)`);
    continue;
  }
  packages.push(entry);
}

// ------------------------------------------------------------------ pack and inspect
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs, { recursive: true });
/** Files a tarball may hold besides what its exports reach. */
const ALWAYS = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);

for (const entry of packages) {
  const { pkg, dir } = entry;
  if (!existsSync(join(dir, 'dist'))) {
    fail(`${pkg.name}: no dist/ (run pnpm build first)`);
    continue;
  }
  const packed = run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
  const file = readdirSync(tarballs).find((f) => f.startsWith(`${pkg.name.slice(1).replace('/', '-')}-${pkg.version}`));
  if (packed.status !== 0 || !file) {
    fail(`${pkg.name}: pnpm pack failed\n${output(packed)}`);
    continue;
  }
  entry.tarball = join(tarballs, file);
  const unpacked = join(work, 'unpacked', pkg.name);
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['-xzf', entry.tarball, '-C', unpacked]);
  const base = join(unpacked, 'package');
  const files = execFileSync('tar', ['-tzf', entry.tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  const manifest = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8'));
  entry.manifest = manifest;
  const problems = [];
  const entryFields = JSON.stringify([manifest.exports, manifest.main, manifest.module, manifest.types]);
  if (entryFields.includes('@utter/source') || entryFields.includes('./src/')) problems.push('the published exports still name the sources (@utter/source)');
  const ranges = JSON.stringify([manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies]);
  if (ranges.includes('"workspace:')) problems.push('the manifest has workspace: ranges');
  for (const field of ['description', 'license', 'repository', 'homepage', 'keywords', 'engines']) {
    if (manifest[field] === undefined) problems.push(`no "${field}"`);
  }
  for (const required of ['README.md', 'LICENSE']) if (!files.includes(required)) problems.push(`no ${required}`);
  const licence = files.includes('LICENSE') ? readFileSync(join(base, 'LICENSE'), 'utf8') : '';
  if (manifest.license === 'MIT' ? !licence.startsWith('MIT License') : !licence.includes('GNU GENERAL PUBLIC LICENSE')) {
    problems.push(`LICENSE does not match "license": "${manifest.license}"`);
  }
  // Every exports target is in the tarball; every file is reachable from them (or a source map,
  // a declaration chunk, or a file the entry points load at run time, such as espeak's worker).
  const targets = new Set();
  const collect = (value) => {
    if (typeof value === 'string') targets.add(posix.normalize(value));
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  for (const field of ['main', 'module', 'types']) if (manifest[field]) targets.add(posix.normalize(manifest[field]));
  for (const target of targets) if (!files.includes(target)) problems.push(`exports target ${target} is not in the tarball`);
  for (const f of files) {
    if (ALWAYS.has(f) || targets.has(f)) continue;
    if (!f.startsWith('dist/')) problems.push(`ships ${f}, which no export reaches`);
    else if (/\.(test|spec)\.|\/fixtures\/|\.ts$/.test(f) && !/\.d\.c?ts$/.test(f)) problems.push(`ships ${f}`);
  }
  const readme = files.includes('README.md') ? readFileSync(join(base, 'README.md'), 'utf8') : '';
  for (const [, link] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!/^(https?:|mailto:|#)/.test(link)) problems.push(`README link ${link} does not resolve on npm`);
  }
  if (problems.length === 0) ok(`${pkg.name}: tarball (${files.length} files)`);
  else fail(`${pkg.name}: tarball: ${problems.join('; ')}`);
}
const installable = packages.filter((entry) => entry.tarball);

// ------------------------------------------------------------------ one fresh app
const app = join(work, 'app');
mkdirSync(join(app, 'src'), { recursive: true });
const dependencies = Object.fromEntries(installable.map((entry) => [entry.pkg.name, `file:${entry.tarball}`]));
writeFileSync(
  join(app, 'package.json'),
  `${JSON.stringify(
    {
      name: 'utter-pack-tour',
      private: true,
      // What a user installs next to utter: the peers of the integrations, as `npm install` picks them.
      dependencies: { ...dependencies, ai: '*', '@langchain/core': '^1', rxjs: '^7.8', vitest: '^4' },
      devDependencies: { typescript: '~6.0.3', '@types/node': '^22', '@arethetypeswrong/cli': '^0.18' },
    },
    null,
    2,
  )}\n`,
);
const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app });
if (install.status !== 0) {
  fail(`npm install of the tarballs failed\n${output(install)}`);
  finish();
}
ok(`npm install of ${installable.length} tarballs into ${app}`);
const aiVersion = JSON.parse(readFileSync(join(app, 'node_modules/ai/package.json'), 'utf8')).version;
console.log(`  (ai ${aiVersion} installed by npm on Node ${process.versions.node})`);

// Every entry point: a generated ESM file (all subpaths) and CJS file (subpaths with `require`).
const entryPoints = installable.flatMap((entry) =>
  Object.entries(entry.manifest.exports ?? {})
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => ({
      specifier: subpath === '.' ? entry.pkg.name : `${entry.pkg.name}/${subpath.slice(2)}`,
      cjs: typeof target === 'object' && target !== null && 'require' in target,
    })),
);
const entryCheck = (kind) => {
  const lines = ['// Generated by pack-tour.mjs: every entry point loads and exports something.'];
  const list = entryPoints.filter((e) => kind === 'esm' || e.cjs);
  list.forEach(({ specifier }, i) => {
    lines.push(kind === 'esm' ? `import * as m${i} from '${specifier}';` : `import m${i} = require('${specifier}');`);
  });
  lines.push('const loaded: Record<string, object> = {');
  list.forEach(({ specifier }, i) => lines.push(`  '${specifier}': m${i},`));
  lines.push('};');
  lines.push('for (const [name, m] of Object.entries(loaded)) if (Object.keys(m).length === 0) throw new Error(`${name} exports nothing`);');
  lines.push(`console.log(\`${kind}: \${Object.keys(loaded).length} entry points load\`);`);
  lines.push('export {};');
  return `${lines.join('\n')}\n`;
};
const tour = readFileSync(join(root, '.ci/tour/tour.ts'), 'utf8');
writeFileSync(join(app, 'src/tour.mts'), tour);
writeFileSync(join(app, 'src/tour.cts'), tour);
writeFileSync(join(app, 'src/entries.mts'), entryCheck('esm'));
writeFileSync(join(app, 'src/entries.cts'), entryCheck('cjs').replace('export {};\n', ''));

const strict = { strict: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable', 'DOM'], types: ['node'] };
const tsconfigs = {
  nodenext: { compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext', rootDir: 'src', outDir: 'out' }, include: ['src'] },
  node16: { compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', noEmit: true }, include: ['src'] },
  bundler: { compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', noEmit: true }, include: ['src/*.mts'] },
};
const tsc = join(app, 'node_modules/typescript/bin/tsc');
for (const [name, config] of Object.entries(tsconfigs)) {
  writeFileSync(join(app, `tsconfig.${name}.json`), `${JSON.stringify(config, null, 2)}\n`);
  const result = run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: app });
  // Errors inside other libraries' declarations (ai's missing json-schema types, @langchain/core's
  // ESM-only import from its .d.cts) are theirs: reported, not failed. Ours and the tour's fail.
  const errors = `${result.stdout}`.split('\n').filter((line) => /\): error TS\d+/.test(line));
  const theirs = errors.filter((line) => line.startsWith('node_modules/') && !line.startsWith('node_modules/@utter/'));
  const ours = errors.filter((line) => !theirs.includes(line));
  for (const line of new Set(theirs.map((l) => l.replace(/\(\d+,\d+\)/, '')))) console.log(`  note (not ours, ${name}): ${line}`);
  if (ours.length === 0 && (result.status === 0 || theirs.length > 0)) ok(`types: the tour and every entry point type-check (moduleResolution ${name}, skipLibCheck false)`);
  else fail(`types (moduleResolution ${name}):\n${ours.length > 0 ? ours.join('\n') : output(result)}`);
}

for (const node of nodes) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  for (const file of ['entries.mjs', 'entries.cjs', 'tour.mjs', 'tour.cjs']) {
    if (!existsSync(join(app, 'out', file))) {
      fail(`Node ${version}: out/${file} was not compiled`);
      continue;
    }
    const result = run(node, [join('out', file)], { cwd: app, timeout: 120_000 });
    if (result.status === 0) ok(`Node ${version}: ${file} (${result.stdout.trim().split('\n').pop()})`);
    else fail(`Node ${version}: ${file}\n${output(result)}`);
  }
}

// ------------------------------------------------------------------ @arethetypeswrong/cli
// Its checks (profile node16), through its core library in one process (attw.mjs): TypeScript loads once.
const attw = run(process.execPath, [join(root, '.ci/attw.mjs'), ...installable.map((entry) => entry.tarball)], { cwd: app });
for (const line of `${attw.stdout}`.split('\n')) {
  if (line.startsWith('  ok ')) ok(line.slice(5));
  else if (line.startsWith('  FAIL ')) fail(line.slice(7));
}
if (attw.status !== 0 && !`${attw.stdout}`.includes('  FAIL ')) fail(`attw did not run:\n${output(attw)}`);
finish();

function finish() {
  if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
  else console.log(`  kept ${work}`);
  console.log(`pack-tour: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
