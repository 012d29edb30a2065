/**
 * What of a streamed chunk is speakable text. Decided from the chunk's message, never from the
 * token alone: OpenAI-style models send `""` tokens for tool calls, Anthropic-style models send the
 * tool-argument JSON as the token.
 */
import type { BaseMessage } from '@langchain/core/messages';
import type { HandleLLMNewTokenCallbackFields } from '@langchain/core/callbacks/base';

/** Speakable text of a chunk and whether it belongs to a tool call. */
export interface ChunkText {
  /** Text to speak (may be empty). */
  readonly text: string;
  /** True when the chunk carries (part of) a tool call. */
  readonly toolCall: boolean;
}

/** Content block types whose `text` is spoken. Reasoning, tool-use and JSON deltas never are. */
const TEXT_BLOCKS: ReadonlySet<string> = new Set(['text', 'text_delta']);

interface MessageLike {
  readonly content?: unknown;
  readonly tool_call_chunks?: readonly unknown[];
  readonly tool_calls?: readonly unknown[];
  readonly invalid_tool_calls?: readonly unknown[];
  readonly additional_kwargs?: { readonly tool_calls?: readonly unknown[]; readonly function_call?: unknown };
  readonly getType?: () => string;
  readonly _getType?: () => string;
  readonly type?: string;
}

/** True when a message (or chunk) carries a tool call in any of the places LangChain puts one. */
export function hasToolCall(message: unknown): boolean {
  const m = message as MessageLike | null | undefined;
  if (m === null || m === undefined || typeof m !== 'object') return false;
  return (
    (m.tool_call_chunks?.length ?? 0) > 0 ||
    (m.tool_calls?.length ?? 0) > 0 ||
    (m.invalid_tool_calls?.length ?? 0) > 0 ||
    (m.additional_kwargs?.tool_calls?.length ?? 0) > 0 ||
    m.additional_kwargs?.function_call !== undefined
  );
}

/**
 * The text blocks of a message's content. A string content counts as text unless the message
 * carries a tool call (then it is the tool-argument JSON of Anthropic-style streams, never spoken).
 */
export function textOfContent(content: unknown, toolCall = false): string {
  if (typeof content === 'string') return toolCall ? '' : content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const block of content as unknown[]) {
    if (typeof block === 'string') {
      out += block;
      continue;
    }
    if (typeof block !== 'object' || block === null) continue;
    const b = block as { type?: unknown; text?: unknown };
    if (typeof b.type === 'string' && TEXT_BLOCKS.has(b.type) && typeof b.text === 'string') out += b.text;
  }
  return out;
}

/** True for AI messages and chunks (what a model writes), false for tool, human and system messages. */
export function isAiMessage(message: unknown): boolean {
  const m = message as MessageLike | null | undefined;
  if (m === null || m === undefined || typeof m !== 'object') return false;
  const type = typeof m.getType === 'function' ? m.getType() : typeof m._getType === 'function' ? m._getType() : m.type;
  return type === 'ai' || type === 'AIMessageChunk' || type === 'AIMessage';
}

/** Speakable text of a message or message chunk. */
export function textOfMessage(message: BaseMessage | unknown): ChunkText {
  const toolCall = hasToolCall(message);
  return { text: textOfContent((message as MessageLike).content, toolCall), toolCall };
}

/**
 * Speakable text of one `handleLLMNewToken` call, decided from `fields.chunk`: chat chunks give their
 * text content blocks (tool-call chunks give none); completion chunks give their text; without a
 * chunk the token is the text.
 */
export function textOfToken(token: string, fields?: HandleLLMNewTokenCallbackFields): ChunkText {
  const chunk = fields?.chunk as { message?: unknown; text?: unknown } | undefined;
  if (chunk === undefined) return { text: token, toolCall: false };
  if (chunk.message !== undefined && chunk.message !== null) return textOfMessage(chunk.message);
  return { text: typeof chunk.text === 'string' ? chunk.text : token, toolCall: false };
}
