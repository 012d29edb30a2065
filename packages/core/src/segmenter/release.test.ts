import { describe, expect, it } from 'vitest';
import { createSegmenter, segmentText } from './segmenter.js';
import { feed } from './test-helpers.js';
import { SegmenterOptionsError, type SegmenterOptions } from './types.js';

/** Pushes each delta; returns, per push, the texts released by it. */
function releases(deltas: string[], options: SegmenterOptions = { granularity: 'sentence' }): string[][] {
  const s = createSegmenter(options);
  const out = deltas.map((d) => s.push(d).map((x) => x.text));
  out.push(s.end().map((x) => x.text));
  return out;
}

describe('release timing', () => {
  it('releases a period after an ordinary word when the character after its space arrives', () => {
    // ". " could still go on as a spaced ellipsis (". . ."): the next character decides
    expect(releases(['Hello world.', ' ', 'Next'])).toEqual([[], [], ['Hello world. '], ['Next']]);
    expect(releases(['Hello world.', ' N', 'ext'])).toEqual([[], ['Hello world. '], [], ['Next']]);
  });

  it('releases ? and ! followed by a space at once', () => {
    expect(releases(['Really?', ' Yes!', ' Ok'])).toEqual([[], ['Really? '], ['Yes! '], ['Ok']]);
  });

  it('releases a line at its newline', () => {
    expect(releases(['# Title', '\n', 'Text'])).toEqual([[], ['# Title\n'], [], ['Text']]);
    expect(releases(['- item', '\n', '- b'])).toEqual([[], ['- item\n'], [], ['- b']]);
    expect(releases(['Intro:', '\n', 'x'])).toEqual([[], ['Intro:\n'], [], ['x']]);
  });

  it('releases 。 at once', () => {
    expect(releases(['你好', '。', '我'])).toEqual([[], ['你好。'], [], ['我']]);
  });

  it('waits for the next word after a known abbreviation only', () => {
    expect(releases(['Dr.', ' ', 'Sm', 'ith', ' is', ' here.', ' '])).toEqual([[], [], [], [], [], [], [], ['Dr. Smith is here. ']]);
    // suffix abbreviation: a lower-case next word decides at once; a capitalized one once it is
    // complete (it could be a month: "Mon. Jan. 6")
    expect(releases(['at Acme Inc.', ' ', 'T', 'hey', ' ok'])).toEqual([[], [], [], [], ['at Acme Inc. '], ['They ok']]);
    expect(releases(['at Acme Inc.', ' ', 'p', 'roducts.'])).toEqual([[], [], [], [], ['at Acme Inc. products.']]);
  });

  it('does not wait after a period in a number, URL or file name', () => {
    expect(releases(['Pi is 3.', '14. ', 'Ok'])).toEqual([[], [], ['Pi is 3.14. '], ['Ok']]);
    expect(releases(['See example.', 'com. ', 'Ok'])).toEqual([[], [], ['See example.com. '], ['Ok']]);
    expect(releases(['I saw it.', ' ', 'Ok'])).toEqual([[], [], ['I saw it. '], ['Ok']]);
  });

  it('handles a surrogate pair split across pushes', () => {
    const all = releases(['Hi \ud83d', '\ude00 there. ', 'Bye']);
    expect(all.flat().join('')).toBe('Hi 😀 there. Bye');
    expect(all[2]).toEqual(['Hi 😀 there. ']);
  });

  it('end() flushes the rest and resets for the next utterance', () => {
    const s = createSegmenter({ granularity: 'sentence' });
    expect(s.push('One. Two')).toHaveLength(1);
    const end = s.end();
    expect(end.map((x) => [x.text, x.reason, x.start])).toEqual([['Two', 'end', 5]]);
    const next = s.push('Again. A');
    expect(next.map((x) => [x.text, x.start, x.index])).toEqual([['Again. ', 0, 0]]);
  });

  it('end() on an empty segmenter returns nothing', () => {
    expect(createSegmenter().end()).toEqual([]);
  });

  it('releases whitespace-only tails and skipped code as segments with empty speakable', () => {
    const segs = feed(['Hi.', ' ', '\n\n']);
    expect(segs.map((s) => s.text).join('')).toBe('Hi. \n\n');
    const code = segmentText('```\ncode\n```\n', { granularity: 'sentence' });
    expect(code).toHaveLength(1);
    expect(code[0]!.speakable).toBe('');
    expect(code[0]!.reason).toBe('code');
  });
});

