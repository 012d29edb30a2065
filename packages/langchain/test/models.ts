import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import type { ChatResult } from '@langchain/core/outputs';

/** One streamed step: the chunk and the token LangChain passes to handleLLMNewToken. */
export interface ScriptedChunk {
  readonly chunk: AIMessageChunk;
  readonly token: string;
}

/**
 * A chat model that streams scripted chunks, one script per call (the last repeats), like a real
 * provider integration: it yields ChatGenerationChunks and reports each with handleLLMNewToken.
 * Used for tool-calling styles the fake models of @langchain/core do not stream.
 */
export class ScriptedChatModel extends BaseChatModel {
  calls = 0;
  constructor(
    private readonly scripts: readonly (readonly ScriptedChunk[])[],
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(): this {
    return this;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let full: AIMessageChunk | undefined;
    for await (const g of this._streamResponseChunks(messages, options, runManager)) full = (full === undefined ? g.message : full.concat(g.message as AIMessageChunk)) as AIMessageChunk;
    const message = new AIMessage({ content: full?.content ?? '', tool_calls: full?.tool_calls ?? [] });
    return { generations: [{ message, text: typeof message.content === 'string' ? message.content : '' }] };
  }

  override async *_streamResponseChunks(
    _messages: BaseMessage[],
    _options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const script = this.scripts[Math.min(this.calls, this.scripts.length - 1)] ?? [];
    this.calls += 1;
    for (const { chunk, token } of script) {
      await new Promise((r) => setImmediate(r));
      const generation = new ChatGenerationChunk({ message: chunk, text: token });
      yield generation;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk: generation });
    }
  }
}

/** Text tokens as chunks. */
export function textChunks(text: string, id = 'msg'): ScriptedChunk[] {
  return (text.match(/.{1,4}/gs) ?? []).map((t) => ({ chunk: new AIMessageChunk({ id, content: t }), token: t }));
}

/** A tool call streamed OpenAI-style: empty tokens, the JSON in tool_call_chunks. */
export function openAiToolCall(name: string, args: string, id = 'msg'): ScriptedChunk[] {
  const parts = args.match(/.{1,6}/gs) ?? [];
  return parts.map((p, i) => ({
    chunk: new AIMessageChunk({
      id,
      content: '',
      tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, args: p, ...(i === 0 ? { name, id: 'call_1' } : {}) }],
    }),
    token: '',
  }));
}

/** A tool call streamed Anthropic-style: the JSON as the token and as an input_json_delta block. */
export function anthropicToolCall(name: string, args: string, id = 'msg'): ScriptedChunk[] {
  const parts = args.match(/.{1,6}/gs) ?? [];
  return parts.map((p, i) => ({
    chunk: new AIMessageChunk({
      id,
      content: [{ type: 'input_json_delta', input: p, index: 1 }],
      tool_call_chunks: [{ type: 'tool_call_chunk', index: 1, args: p, ...(i === 0 ? { name, id: 'toolu_1' } : {}) }],
    }),
    token: p,
  }));
}

/** A tool call whose JSON also arrives as plain string content (some gateways do this). */
export function stringJsonToolCall(name: string, args: string, id = 'msg'): ScriptedChunk[] {
  const parts = args.match(/.{1,6}/gs) ?? [];
  return parts.map((p, i) => ({
    chunk: new AIMessageChunk({
      id,
      content: p,
      tool_call_chunks: [{ type: 'tool_call_chunk', index: 0, args: p, ...(i === 0 ? { name, id: 'call_9' } : {}) }],
    }),
    token: p,
  }));
}

/** Text given as content blocks (Anthropic style), with a reasoning block that must stay silent. */
export function blockChunks(text: string, id = 'msg'): ScriptedChunk[] {
  return [
    { chunk: new AIMessageChunk({ id, content: [{ type: 'thinking', thinking: 'secret plan', index: 0 }] }), token: '' },
    ...(text.match(/.{1,4}/gs) ?? []).map((t) => ({
      chunk: new AIMessageChunk({ id, content: [{ type: 'text', text: t, index: 1 }] }),
      token: t,
    })),
  ];
}
