import { describe, expect, it } from 'vitest';
import { CHUNKINGS, f1 } from './fixtures/index.js';
import { PARSED, runOurs } from './fixtures/run.js';

/**
 * Quality gate on the evaluation corpus (fixtures/): every case streamed in 'sentence'
 * granularity with every chunking (whole, single code units, LLM-like ~4-character tokens, random
 * chunks that may split surrogate pairs, random surrogate-safe chunks). Per chunking: boundary F1
 * >= 0.98 against the gold, the text reproduced exactly in every case, and every long run-on cut
 * within its bound. Run with the case language set, and without a language (script detection).
 */
const MIN_F1 = 0.98;

describe('evaluation corpus', () => {
  it('has about 250+ cases in English and at least 14 other languages, with long run-ons', () => {
    expect(PARSED.length).toBeGreaterThanOrEqual(250);
    const languages = new Set(PARSED.map((c) => c.lang));
    languages.delete('en');
    expect(languages.size).toBeGreaterThanOrEqual(14);
    expect(PARSED.filter((c) => c.maxLength !== undefined).length).toBeGreaterThanOrEqual(5);
  });

  for (const withLanguage of [true, false]) {
    for (const how of CHUNKINGS) {
      it(`${withLanguage ? 'language set' : 'no language'}, ${how}: F1 >= ${MIN_F1}, exact text, long cases within bound`, () => {
        const r = runOurs(how, withLanguage);
        expect(r.corrupted).toEqual([]);
        expect(r.overLength).toEqual([]);
        const m = f1(r.counts);
        // the mistakes are listed in the failure message
        expect({ f1: m.f1 >= MIN_F1 ? 'ok' : m.f1, mistakes: m.f1 >= MIN_F1 ? [] : r.mistakes }).toEqual({ f1: 'ok', mistakes: [] });
      });
    }
  }
});
