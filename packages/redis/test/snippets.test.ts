/**
 * The `@utter/redis` snippets of this README and of docs/limits.md, type-checked against the sources
 * (the docs snippet checker in tests/docs does not depend on this package, so the blocks are marked
 * `no-check` there and checked here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const root = join(here, '..', '..', '..');
const pages = ['packages/redis/README.md', 'docs/limits.md'];

/** The TypeScript blocks of `page` that import `@utter/redis`. */
function blocksOf(page: string): { line: number; code: string }[] {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const found: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\b/.test(lines[i] ?? '')) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !(lines[i + 1] ?? '').startsWith('```')) i++;
    const code = lines.slice(start, i + 1).join('\n');
    if (code.includes("from '@utter/redis'")) found.push({ line: start + 1, code });
    i++;
  }
  return found;
}

const snippets = pages.flatMap((page) => blocksOf(page).map((block, n) => ({ page, ...block, file: join(here, `__snippet-${page.replace(/\W/g, '-')}-${n}.ts`) })));

describe('documentation snippets of @utter/redis', () => {
  it('finds the snippets', () => {
    expect(snippets.map((s) => s.page).sort()).toEqual([...pages].sort());
  });

  it('type-check against the sources', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(here, '..', 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (!config) throw new Error('cannot read tsconfig.json');
    const options = { ...config.options, noEmit: true, lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'] };
    const virtual = new Map(snippets.map((s) => [s.file, `${s.code}\n\nexport {};\n`]));
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, target, ...rest) => {
      const text = virtual.get(name);
      return text === undefined ? getSourceFile(name, target, ...rest) : ts.createSourceFile(name, text, target);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => virtual.has(name) || fileExists(name);
    const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
    const problems = snippets.flatMap((s) => {
      const source = program.getSourceFile(s.file);
      if (!source) return [`${s.page}:${s.line}: not compiled`];
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
        return `${s.page}:${s.line + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    });
    expect(problems).toEqual([]);
  }, 60_000);
});
