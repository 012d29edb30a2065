/**
 * Type-level checks (run by `tsc -p packages/ai-sdk`): this package's structural types accept the real
 * objects of ai 7, 6 and 5, and its speech models satisfy what each major's functions accept.
 * The runtime part only makes vitest count the file.
 */
import type { SpeechProvider } from '@utter/core';
import type * as ai5 from 'ai5';
import type * as ai6 from 'ai6';
import type * as ai7 from 'ai7';
import type { Experimental_StreamingSpeechModelV4, SpeechModelV4 } from '@ai-sdk/provider';
import type { SpeechModelV3 } from '@ai-sdk/provider-v3';
import type { SpeechModelV2 } from '@ai-sdk/provider-v2';
import { describe, expect, it } from 'vitest';
import { speak, speechModel, speechTransform, writeSpeechToUIStream, type SpeechUIDataTypes } from '../src/index.js';

declare const provider: SpeechProvider;

// Compiled, never called.
export function typeChecks(): void {
  // speechModel: v4 for ai@7 (generateSpeech and experimental_streamSpeech), v3 for ai@6, v2 for ai@5.
  const v4 = speechModel(provider);
  const streaming: Experimental_StreamingSpeechModelV4 = v4;
  const plain: SpeechModelV4 = v4;
  const v3: SpeechModelV3 = speechModel(provider, { specificationVersion: 'v3' });
  const v2: SpeechModelV2 = speechModel(provider, { specificationVersion: 'v2' });
  const ai7Generate: Parameters<typeof ai7.generateSpeech>[0]['model'] = v4;
  const ai7Stream: Parameters<typeof ai7.experimental_streamSpeech>[0]['model'] = v4;
  const ai6Generate: Parameters<typeof ai6.experimental_generateSpeech>[0]['model'] = speechModel(provider, { specificationVersion: 'v3' });
  const ai5Generate: Parameters<typeof ai5.experimental_generateSpeech>[0]['model'] = speechModel(provider, { specificationVersion: 'v2' });
  void [streaming, plain, v3, v2, ai7Generate, ai7Stream, ai6Generate, ai5Generate];

  // speak() takes each major's streamText result and textStream as they are.
  const r7 = null as unknown as ai7.StreamTextResult<ai7.ToolSet, never, never>;
  const r6 = null as unknown as ai6.StreamTextResult<ai6.ToolSet, never>;
  const r5 = null as unknown as ai5.StreamTextResult<ai5.ToolSet, never>;
  speak(r7, { provider });
  speak(r6, { provider });
  speak(r5, { provider });
  speak(r7.textStream, { provider });
  speak(({ abortSignal }) => { void abortSignal; return r7; }, { provider });

  // The transform fits each major's experimental_transform.
  const t7: NonNullable<Parameters<typeof ai7.streamText>[0]['experimental_transform']> = speechTransform({ provider });
  const t6: NonNullable<Parameters<typeof ai6.streamText>[0]['experimental_transform']> = speechTransform({ provider });
  const t5: NonNullable<Parameters<typeof ai5.streamText>[0]['experimental_transform']> = speechTransform({ provider });
  void [t7, t6, t5];

  // The UI helper takes each major's writer, untyped or typed with SpeechUIDataTypes.
  const w7 = null as unknown as ai7.UIMessageStreamWriter;
  const w6 = null as unknown as ai6.UIMessageStreamWriter;
  const w5 = null as unknown as ai5.UIMessageStreamWriter;
  const typed = null as unknown as ai7.UIMessageStreamWriter<ai7.UIMessage<unknown, SpeechUIDataTypes>>;
  const stream = speak('hi', { provider });
  void writeSpeechToUIStream(w7, stream);
  void writeSpeechToUIStream(w6, stream);
  void writeSpeechToUIStream(w5, stream);
  void writeSpeechToUIStream(typed, stream);
}

describe('types', () => {
  it('are checked by tsc', () => {
    expect(typeof typeChecks).toBe('function');
  });
});
