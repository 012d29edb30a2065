import { describe, expect, it } from 'vitest';
import { segmentText } from './segmenter.js';
import { mapSpeakableOffset, toSpeakable } from './speakable.js';

describe('toSpeakable', () => {
  it.each<[string, string, string]>([
    ['plain text is unchanged', 'Hello world. ', 'Hello world. '],
    ['bold and italics', 'This is **very** _important_ and *nice*.', 'This is very important and nice.'],
    ['strikethrough', 'Not ~~this~~ that.', 'Not this that.'],
    ['snake_case stays', 'Call my_func_name now.', 'Call my_func_name now.'],
    ['multiplication stays', 'Compute 2*3 and 4 * 5.', 'Compute 2*3 and 4 * 5.'],
    ['heading hashes', '## Getting started\n', 'Getting started\n'],
    ['closing heading hashes', '# Title #\n', 'Title\n'],
    ['bullets', '- first item\n', 'first item\n'],
    ['star bullet with bold', '* **Note:** read it\n', 'Note: read it\n'],
    ['task list', '- [x] done\n', 'done\n'],
    ['numbered list keeps the number', '1. First\n', '1. First\n'],
    ['blockquote', '> quoted text\n', 'quoted text\n'],
    ['link', 'See [the docs](https://x.dev/a_(b)) now.', 'See the docs now.'],
    ['image', 'Look: ![a cat](cat.png)', 'Look: a cat'],
    ['reference link', 'See [docs][1].', 'See docs.'],
    ['footnote', 'True.[^1] ', 'True. '],
    ['audio tag kept', '[laughs] Funny.', '[laughs] Funny.'],
    ['inline code read without backticks', 'Run `npm test` now.', 'Run npm test now.'],
    ['double backtick code', 'Use ``a ` b`` here.', 'Use a ` b here.'],
    ['escapes', 'Not \\*bold\\*.', 'Not *bold*.'],
    ['SSML kept intact', 'Wait <break time="1s"/> now.', 'Wait <break time="1s"/> now.'],
    ['autolink', 'Visit <https://example.com>.', 'Visit https://example.com.'],
    ['emoji dropped', 'Great job! 🎉👍🏽 Go 🇫🇷', 'Great job!  Go '],
    ['zwj family dropped', 'Family 👩‍👩‍👧 time', 'Family  time'],
    ['keycap', 'Press 1️⃣ now', 'Press 1 now'],
    ['copyright kept', '© 2024 Acme®', '© 2024 Acme®'],
    ['table row', '| Name | Age |\n', 'Name , Age \n'],
    ['table separator dropped', '|---|:---:|\n', ''],
    ['horizontal rule', '---\n', ''],
    ['only emoji', '🎉🎉 ', ''],
    ['only whitespace', ' \n\t', ''],
    ['fenced code skipped', '```js\nconst a = 1;\n```\n', ''],
    ['hindi ZWJ kept', 'क्‍ष', 'क्‍ष'],
  ])('%s', (_name, input, expected) => {
    expect(toSpeakable(input).text).toBe(expected);
  });

  it('reads code when asked and says a phrase instead when given one', () => {
    const code = '```py\nprint(1)\n```\n';
    expect(toSpeakable(code, { code: 'read' }).text).toBe('print(1)\n');
    expect(toSpeakable(code, { code: 'Here is some code.' }).text).toBe('Here is some code. ');
  });

  it('keeps emoji when asked, and markdown when markdown is off', () => {
    expect(toSpeakable('**Hi** 🎉', { emoji: 'keep' }).text).toBe('Hi 🎉');
    expect(toSpeakable('**Hi** 🎉', { markdown: false }).text).toBe('**Hi** ');
  });

  it('continues a code block started in an earlier segment', () => {
    expect(toSpeakable('x = 1\n```\nAfter.', { inFence: true }).text).toBe('After.');
  });

  it('maps speakable offsets back to the original text', () => {
    const text = '## **Bold** [link](http://x.y) 🎉 end';
    const sp = toSpeakable(text, { offset: 100 });
    expect(sp.text).toBe('Bold link  end');
    const at = (i: number): number => mapSpeakableOffset(sp.map, sp.text.length, i, 100 + text.length);
    expect(text[at(0) - 100]).toBe('B');
    expect(text[at(5) - 100]).toBe('l');
    expect(text[at(sp.text.length - 1) - 100]).toBe('d');
    expect(at(sp.text.length)).toBe(100 + text.length);
  });

  it('maps an inserted phrase to the start of the code block', () => {
    const text = 'Intro\n```\ncode\n```\n';
    const sp = toSpeakable(text, { code: 'Code.' });
    const i = sp.text.indexOf('Code.');
    expect(mapSpeakableOffset(sp.map, sp.text.length, i + 2, text.length)).toBe(text.indexOf('```'));
  });
});

describe('segments carry speakable text and a map', () => {
  it('gives exact original offsets for what was spoken', () => {
    const text = 'First **bold** sentence. Then a [link](https://a.b) here.';
    const segs = segmentText(text, { granularity: 'sentence' });
    expect(segs.map((s) => s.speakable)).toEqual(['First bold sentence. ', 'Then a link here.']);
    const second = segs[1]!;
    // spoken "Then a li" -> original up to the "n" of "link" inside the brackets
    const spokenEnd = second.toOriginal('Then a li'.length);
    expect(text.slice(second.start, spokenEnd)).toBe('Then a [li');
    expect(second.toOriginal(second.speakable.length)).toBe(text.length);
  });
});
