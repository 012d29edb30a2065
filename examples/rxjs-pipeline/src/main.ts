/**
 * An RxJS speech pipeline, offline on the embedded engine (eSpeak NG in WebAssembly):
 * simulated LLM tokens -> speak() -> a WAV file, plus the same speech as 20 ms telephony frames.
 *
 * Run: pnpm --filter @utter/example-rxjs-pipeline start   (writes out/rxjs-pipeline.wav)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatMap, lastValueFrom, from, of, delay, share, tap, toArray } from 'rxjs';
import { encodeMulaw } from '@utter/core';
import { espeak } from '@utter/espeak';
import { speak, toWav, resample, frames, audio } from '@utter/rxjs';

const reply =
  'Hello! This reply is spoken while it is still being written. ' +
  'Each phrase goes to the engine as soon as it is complete, so the first words play quickly. ' +
  'When the model finishes, the last phrase is spoken and the stream completes.';

/** A stand-in for an LLM: the reply as small tokens, a few ms apart. */
const llmTokens$ = from(reply.match(/\S+\s*/g) ?? []).pipe(concatMap((token) => of(token).pipe(delay(3))));

async function main(): Promise<void> {
  const provider = espeak();
  await provider.warmup?.();
  const started = performance.now();
  try {
    const speech$ = llmTokens$.pipe(
      speak(provider),
      tap((event) => {
        if (event.type === 'segment') console.log(`segment ${event.segmentId}: ${JSON.stringify(event.text)}`);
        if (event.type === 'utterance-end') {
          const m = event.metrics;
          console.log(`done: ${Math.round(m.audioDurationMs)} ms of audio, first audio after ${Math.round(m.timeToFirstAudioMs ?? 0)} ms`);
        }
      }),
      share(),
    );
    const [wav, telephony] = await Promise.all([
      lastValueFrom(speech$.pipe(toWav())),
      lastValueFrom(speech$.pipe(audio(), resample(8000), frames(20), toArray())),
    ]);
    const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'rxjs-pipeline.wav');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, wav);
    const mulawBytes = telephony.reduce((n, f) => n + encodeMulaw(f.pcm).byteLength, 0);
    console.log(`telephony: ${telephony.length} frames of 20 ms at 8 kHz (${mulawBytes} bytes of mu-law)`);
    console.log(`wrote ${out} (${wav.byteLength} bytes) in ${Math.round(performance.now() - started)} ms`);
  } finally {
    await provider.close?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
