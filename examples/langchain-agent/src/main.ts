/**
 * A LangChain agent that speaks while it streams, offline on the embedded engine: one
 * SpeechCallbackHandler in `callbacks`, a createAgent agent that calls a tool and then answers.
 * The model is a scripted stand-in for a real chat model (no network, no key); swap in
 * ChatOpenAI/ChatAnthropic and nothing else changes.
 *
 * Run: pnpm --filter @utter/example-langchain-agent start   (writes out/langchain-agent.wav)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import type { ChatResult } from '@langchain/core/outputs';
import { createAgent, tool } from 'langchain';
import { z } from 'zod';
import { concatPcm, encodeWav } from '@utter/core';
import { espeak } from '@utter/espeak';
import { SpeechCallbackHandler } from '@utter/langchain';

/** Streams a scripted turn per call, like a tool-calling chat model (Anthropic-style tool JSON tokens). */
class ScriptedModel extends BaseChatModel {
  private call = 0;
  _llmType(): string {
    return 'scripted';
  }
  override bindTools(): this {
    return this;
  }
  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], run?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let full: AIMessageChunk | undefined;
    for await (const g of this._streamResponseChunks(messages, options, run)) full = (full ? full.concat(g.message as AIMessageChunk) : g.message) as AIMessageChunk;
    const message = new AIMessage({ content: full?.content ?? '', tool_calls: full?.tool_calls ?? [] });
    return { generations: [{ message, text: '' }] };
  }
  override async *_streamResponseChunks(_m: BaseMessage[], _o: this['ParsedCallOptions'], run?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const turn = this.call++;
    const id = `turn-${turn}`;
    const text = turn === 0 ? 'Let me check the weather in Lisbon for you.' : 'It is sunny in Lisbon, twenty four degrees, with a light breeze from the sea. A good day for a walk.';
    const chunks: { chunk: AIMessageChunk; token: string }[] = (text.match(/\S+\s*/g) ?? []).map((t) => ({ chunk: new AIMessageChunk({ id, content: t }), token: t }));
    if (turn === 0) {
      for (const [i, part] of ['{"city":', '"Lisbon"}'].entries()) {
        chunks.push({
          chunk: new AIMessageChunk({
            id,
            content: [{ type: 'input_json_delta', input: part, index: 1 }],
            tool_call_chunks: [{ type: 'tool_call_chunk', index: 1, args: part, ...(i === 0 ? { name: 'get_weather', id: 'toolu_1' } : {}) }],
          }),
          token: part, // the tool JSON arrives as the token: the handler must not speak it
        });
      }
    }
    for (const { chunk, token } of chunks) {
      await new Promise((r) => setTimeout(r, 5));
      const generation = new ChatGenerationChunk({ message: chunk, text: token });
      yield generation;
      await run?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk: generation });
    }
  }
}

const getWeather = tool(async ({ city }: { city: string }) => `Sunny, 24 °C, light sea breeze in ${city}.`, {
  name: 'get_weather',
  description: 'Current weather for a city.',
  schema: z.object({ city: z.string() }),
});

async function main(): Promise<void> {
  const provider = espeak();
  const speech = new SpeechCallbackHandler({ provider, nodes: ['model_request'] });
  await speech.warmup();
  const pcm: Int16Array[] = [];
  let sampleRate = 22050;
  speech.events$.subscribe((event) => {
    if (event.type === 'segment') console.log(`speaking: ${JSON.stringify(event.text)}`);
    if (event.type === 'audio') {
      pcm.push(event.pcm);
      sampleRate = event.sampleRate;
    }
    if (event.type === 'utterance-end') console.log(`reply done (${Math.round(event.metrics.audioDurationMs)} ms of audio)`);
  });
  speech.errors$.subscribe(({ runId, error }) => console.error(`run ${runId}: ${error.code}: ${error.message}`));

  try {
    const agent = createAgent({ model: new ScriptedModel({}), tools: [getWeather] });
    const result = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Lisbon?' }] }, { callbacks: [speech] });
    await speech.flush();
    console.log(`agent answered: ${String(result.messages.at(-1)?.content)}`);
    const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'langchain-agent.wav');
    await mkdir(dirname(out), { recursive: true });
    const wav = encodeWav(concatPcm(pcm), { sampleRate });
    await writeFile(out, wav);
    console.log(`wrote ${out} (${wav.byteLength} bytes)`);
  } finally {
    await speech.close();
    await provider.close?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
