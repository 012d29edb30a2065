import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { createAgent, tool } from 'langchain';
import { AIMessageChunk, ToolMessage } from '@langchain/core/messages';
import { z } from 'zod';
import type { SpeechEvent } from '@utter/core';
import { espeak } from '@utter/espeak';
import type { EspeakProvider } from '@utter/espeak';
import { speakMessages } from '../src/index.js';
import type { MessageTuple } from '../src/index.js';
import { anthropicToolCall, ScriptedChatModel, textChunks } from './models.js';

let provider: EspeakProvider;
beforeAll(async () => {
  provider = espeak();
  await provider.warmup?.();
});
afterAll(async () => provider.close?.());

const replies = (events: readonly SpeechEvent[]): string[] => events.flatMap((e) => (e.type === 'utterance-end' ? [e.text] : []));

describe('speakMessages (LangGraph streamMode "messages")', () => {
  it('speaks an agent stream: preamble and answer, never tool JSON or tool messages', async () => {
    const getWeather = tool(async ({ city }: { city: string }) => `Sunny in ${city}.`, {
      name: 'get_weather',
      description: 'Weather for a city',
      schema: z.object({ city: z.string() }),
    });
    const model = new ScriptedChatModel([
      [...textChunks('Let me check.', 'm1'), ...anthropicToolCall('get_weather', '{"city":"Oslo"}', 'm1')],
      textChunks('It is sunny in Oslo.', 'm2'),
    ]);
    const agent = createAgent({ model, tools: [getWeather] });
    const stream = await agent.stream({ messages: [{ role: 'user', content: 'Weather in Oslo?' }] }, { streamMode: 'messages' });
    const events = await lastValueFrom(
      speakMessages(stream as AsyncIterable<MessageTuple>, { provider, nodes: ['model_request'] }).pipe(toArray()),
    );
    expect(replies(events)).toEqual(['Let me check.', 'It is sunny in Oslo.']);
    expect(events.filter((e) => e.type === 'segment').map((e) => (e.type === 'segment' ? e.text : '')).join('')).not.toContain('{');
  });

  it('keeps interleaved messages apart (by message id) and skips tool messages', async () => {
    async function* interleaved(): AsyncGenerator<MessageTuple> {
      const meta = (ns: string) => ({ langgraph_node: 'model', langgraph_checkpoint_ns: ns });
      yield [new AIMessageChunk({ id: 'a', content: 'First ' }), meta('a')];
      yield [new AIMessageChunk({ id: 'b', content: 'Second ' }), meta('b')];
      yield [new ToolMessage({ content: 'tool output', tool_call_id: 't' }), meta('t')];
      yield [new AIMessageChunk({ id: 'a', content: 'answer.' }), meta('a')];
      yield [new AIMessageChunk({ id: 'b', content: 'answer.', response_metadata: { finish_reason: 'stop' } }), meta('b')];
    }
    const events = await lastValueFrom(speakMessages(interleaved(), { provider }).pipe(toArray()));
    expect(replies(events)).toEqual(['First answer.', 'Second answer.']);
  });

  it('forwards a stream error and validates options', async () => {
    async function* broken(): AsyncGenerator<MessageTuple> {
      yield [new AIMessageChunk({ id: 'a', content: 'Hello. ' }), {}];
      throw new Error('graph failed');
    }
    await expect(lastValueFrom(speakMessages(broken(), { provider }))).rejects.toThrow(/graph failed/);
    expect(() => speakMessages(broken(), {} as never)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});
