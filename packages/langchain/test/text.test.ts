import { describe, expect, it } from 'vitest';
import { AIMessageChunk } from '@langchain/core/messages';
import { ChatGenerationChunk, GenerationChunk } from '@langchain/core/outputs';
import { textOfToken } from '../src/index.js';

const chat = (message: AIMessageChunk) => ({ chunk: new ChatGenerationChunk({ message, text: '' }) });

describe('textOfToken', () => {
  it('uses the token when there is no chunk, and a completion chunk text', () => {
    expect(textOfToken('hi')).toEqual({ text: 'hi', toolCall: false });
    expect(textOfToken('x', { chunk: new GenerationChunk({ text: 'yo' }) })).toEqual({ text: 'yo', toolCall: false });
  });

  it('takes text from string content and from text blocks only', () => {
    expect(textOfToken('a', chat(new AIMessageChunk({ content: 'a' })))).toEqual({ text: 'a', toolCall: false });
    const blocks = new AIMessageChunk({
      content: [
        { type: 'thinking', thinking: 'hmm' },
        { type: 'text', text: 'Hi ' },
        { type: 'reasoning', reasoning: 'r' },
        { type: 'text', text: 'there' },
      ],
    });
    expect(textOfToken('', chat(blocks)).text).toBe('Hi there');
  });

  it('never returns tool-call content, whatever the token says', () => {
    const openai = new AIMessageChunk({ content: '', tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, args: '{"a":', name: 'f', id: '1' }] });
    expect(textOfToken('', chat(openai))).toEqual({ text: '', toolCall: true });
    const anthropic = new AIMessageChunk({
      content: [{ type: 'input_json_delta', input: '{"a":', index: 1 }],
      tool_call_chunks: [{ type: 'tool_call_chunk', index: 1, args: '{"a":' }],
    });
    expect(textOfToken('{"a":', chat(anthropic))).toEqual({ text: '', toolCall: true });
    const stringJson = new AIMessageChunk({ content: '{"a":', tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, args: '{"a":' }] });
    expect(textOfToken('{"a":', chat(stringJson))).toEqual({ text: '', toolCall: true });
  });
});
