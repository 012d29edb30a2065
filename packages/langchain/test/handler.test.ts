import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { AIMessage } from '@langchain/core/messages';
import { createAgent, tool } from 'langchain';
import { z } from 'zod';
import type { SpeechEvent } from '@utter/core';
import { espeak } from '@utter/espeak';
import type { EspeakProvider } from '@utter/espeak';
import { SpeechCallbackHandler } from '../src/index.js';
import type { RunSpeechFailure } from '../src/index.js';
import { anthropicToolCall, blockChunks, openAiToolCall, ScriptedChatModel, stringJsonToolCall, textChunks } from './models.js';

let provider: EspeakProvider;
beforeAll(async () => {
  provider = espeak();
  await provider.warmup?.();
});
afterAll(async () => provider.close?.());

const handlers: SpeechCallbackHandler[] = [];
afterEach(async () => {
  for (const h of handlers.splice(0)) await h.close();
});

function setup(options: Omit<ConstructorParameters<typeof SpeechCallbackHandler>[0], 'provider'> = {}) {
  const speech = new SpeechCallbackHandler({ provider, ...options });
  handlers.push(speech);
  const events: SpeechEvent[] = [];
  const errors: RunSpeechFailure[] = [];
  speech.events$.subscribe((e) => events.push(e));
  speech.errors$.subscribe((e) => errors.push(e));
  /** Texts of the replies spoken to their end, in order. */
  const replies = (): string[] => events.flatMap((e) => (e.type === 'utterance-end' ? [e.text] : []));
  /** All segment text, in speaking order. */
  const spoken = (): string => events.flatMap((e) => (e.type === 'segment' ? [e.text] : [])).join('');
  return { speech, events, errors, replies, spoken };
}

const JSON_ARGS = '{"city":"Paris","unit":"celsius"}';

