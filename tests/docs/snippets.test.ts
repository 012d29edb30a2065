import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownFiles, root, snippetsOf, type Snippet } from './snippets.js';

const here = import.meta.dirname;
const out = join(here, '.snippets');
const files = markdownFiles();
const snippets = files.flatMap(snippetsOf);
/** Diagnostics per snippet name (its path under .snippets/). */
const diagnostics = new Map<string, string[]>();

/** Compiles `names` (paths under .snippets/) in one program and records each one's diagnostics. */
function compile(names: readonly string[], dom: boolean): void {
  const base = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.base.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!base) throw new Error('cannot read tsconfig.base.json');
  const lib = dom ? ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'] : ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'];
  const options: ts.CompilerOptions = { ...base.options, lib, noEmit: true, noUnusedLocals: false, allowUnreachableCode: true };
  const preludes = [join(here, 'prelude.ts'), ...(dom ? [] : [join(here, 'prelude-node.d.ts')])];
  const program = ts.createProgram({ rootNames: [...names.map((name) => join(out, name)), ...preludes], options });
  for (const name of names) {
    const source = program.getSourceFile(join(out, name));
    if (!source) continue;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics.set(
      name,
      found.map((d) => {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1;
        return `line ${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
  }
}

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // Files that pages import without showing them (see snippets.ts).
  const fixtures = join(here, 'fixtures');
  if (existsSync(fixtures)) for (const page of readdirSync(fixtures)) cpSync(join(fixtures, page), join(out, page), { recursive: true });
  const checked = snippets.filter((s) => s.check);
  for (const snippet of checked) {
    mkdirSync(dirname(join(out, snippet.name)), { recursive: true });
    // `export {}` makes every snippet a module of its own (its names never clash with another's).
    writeFileSync(join(out, snippet.name), `${snippet.code}\n\nexport {};\n`);
  }
  // One program per library set: one start, the workspace sources read once (tsc itself would stop
  // at the first syntax error; the API gives every snippet's own syntactic and semantic diagnostics).
  compile(checked.filter((s) => !s.dom).map((s) => s.name), false);
  const browser = checked.filter((s) => s.dom);
  if (browser.length > 0) compile(browser.map((s) => s.name), true);
}, 240_000);

const where = (snippet: Snippet): string => `${snippet.file}:${snippet.line}`;

describe.each(files.filter((file) => snippets.some((s) => s.file === file)))('%s', (file) => {
  const own = snippets.filter((s) => s.file === file);
  it.each(own.filter((s) => s.check).map((s) => [where(s), s] as const))('%s type-checks', (_, snippet) => {
    // Line numbers count from the block's first code line.
    expect(diagnostics.get(snippet.name) ?? ['not compiled'], `${where(snippet)} (lines count from the block's first line)`).toEqual([]);
  });
  const runnable = own.filter((s) => s.run);
  if (runnable.length > 0) {
    it.each(runnable.map((s) => [where(s), s] as const))('%s runs', (_, snippet) => {
      const result = spawnSync(
        process.execPath,
        ['--conditions=@utter/source', '--import', 'tsx', '--import', join(here, 'prelude.ts'), join(out, snippet.name)],
        { cwd: here, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      );
      expect(result.status, `${where(snippet)} exited with ${result.status}:\n${result.stdout}${result.stderr}`).toBe(0);
    });
  }
});

it('finds the snippets', () => {
  expect(snippets.length).toBeGreaterThan(40);
  expect(relative(root, here)).toBe(join('tests', 'docs'));
});
