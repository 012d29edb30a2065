/**
 * @packageDocumentation
 * `@utter/langchain`: make LangChain models, chains and agents speak as they stream.
 *
 * ```ts
 * const speech = new SpeechCallbackHandler({ provider: espeak() });
 * await agent.invoke(input, { callbacks: [speech] });
 * await speech.flush();
 * ```
 */
export { SpeechCallbackHandler } from './handler.js';
export type { SpeechCallbackHandlerOptions, RunSpeechFailure } from './handler.js';
export { speakMessages } from './messages.js';
export type { SpeakMessagesOptions, MessageTuple } from './messages.js';
export type { RunInfo, RunFilterOptions } from './filter.js';
export type { PreamblePolicy } from './reply.js';
export { textOfToken, textOfMessage, textOfContent, hasToolCall, isAiMessage } from './text.js';
export type { ChunkText } from './text.js';
