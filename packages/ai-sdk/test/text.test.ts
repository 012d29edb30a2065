import { SpeechError } from '@utter/core';
import { describe, expect, it } from 'vitest';
import { answerText, isStreamTextResult } from '../src/text.js';
import { MAJORS, runStreamText } from './llm.js';

async function collect(source: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const delta of source) out += delta;
  return out;
}

describe.each(MAJORS)('answer text of streamText (ai@%i)', (major) => {
  it('is the text, delta by delta', async () => {
    const { result } = runStreamText(major, [[{ text: 'Hello there. How are you today?' }]]);
    expect(isStreamTextResult(result)).toBe(true);
    expect(await collect(answerText(result))).toBe('Hello there. How are you today?');
  });

  it('skips reasoning', async () => {
    const { result } = runStreamText(major, [[{ reasoning: 'The user greets me. SECRET PLAN.' }, { text: 'Hi!' }]]);
    expect(await collect(answerText(result))).toBe('Hi!');
  });

  it('skips tool input and speaks each step in order', async () => {
    const { result, probe } = runStreamText(major, [
      [{ text: 'Let me check.' }, { tool: 'weather', input: { city: 'Paris' } }],
      [{ text: 'It is sunny in Paris.' }],
    ]);
    const text = await collect(answerText(result));
    expect(text).toBe('Let me check.\n\nIt is sunny in Paris.');
    expect(text).not.toContain('city');
    expect(probe.calls).toBe(2);
  });

  it('does not add a separator after whitespace', async () => {
    const { result } = runStreamText(major, [[{ text: 'One. ' }, { tool: 'weather', input: { city: 'X' } }], [{ text: 'Two.' }]]);
    expect(await collect(answerText(result, { blockSeparator: '\n\n' }))).toBe('One. Two.');
  });

  it('turns an error part into a typed SpeechError', async () => {
    const { result } = runStreamText(major, [[{ text: 'Partial ' }, { error: new Error('upstream 500') }]]);
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const delta of answerText(result)) seen.push(delta);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(seen.join('')).toBe('Partial ');
    expect(error).toBeInstanceOf(SpeechError);
    expect((error as SpeechError).code).toBe('provider');
    expect((error as SpeechError).message).toContain('upstream 500');
  });
});

describe('answer text of plain sources', () => {
  it('passes async iterables of strings through', async () => {
    async function* gen() {
      yield 'a';
      yield '';
      yield 'b';
    }
    expect(await collect(answerText(gen()))).toBe('ab');
  });

  it('rejects non-string deltas and unknown sources with invalid-input', async () => {
    async function* gen() {
      yield 1 as unknown as string;
    }
    await expect(collect(answerText(gen()))).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(collect(answerText(42 as never))).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('wraps a thrown error as a SpeechError', async () => {
    async function* gen(): AsyncGenerator<string> {
      yield 'x';
      throw new Error('boom');
    }
    await expect(collect(answerText(gen()))).rejects.toBeInstanceOf(SpeechError);
  });
});
