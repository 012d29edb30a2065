// Prints CI's one summary line "N passed, N failed[, N skipped]" from vitest JSON reports and the
// plain `<name>: N passed, N failed` lines of the other checks. Exits 1 when something failed, a
// report is missing or unreadable, or no test ran.
//   node .ci/summary.mjs --vitest a.json --vitest b.json --counts pack-tour.log ...
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (let i = 0; i < args.length; i += 2) {
  const [kind, file] = [args[i], args[i + 1]];
  if (!file || !existsSync(file)) {
    console.error(`summary: missing ${file ?? kind}`);
    failed += 1;
    continue;
  }
  if (kind === '--vitest') {
    try {
      const r = JSON.parse(readFileSync(file, 'utf8'));
      passed += r.numPassedTests;
      failed += r.numFailedTests + (r.numFailedTestSuites || 0) + (r.numRuntimeErrorTestSuites || 0);
      skipped += (r.numPendingTests || 0) + (r.numTodoTests || 0);
      if (r.numTotalTests === 0) failed += 1;
    } catch {
      console.error(`summary: cannot read ${file}`);
      failed += 1;
    }
  } else {
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.reverse().find((l) => /: \d+ passed, \d+ failed/.test(l));
    if (!line) {
      console.error(`summary: no counts in ${file}`);
      failed += 1;
      continue;
    }
    const [, p, f] = /: (\d+) passed, (\d+) failed/.exec(line) ?? [];
    passed += Number(p);
    failed += Number(f);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
