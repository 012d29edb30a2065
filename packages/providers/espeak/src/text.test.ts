import { describe, expect, it } from 'vitest';
import { locateWord, prepareText } from './text.js';

/** 1-based code-point position of `needle` in `text`, as the engine reports it. */
function position(text: string, needle: string): number {
  return [...text.slice(0, text.indexOf(needle))].length + 1;
}

describe('prepareText', () => {
  it('escapes & < > and maps every sent code point back to the original', () => {
    const text = 'a & b <c> d';
    const prepared = prepareText(text, false);
    expect(prepared.sent).toBe('a &amp; b &lt;c&gt; d');
    expect(prepared.starts.length).toBe([...prepared.sent].length);
    // Every code point of "&amp;" maps to the "&".
    for (let i = 2; i < 7; i++) {
      expect(prepared.starts[i]).toBe(2);
      expect(prepared.ends[i]).toBe(3);
    }
  });

  it('counts surrogate pairs as one code point and maps to UTF-16 offsets', () => {
    const text = '😀 héllo 𝄞 wörld';
    const prepared = prepareText(text, false);
    expect(prepared.sent).toBe(text);
    const hello = locateWord(prepared, position(text, 'héllo'), 5);
    expect(hello).toEqual({ offset: text.indexOf('héllo'), text: 'héllo' });
    const world = locateWord(prepared, position(text, 'wörld'), 5);
    expect(world).toEqual({ offset: text.indexOf('wörld'), text: 'wörld' });
    expect(locateWord(prepared, 1, 1)).toEqual({ offset: 0, text: '😀' });
  });

  it('replaces NUL, controls and lone surrogates one-for-one', () => {
    const text = `a\u0000b\u0007c\ud800d\te\nf`;
    const prepared = prepareText(text, false);
    expect(prepared.sent).toBe('a b c d\te\nf');
    expect(prepared.starts.length).toBe(text.length);
  });

  it('passes SSML through and maps entities as a whole', () => {
    const text = '<speak>A &amp; B</speak>';
    const prepared = prepareText(text, true);
    expect(prepared.sent).toBe(text);
    // The engine reports "&amp;" at its ";".
    expect(locateWord(prepared, position(text, ';'), 1)).toEqual({ offset: text.indexOf('&'), text: '&amp;' });
  });
});

describe('locateWord', () => {
  it('finds an escaped character reported at its entity', () => {
    const text = 'Tom & Jerry';
    const prepared = prepareText(text, false);
    const semicolon = [...prepared.sent].indexOf(';') + 1;
    expect(locateWord(prepared, semicolon, 1)).toEqual({ offset: 4, text: '&' });
  });

  it('ignores whitespace-only and out-of-range reports and trims', () => {
    const prepared = prepareText('a  b', false);
    expect(locateWord(prepared, 2, 1)).toBeUndefined();
    expect(locateWord(prepared, 0, 1)).toBeUndefined();
    expect(locateWord(prepared, 2, 3)).toEqual({ offset: 3, text: 'b' });
    expect(locateWord(prepared, 99, 3)).toEqual({ offset: 3, text: 'b' });
    expect(locateWord(prepareText('', false), 1, 1)).toBeUndefined();
  });
});