describe('SpeechCallbackHandler', () => {
  it('makes FakeListChatModel speak under invoke() (it streams for the handler)', async () => {
    const { speech, replies, events } = setup();
    const model = new FakeListChatModel({ responses: ['Hello there. Nice to meet you.'] });
    await model.invoke('hi', { callbacks: [speech] });
    await speech.flush();
    expect(replies()).toEqual(['Hello there. Nice to meet you.']);
    expect(events.some((e) => e.type === 'audio')).toBe(true);
  });

  it('speaks FakeStreamingChatModel under stream(), with flush() waiting for the end of speech', async () => {
    const { speech, replies } = setup();
    const model = new FakeStreamingChatModel({ sleep: 0, responses: [new AIMessage('Streaming works. Every token arrives.')] });
    let streamed = '';
    for await (const chunk of await model.stream('hi', { callbacks: [speech] })) streamed += String(chunk.content);
    await speech.flush();
    expect(replies()).toEqual([streamed]);
  });

  it.each([
    ['OpenAI style (empty tokens)', openAiToolCall],
    ['Anthropic style (JSON tokens, input_json_delta blocks)', anthropicToolCall],
    ['JSON as string content', stringJsonToolCall],
  ])('never speaks tool-call chunks: %s', async (_name, toolCall) => {
    const { speech, spoken, replies } = setup();
    const model = new ScriptedChatModel([[...textChunks('Checking the weather.'), ...toolCall('get_weather', JSON_ARGS)]]);
    await model.invoke('weather?', { callbacks: [speech] });
    await speech.flush();
    expect(spoken()).toBe('Checking the weather.');
    expect(replies()).toEqual(['Checking the weather.']);
    expect(spoken()).not.toContain('Paris');
  });

  it('speaks text content blocks and never reasoning blocks', async () => {
    const { speech, replies } = setup();
    const model = new ScriptedChatModel([blockChunks('Blocks are spoken.')]);
    await model.invoke('hi', { callbacks: [speech] });
    await speech.flush();
    expect(replies()).toEqual(['Blocks are spoken.']);
  });

  it("preambles: 'hold' drops text followed by a tool call and speaks answers", async () => {
    const { speech, replies, events } = setup({ preambles: 'hold' });
    const model = new ScriptedChatModel([[...textChunks('Let me look.'), ...anthropicToolCall('lookup', JSON_ARGS)], textChunks('Here it is.')]);
    await model.invoke('q', { callbacks: [speech] });
    await model.invoke('q', { callbacks: [speech] });
    await speech.flush();
    expect(replies()).toEqual(['Here it is.']);
    expect(events.filter((e) => e.type === 'segment').map((e) => e.type === 'segment' && e.text).join('')).toBe('Here it is.');
  });

  it('keeps concurrent runs separate, each reply whole, in order of run start', async () => {
    const { speech, replies } = setup();
    const a = new FakeStreamingChatModel({ sleep: 1, responses: [new AIMessage('Alpha one. Alpha two.')] });
    const b = new FakeStreamingChatModel({ sleep: 1, responses: [new AIMessage('Beta one. Beta two.')] });
    await Promise.all([a.invoke('x', { callbacks: [speech] }), b.invoke('y', { callbacks: [speech] })]);
    await speech.flush();
    expect(replies()).toEqual(['Alpha one. Alpha two.', 'Beta one. Beta two.']);
  });

  it('works with awaited handlers too', async () => {
    const { speech, replies } = setup({ awaitHandlers: true });
    expect(speech.awaitHandlers).toBe(true);
    const model = new FakeStreamingChatModel({ sleep: 0, responses: [new AIMessage('Awaited handler. Same result.')] });
    await model.invoke('x', { callbacks: [speech] });
    await speech.flush();
    expect(replies()).toEqual(['Awaited handler. Same result.']);
  });

  it('handleLLMError cancels the reply with a typed error; events$ lives on for later runs', async () => {
    const { speech, errors, replies } = setup();
    const failing = new FakeStreamingChatModel({ sleep: 0, thrownErrorString: 'model exploded' });
    await expect(failing.invoke('x', { callbacks: [speech] })).rejects.toThrow(/model exploded/);
    await speech.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error.code).toBe('cancelled');
    expect(errors[0]?.type).toBe('error');
    expect(typeof errors[0]?.runId).toBe('string');
    const ok = new FakeListChatModel({ responses: ['Still alive.'] });
    await ok.invoke('x', { callbacks: [speech] });
    await speech.flush();
    expect(replies()).toEqual(['Still alive.']);
  });

  it('filters by tags, run names and a custom rule', async () => {
    const { speech, replies } = setup({ tags: ['speak'], excludeTags: ['silent'] });
    const model = new FakeListChatModel({ responses: ['Tagged.', 'Untagged.', 'Silent.'] });
    await model.invoke('x', { callbacks: [speech], tags: ['speak'] });
    await model.invoke('x', { callbacks: [speech] });
    await model.invoke('x', { callbacks: [speech], tags: ['speak', 'silent'] });
    await speech.flush();
    expect(replies()).toEqual(['Tagged.']);

    const named = setup({ runNames: ['narrator'] });
    const m2 = new FakeListChatModel({ responses: ['Named.', 'Anonymous.'] });
    await m2.invoke('x', { callbacks: [named.speech], runName: 'narrator' });
    await m2.invoke('x', { callbacks: [named.speech] });
    await named.speech.flush();
    expect(named.replies()).toEqual(['Named.']);
  });

  it('interrupt() passes through to the session: interrupted event with the text heard', async () => {
    const { speech, events } = setup();
    const long = Array.from({ length: 8 }, (_, i) => `Sentence number ${i + 1} of a long answer.`).join(' ');
    const model = new FakeListChatModel({ responses: [long] });
    const sub = speech.events$.subscribe((e) => {
      if (e.type === 'audio') {
        sub.unsubscribe();
        speech.interrupt();
      }
    });
    await model.invoke('x', { callbacks: [speech] });
    await speech.flush();
    const interrupted = events.find((e) => e.type === 'interrupted');
    expect(interrupted).toBeDefined();
    expect(interrupted?.type === 'interrupted' && long.startsWith(interrupted.spokenText)).toBe(true);
    expect(events.some((e) => e.type === 'utterance-end')).toBe(false);
  });

  it('validates its options', () => {
    expect(() => new SpeechCallbackHandler({} as never)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => new SpeechCallbackHandler({ provider, preambles: 'maybe' as never })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});

describe('SpeechCallbackHandler with a createAgent agent', () => {
  const getWeather = tool(async ({ city }: { city: string }) => `Sunny and 22 degrees in ${city}.`, {
    name: 'get_weather',
    description: 'Weather for a city',
    schema: z.object({ city: z.string() }),
  });

  function agentModel(style = anthropicToolCall) {
    return new ScriptedChatModel([
      [...textChunks('Let me check the weather.', 'm1'), ...style('get_weather', '{"city":"Paris"}', 'm1')],
      textChunks('It is sunny and 22 degrees in Paris.', 'm2'),
    ]);
  }

  it('speaks the preamble and the answer, in order, never the tool JSON', async () => {
    const { speech, replies, spoken } = setup({ nodes: ['model_request'] });
    const agent = createAgent({ model: agentModel(), tools: [getWeather] });
    const result = await agent.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] }, { callbacks: [speech] });
    await speech.flush();
    expect(result.messages.some((m) => m.getType() === 'tool')).toBe(true);
    expect(replies()).toEqual(['Let me check the weather.', 'It is sunny and 22 degrees in Paris.']);
    expect(spoken()).not.toContain('{');
  });

  it("drops the preamble with preambles: 'hold'", async () => {
    const { speech, replies } = setup({ preambles: 'hold' });
    const agent = createAgent({ model: agentModel(openAiToolCall), tools: [getWeather] });
    await agent.invoke({ messages: [{ role: 'user', content: 'Weather in Paris?' }] }, { callbacks: [speech] });
    await speech.flush();
    expect(replies()).toEqual(['It is sunny and 22 degrees in Paris.']);
  });

  it('a node filter that matches nothing keeps the agent silent', async () => {
    const { speech, events } = setup({ nodes: ['some_other_node'] });
    const agent = createAgent({ model: agentModel(), tools: [getWeather] });
    await agent.invoke({ messages: [{ role: 'user', content: 'Weather?' }] }, { callbacks: [speech] });
    await speech.flush();
    expect(events).toEqual([]);
  });
});
