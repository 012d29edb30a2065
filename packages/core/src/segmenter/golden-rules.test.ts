import { describe, expect, it } from 'vitest';
import { GOLDEN_RULES_EN } from './fixtures/golden-rules.js';
import { feed } from './test-helpers.js';
import type { SegmenterOptions } from './types.js';

/**
 * The 48 English "Golden Rules" of sentence boundary detection as published by pySBD
 * (https://github.com/nipunsadvilkar/pySBD/blob/master/tests/lang/test_english.py,
 * `GOLDEN_EN_RULES_TEST_CASES`, from the Pragmatic Segmenter's Golden Rules by Kevin Dias), streamed
 * word by word (each word with its leading space) and character by character, in 'sentence'
 * granularity. pySBD reports 47/48 for itself, offline on the whole text.
 */
const OPTIONS: SegmenterOptions = { granularity: 'sentence', maxLength: 1000 };

const FEEDINGS: ReadonlyArray<readonly [string, (text: string) => string[]]> = [
  ['word by word', (text) => text.match(/\s*\S+\s*$|\s*\S+/g) ?? []],
  ['character by character', (text) => [...text]],
];

/** Golden Rules we are allowed to miss (none today), with the reason. */
const KNOWN_MISSES: ReadonlyMap<number, string> = new Map();

describe('English Golden Rules (pySBD)', () => {
  it('has the 48 published cases', () => {
    expect(GOLDEN_RULES_EN).toHaveLength(48);
  });

  for (const [name, split] of FEEDINGS) {
    describe(name, () => {
      GOLDEN_RULES_EN.forEach((rule, i) => {
        const test = KNOWN_MISSES.has(i) ? it.fails : it;
        test(`#${i + 1}: ${rule.text.slice(0, 60)}`, () => {
          const segments = feed(split(rule.text), OPTIONS);
          expect(segments.map((s) => s.text).join('')).toBe(rule.text);
          expect(segments.map((s) => s.text.trim())).toEqual(rule.sentences);
        });
      });

      it('passes at least 47 of 48', () => {
        let passed = 0;
        for (const rule of GOLDEN_RULES_EN) {
          const got = feed(split(rule.text), OPTIONS).map((s) => s.text.trim());
          if (JSON.stringify(got) === JSON.stringify(rule.sentences)) passed++;
        }
        expect(passed).toBeGreaterThanOrEqual(47);
      });
    });
  }
});
