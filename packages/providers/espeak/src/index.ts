/**
 * @packageDocumentation
 * `@utter/espeak`: the embedded, offline default speech engine of utter — eSpeak NG compiled to
 * WebAssembly, run in worker threads, streaming PCM16 at 22050 Hz with word timings.
 *
 * Licensed GPL-3.0-or-later, because eSpeak NG is.
 */
export { espeak, ESPEAK_SAMPLE_RATE, type EspeakProvider } from './provider.js';
export type { EspeakOptions, ResolvedEspeakOptions } from './options.js';
export type { EspeakVoice } from './pool.js';
