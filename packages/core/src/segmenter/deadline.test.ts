import { describe, expect, it } from 'vitest';
import { createSegmenter } from './segmenter.js';

/** The time-based release hook: `releaseNow()` and `firstPendingSpeakable()` (no clock inside). */
describe('deadline release', () => {
  it('reports the first pending speakable offset, and nothing once it is released', () => {
    const s = createSegmenter({ granularity: 'sentence' });
    expect(s.firstPendingSpeakable()).toBeUndefined();
    s.push('  ');
    expect(s.firstPendingSpeakable()).toBeUndefined();
    s.push('Hello there');
    expect(s.firstPendingSpeakable()).toBe(2);
    const out = s.push('. Next');
    expect(out.map((x) => x.text)).toEqual(['  Hello there. ']);
    expect(s.firstPendingSpeakable()).toBe(15);
  });

  it('cuts at the best clause boundary, with reason deadline', () => {
    const s = createSegmenter({ granularity: 'sentence' });
    s.push('Well, if you think about it, the answer depen');
    const out = s.releaseNow();
    expect(out.map((x) => [x.text, x.reason])).toEqual([['Well, if you think about it, ', 'deadline']]);
    expect(s.firstPendingSpeakable()).toBe(29);
    expect([...s.push('ds on you.'), ...s.end()].map((x) => x.text)).toEqual(['the answer depends on you.']);
  });

  it('falls back to a word boundary, never inside a word, number or URL', () => {
    const s = createSegmenter({ granularity: 'sentence' });
    s.push('The version is 3.14 at https://example.com/a.b');
    const out = s.releaseNow();
    expect(out.map((x) => x.text)).toEqual(['The version is 3.14 at ']);
    expect(s.releaseNow()).toEqual([]);
    expect(s.end().map((x) => x.text)).toEqual(['https://example.com/a.b']);
  });

  it('does not cut inside inline code, a tag or a code block', () => {
    const code = createSegmenter({ granularity: 'sentence' });
    code.push('Run `npm install the thing');
    expect(code.releaseNow().map((x) => x.text)).toEqual(['Run ']);
    expect(code.releaseNow()).toEqual([]);
    const tag = createSegmenter({ granularity: 'sentence' });
    tag.push('Hi <break time="1s" ');
    expect(tag.releaseNow().map((x) => x.text)).toEqual(['Hi ']);
    const fence = createSegmenter({ granularity: 'sentence' });
    fence.push('```js\nconst a = 1, b = 2;\n');
    expect(fence.releaseNow()).toEqual([]);
  });

  it('releases through a plain sentence end that waits for the next character', () => {
    const s = createSegmenter({ granularity: 'sentence' });
    expect(s.push('Hello world. ')).toEqual([]);
    expect(s.releaseNow().map((x) => [x.text, x.reason])).toEqual([['Hello world. ', 'deadline']]);
    expect(s.firstPendingSpeakable()).toBeUndefined();
    const q = createSegmenter({ granularity: 'sentence' });
    q.push('Are you sure?');
    expect(q.releaseNow().map((x) => x.text)).toEqual(['Are you sure?']);
  });

  it('does not release through a period after a number, an abbreviation, a URL or an ellipsis', () => {
    for (const [text, released] of [
      ['Pi is 3.', 'Pi is '],
      ['Ask Dr.', 'Ask '],
      ['See www.example.', 'See '],
      ['Go to https://example.', 'Go to '],
      ['Well...', ''],
    ] as const) {
      const s = createSegmenter({ granularity: 'sentence' });
      s.push(text);
      expect(s.releaseNow().map((x) => x.text).join('')).toBe(released);
    }
  });

  it('returns nothing when there is no boundary yet', () => {
    const s = createSegmenter();
    s.push('Supercalifragilistic');
    expect(s.releaseNow()).toEqual([]);
    expect(s.firstPendingSpeakable()).toBe(0);
  });

  it('releases a short sentence held for merging (speech policy)', () => {
    const s = createSegmenter({ minLength: 20 });
    expect(s.push('This first sentence is long enough. Yes. Th').map((x) => x.text)).toEqual(['This first sentence is long enough. ']);
    expect(s.firstPendingSpeakable()).toBe(36);
    expect(s.releaseNow().map((x) => [x.text, x.reason])).toEqual([['Yes. ', 'sentence']]);
  });

  it('a skipped leading code block is not pending speech and does not hold back the text after it', () => {
    const s = createSegmenter();
    expect(s.push('```py\nprint(1)\n')).toEqual([]);
    expect(s.firstPendingSpeakable()).toBeUndefined();
    const code = s.push('```\n');
    expect(code.map((x) => [x.reason, x.speakable])).toEqual([['code', '']]);
    s.push('Sure, here is how it works in practice, ');
    // the early first release applies to the first speakable segment, after the code
    const first = s.push('step by step.');
    expect(first.length + s.releaseNow().length).toBeGreaterThan(0);
    const s2 = createSegmenter();
    s2.push('```\nx\n```\nOk. ');
    expect(s2.push('Then more text follows here.').map((x) => x.text)).toEqual(['Ok. ']);
  });
});

describe('nothing to say', () => {
  it('never releases punctuation alone: it joins the next segment', () => {
    const s = createSegmenter({ granularity: 'sentence' });
    const out = [...s.push('Done. '), ...s.push('. . . And then'), ...s.push(' more.'), ...s.end()];
    for (const seg of out) expect(seg.text.trim() === '' || /[\p{L}\p{N}]/u.test(seg.text)).toBe(true);
    expect(out.map((x) => x.text).join('')).toBe('Done. . . . And then more.');
  });

  it('a punctuation-only tail at the end has an empty speakable', () => {
    const s = createSegmenter({ granularity: 'sentence' });
    const out = [...s.push('Hello world.'), ...s.push(' '), ...s.push(')'), ...s.end()];
    expect(out.map((x) => x.text).join('')).toBe('Hello world. )');
    for (const seg of out) if (!/[\p{L}\p{N}]/u.test(seg.text)) expect(seg.speakable).toBe('');
  });
});

describe('options', () => {
  it('refuses an unknown option by name', () => {
    expect(() => createSegmenter({ maxlength: 10 } as never)).toThrow(/"maxlength": unknown option/);
  });
});

describe('order', () => {
  it('keeps a held sentence before carried punctuation that cannot join the next piece', () => {
    const text = 'hellohello? # hellohello';
    const s = createSegmenter({ granularity: 'speech', maxLength: 8, markdown: false });
    const out = [...[...text].flatMap((c) => s.push(c)), ...s.end()];
    expect(out.map((x) => x.text).join('')).toBe(text);
  });
});
