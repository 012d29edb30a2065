/**
 * Finds the TypeScript snippets of the documentation: every fenced block whose info string starts
 * with `ts` or `typescript` in README.md, docs/**\/*.md and the packages' README.md files.
 *
 * Convention (the words after the language in the fence's info string):
 * - no word: the block is type-checked as a standalone module against the workspace packages, with
 *   the placeholders of `prelude.ts` (`llmTokens`, `player`, `model`, ...) in scope;
 * - `run`: it is type-checked and also run (offline, on the embedded engine or a local test server);
 * - `no-check`: shown only (an excerpt that cannot stand alone). Use sparingly and say why nearby;
 * - `file=<path>`: the block is the file `<path>` of a small project the page builds up (for example
 *   `file=src/options.ts`); blocks of one page import each other by relative paths. A file the page
 *   imports but does not show goes in `tests/docs/fixtures/<page>/<path>` (`<page>` as in {@link Snippet.name}).
 *
 * Snippets that use browser APIs (they import `@utter/web`, or name `document`, `window` or
 * `AudioContext`) are compiled with the DOM library; the others with Node's globals only.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Repository root. */
export const root = join(import.meta.dirname, '..', '..');

/** A fenced TypeScript block of a Markdown file. */
export interface Snippet {
  /** Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the block's first code line. */
  readonly line: number;
  readonly code: string;
  readonly run: boolean;
  readonly check: boolean;
  /** The snippet's file, unique and stable: `docs-ai-sdk.md-L42.ts`, or `<page>/<path>` with `file=`. */
  readonly name: string;
  /** Compiled with the DOM library (a browser snippet). */
  readonly dom: boolean;
}

/** The folder name of a page's `file=` snippets and fixtures: `docs-providers-writing-an-adapter.md`. */
export function pageSlug(file: string): string {
  return file.replace(/[\\/]/g, '-');
}

/** The Markdown files whose snippets are checked. */
export function markdownFiles(): string[] {
  const files = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk('docs');
  for (const base of ['packages', 'packages/providers']) {
    for (const entry of readdirSync(join(root, base), { withFileTypes: true })) {
      const readme = join(base, entry.name, 'README.md');
      if (entry.isDirectory() && existsSync(join(root, readme))) files.push(readme);
    }
  }
  return files.map((file) => relative(root, join(root, file)));
}

/** The TypeScript blocks of one Markdown file. */
export function snippetsOf(file: string): Snippet[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\b(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '```', , info = ''] = open;
    const words = info.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j += 1) {
      const line = lines[j] ?? '';
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    const code = body.join('\n');
    const path = words.find((word) => word.startsWith('file='))?.slice('file='.length);
    found.push({
      file,
      line: i + 2,
      code,
      run: words.includes('run'),
      check: !words.includes('no-check'),
      name: path ? `${pageSlug(file)}/${path}` : `${pageSlug(file)}-L${i + 2}.ts`,
      dom: /from '@utter\/web'|\bdocument\.|\bwindow\.|\bAudioContext\b/.test(code),
    });
    i = j;
  }
  return found;
}
