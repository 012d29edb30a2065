/**
 * Speak a `streamText` reply while the model is still writing, offline (mock model + embedded engine).
 *
 *   pnpm start                      # prints captions and metrics, writes reply.wav
 *   pnpm start -- --out /tmp/a.wav  # another output file
 *
 * Ctrl-C stops speech and the model at once (one AbortController for both).
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { concatPcm, encodeWav, type UtteranceMetrics } from '@utter/core';
import { speak } from '@utter/ai-sdk';
import { espeak } from '@utter/espeak';
import { askWeather } from './agent.js';

/** Options of {@link run}. */
export interface RunOptions {
  /** Where to write the reply's audio (WAV). */
  readonly out: string;
  /** Delay between the mock model's tokens, in ms. */
  readonly tokenDelayMs?: number;
  /** Stops speech and the model. */
  readonly abortSignal?: AbortSignal;
  /** Where lines are printed. */
  readonly log?: (line: string) => void;
}

/** Runs the example; resolves with the spoken text and the reply's metrics. */
export async function run(options: RunOptions): Promise<{ text: string; metrics: UtteranceMetrics | undefined }> {
  const log = options.log ?? console.log;
  const provider = espeak();
  try {
    await provider.warmup?.(); // load the engine before the user asks (the first synthesis is slow)
    // The owned form: speak() calls streamText with its own abortSignal, so stopping speech
    // (Ctrl-C, leaving the loop, an error) also stops the model.
    const speech = speak(({ abortSignal }) => askWeather({ abortSignal, tokenDelayMs: options.tokenDelayMs ?? 15 }), {
      provider,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    const pcm: Int16Array[] = [];
    let text = '';
    let metrics: UtteranceMetrics | undefined;
    for await (const event of speech) {
      if (event.type === 'segment') log(`  ♪ ${event.text.trim()}`);
      else if (event.type === 'audio') pcm.push(event.pcm);
      else if (event.type === 'utterance-end') {
        text = event.text;
        metrics = event.metrics;
      }
    }
    const audio = concatPcm(pcm);
    await writeFile(options.out, encodeWav(audio, { sampleRate: provider.capabilities.sampleRate }));
    if (metrics) {
      log(
        `\n${(metrics.audioDurationMs / 1000).toFixed(1)} s of speech in ${options.out}; ` +
          `first audio ${metrics.timeToFirstAudioMs?.toFixed(0) ?? '-'} ms after the first token, ` +
          `${metrics.charactersSent} characters synthesized.`,
      );
    } else {
      log('\nStopped before the reply ended.');
    }
    return { text, metrics };
  } finally {
    await provider.close?.();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? (args[outIndex + 1] ?? 'reply.wav') : 'reply.wav';
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  run({ out, abortSignal: controller.signal }).catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