describe('max length', () => {
  it('cuts a run-on at the best clause boundary', () => {
    const text = `${'word '.repeat(15)}and then, ${'more words '.repeat(20)}`;
    const segs = segmentText(text, { granularity: 'sentence', maxLength: 100 });
    expect(segs[0]!.text.endsWith('then, ')).toBe(true);
    expect(segs[0]!.reason).toBe('max-length');
    for (const s of segs) expect(s.text.length).toBeLessThanOrEqual(100);
  });

  it('cuts between words when there is no clause boundary', () => {
    const segs = segmentText('lorem ipsum dolor sit amet '.repeat(20), { granularity: 'sentence', maxLength: 50 });
    for (const s of segs.slice(0, -1)) {
      expect(s.text.length).toBeLessThanOrEqual(50);
      expect(s.text.endsWith(' ')).toBe(true);
    }
  });

  it('cuts CJK text without punctuation between characters, at the bound', () => {
    const text = '我们今天去公园散步然后吃饭'.repeat(30);
    const segs = segmentText(text, { granularity: 'sentence', maxLength: 60 });
    expect(segs.map((s) => s.text).join('')).toBe(text);
    for (const s of segs) expect(s.text.length).toBeLessThanOrEqual(60);
    expect(segs.length).toBeGreaterThan(5);
  });

  it('prefers 、 and ， in CJK', () => {
    const text = `${'我们今天去公园'.repeat(4)}，${'然后吃饭'.repeat(20)}`;
    const segs = segmentText(text, { granularity: 'sentence', maxLength: 60 });
    expect(segs[0]!.text.endsWith('，')).toBe(true);
  });

  it('never splits an emoji sequence or surrogate pair', () => {
    const text = '👩‍👩‍👧😀'.repeat(40);
    const segs = segmentText(text, { granularity: 'sentence', maxLength: 17 });
    for (const s of segs) {
      const last = s.text.charCodeAt(s.text.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      expect(s.text.endsWith('\u200d')).toBe(false);
    }
  });
});

describe('speech policy (default)', () => {
  it('releases the first segment early at a clause boundary once long enough', () => {
    const s = createSegmenter();
    expect(s.push('Well, ')).toEqual([]);
    const out = s.push('the capital of France is Paris, ');
    expect(out.map((x) => [x.text, x.reason])).toEqual([['Well, the capital of France is Paris, ', 'clause']]);
    // later clauses are not released early
    expect(s.push('which is nice, and big, ')).toEqual([]);
  });

  it('can disable the early release', () => {
    const s = createSegmenter({ firstSegmentMinLength: false });
    expect(s.push('Well, the capital of France is Paris, which is big. A').map((x) => x.reason)).toEqual(['sentence']);
  });

  it('merges very short sentences after the first', () => {
    const segs = segmentText('Hello there, friend. Yes. No. Maybe so. This one is a longer sentence.');
    expect(segs.map((s) => s.text)).toEqual(['Hello there, friend. ', 'Yes. No. Maybe so. This one is a longer sentence.']);
    const sentence = segmentText('Hello there, friend. Yes. No.', { granularity: 'sentence' });
    expect(sentence).toHaveLength(3);
    const noMerge = segmentText('Hello there, friend. Yes. No.', { minLength: 0 });
    expect(noMerge).toHaveLength(3);
  });

  it('does not merge into code blocks', () => {
    const segs = segmentText('First sentence here. Ok.\n```\nx\n```\nAfter.');
    expect(segs.some((s) => s.reason === 'code' && s.text.startsWith('```'))).toBe(true);
  });
});

describe('options', () => {
  it.each<[string, SegmenterOptions]>([
    ['maxLength', { maxLength: 3 }],
    ['maxLength', { maxLength: 10.5 }],
    ['granularity', { granularity: 'word' as 'sentence' }],
    ['language', { language: '12' }],
    ['emoji', { emoji: 'x' as 'drop' }],
    ['minLength', { minLength: -1 }],
    ['firstSegmentMinLength', { firstSegmentMinLength: 0 }],
    ['markdown', { markdown: 'yes' as unknown as boolean }],
    ['abbreviations', { abbreviations: [1] as unknown as string[] }],
  ])('rejects a bad %s', (option, options) => {
    expect(() => createSegmenter(options)).toThrow(SegmenterOptionsError);
    try {
      createSegmenter(options);
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      expect((error as SegmenterOptionsError).option).toBe(option);
    }
  });

  it('rejects a non-string push', () => {
    expect(() => createSegmenter().push(5 as unknown as string)).toThrow(TypeError);
  });

  it('accepts extra abbreviations', () => {
    const text = 'Go to Bldg. Seven today. Ok.';
    expect(segmentText(text, { granularity: 'sentence' }).map((s) => s.text)).toHaveLength(3);
    expect(segmentText(text, { granularity: 'sentence', abbreviations: ['Bldg.'] }).map((s) => s.text)).toEqual(['Go to Bldg. Seven today. ', 'Ok.']);
  });

  it('accepts region subtags', () => {
    expect(segmentText('Am 3. Oktober. Ja.', { granularity: 'sentence', language: 'de-AT' })).toHaveLength(2);
  });
});

describe('regressions', () => {
  it('terminates when a forced cut releases the opening backtick of an unclosed inline code span', () => {
    // the span is abandoned at the newline; the rescan must start inside the pending text
    const text = '\u{C62CB}\u{452C0}\u{A6AE4}\u{488B3}\u{E11C2}\u{EAF38}`Inc\u{1071CA}\u{F36E3}file.ts\u{C5444}\u{B8B8A}\u{E63FF}\u{583FA}3```\nfile.ts';
    const sizes = [4, 13, 5, 4, 2];
    const chunks: string[] = [];
    for (let i = 0, k = 0; i < text.length; i += sizes[k++ % sizes.length]!) chunks.push(text.slice(i, i + sizes[k % sizes.length]!));
    const segments = feed(chunks, { granularity: 'speech', maxLength: 8, language: 'ru' });
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });
});
