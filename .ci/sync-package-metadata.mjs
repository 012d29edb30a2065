// Keeps the release metadata of every publishable package consistent:
//   node .ci/sync-package-metadata.mjs          check (CI): lists what is missing or stale, exits 1
//   node .ci/sync-package-metadata.mjs --write  rewrites the package.json files (field order kept)
//
// Per package: description, keywords, license (+ a LICENSE file that matches it), repository
// (with directory), homepage, bugs, engines, files, sideEffects, publishConfig. `exports` keeps the
// workspace-only `@utter/source` condition for development; `publishConfig` carries the same
// `exports`/`main`/`module`/`types` without it, which pnpm (`pnpm pack`/`pnpm publish`, and so
// `changeset publish`) writes into the published manifest.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_ENGINES, REPOSITORY, publishedExports, workspacePackages } from './packages.mjs';

const COMMON = ['utter', 'tts', 'text-to-speech', 'speech', 'llm', 'streaming', 'realtime'];
/** Keywords per package, after the common ones. */
const KEYWORDS = {
  '@utter/core': ['voice', 'sentence-segmentation', 'audio', 'pcm', 'websocket'],
  '@utter/rxjs': ['rxjs', 'observable', 'operators', 'voice'],
  '@utter/ai-sdk': ['ai', 'ai-sdk', 'vercel', 'streamtext', 'voice'],
  '@utter/langchain': ['langchain', 'langgraph', 'callbacks', 'agents', 'voice'],
  '@utter/testing': ['testing', 'mock-server', 'conformance', 'fault-injection', 'websocket'],
  '@utter/web': ['browser', 'web-audio', 'audioworklet', 'player', 'captions'],
  '@utter/espeak': ['espeak', 'espeak-ng', 'offline', 'webassembly', 'wasm'],
  '@utter/murmr': ['murmr', 'websocket'],
  '@utter/murf': ['murf', 'websocket'],
  '@utter/munsit': ['munsit', 'arabic', 'websocket'],
  '@utter/upliftai': ['upliftai', 'uplift-ai', 'urdu', 'websocket'],
  '@utter/elevenlabs': ['elevenlabs', 'websocket'],
  '@utter/cartesia': ['cartesia', 'sonic', 'websocket'],
  '@utter/deepgram': ['deepgram', 'aura', 'websocket'],
  '@utter/openai': ['openai', 'gpt-4o-mini-tts'],
};
/** The field order of a package.json (fields not listed keep their place after these). */
const ORDER = [
  'name', 'version', 'description', 'keywords', 'homepage', 'bugs', 'repository', 'license', 'author',
  'type', 'sideEffects', 'exports', 'main', 'module', 'types', 'files', 'engines', 'publishConfig',
  'scripts', 'dependencies', 'peerDependencies', 'peerDependenciesMeta', 'optionalDependencies', 'devDependencies',
];

/** The metadata `pkg` (in `rel`) should have; a new object, other fields untouched. */
export function withMetadata(pkg, rel) {
  const next = { ...pkg };
  next.keywords = [...new Set([...COMMON, ...(KEYWORDS[pkg.name] ?? []), ...(pkg.keywords ?? [])])];
  next.homepage = `${REPOSITORY}/tree/main/${rel}#readme`;
  next.bugs = { url: `${REPOSITORY}/issues` };
  next.repository = { type: 'git', url: `git+${REPOSITORY}.git`, directory: rel };
  next.engines = { ...(pkg.engines ?? {}), node: NODE_ENGINES };
  // Package-specific exclusions (`!dist/...`) are kept, right after `dist`.
  const extra = (pkg.files ?? []).filter((f) => !['dist', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f));
  next.files = ['dist', ...extra, 'README.md', 'LICENSE', 'CHANGELOG.md'];
  next.sideEffects ??= false;
  const publish = { access: 'public', ...(pkg.publishConfig ?? {}) };
  publish.exports = publishedExports(pkg.exports);
  for (const field of ['main', 'module', 'types']) {
    if (pkg[field] !== undefined) publish[field] = pkg[field];
    else delete publish[field];
  }
  next.publishConfig = publish;
  const ordered = {};
  for (const key of ORDER) if (next[key] !== undefined) ordered[key] = next[key];
  for (const key of Object.keys(next)) if (!(key in ordered)) ordered[key] = next[key];
  return ordered;
}

/** Problems with a package's metadata that syncing cannot fix. */
function problems(pkg, dir) {
  const found = [];
  if (!pkg.description) found.push('no description');
  if (!existsSync(join(dir, 'README.md'))) found.push('no README.md');
  const licence = existsSync(join(dir, 'LICENSE')) ? readFileSync(join(dir, 'LICENSE'), 'utf8') : undefined;
  if (!licence) found.push('no LICENSE file');
  else if (pkg.license === 'MIT' && !licence.startsWith('MIT License')) found.push('LICENSE is not the MIT licence');
  else if (pkg.license?.startsWith('GPL-3.0') && !licence.includes('GNU GENERAL PUBLIC LICENSE') && !licence.includes('Version 3')) {
    found.push('LICENSE is not the GPL version 3');
  } else if (!['MIT', 'GPL-3.0-or-later'].includes(pkg.license)) found.push(`unexpected license ${pkg.license}`);
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const write = process.argv.includes('--write');
  let failures = 0;
  for (const { dir, rel, pkg } of workspacePackages()) {
    if (pkg.private) continue;
    const next = withMetadata(pkg, rel);
    const text = `${JSON.stringify(next, null, 2)}\n`;
    const stale = text !== readFileSync(join(dir, 'package.json'), 'utf8');
    if (stale && write) writeFileSync(join(dir, 'package.json'), text);
    const found = [...(stale && !write ? ['package.json metadata is stale (run node .ci/sync-package-metadata.mjs --write)'] : []), ...problems(next, dir)];
    failures += found.length;
    console.log(found.length === 0 ? `  ok ${pkg.name}` : `  FAIL ${pkg.name}: ${found.join('; ')}`);
  }
  process.exitCode = failures === 0 ? 0 : 1;
}
