/**
 * `pnpm demo`: a simulated LLM streams an answer token by token; utter speaks it while it is still
 * being written and prints a live timeline. Runs offline on the embedded eSpeak engine by default.
 *
 *   pnpm demo [--out demo.wav] [--text "..."] [--voice en-us] [--provider espeak|murmr|murf|munsit|upliftai|elevenlabs|cartesia|deepgram|openai]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { lastValueFrom, tap } from 'rxjs';
import { SpeechError, concatPcm, encodeWav, speak, type SpeechEvent, type SpeechProvider, type UtteranceMetrics } from '@utter/core';
import { DEFAULT_ANSWER, REALISTIC_TIMING, simulateLlm } from './llm.js';
import { PROVIDER_NAMES, loadProvider } from './providers.js';

const USAGE = `Usage: pnpm demo [options]

Speaks a simulated LLM answer while it streams, and writes the audio to a WAV file.

Options:
  --out FILE         WAV file to write (default: demo.wav)
  --text "..."       speak this text instead of the built-in answer (still streamed token by token)
  --voice NAME       voice (eSpeak: a language or voice such as en-us, en-gb, de, fr; default en-us)
  --provider NAME    ${PROVIDER_NAMES.join(' | ')} (default: espeak, offline; others need an API key)
  --base-url URL     with a keyed provider: replace the endpoint's scheme, host and port (e.g. a local test server)
  -h, --help         show this help`;

/** A user mistake: printed without a stack trace, exit code 2. */
class UsageError extends Error {}

interface DemoOptions {
  readonly out: string;
  readonly text: string;
  readonly voice: string | undefined;
  readonly provider: string;
  readonly baseUrl: string | undefined;
}

function parseOptions(argv: readonly string[]): DemoOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string' },
        text: { type: 'string' },
        voice: { type: 'string' },
        provider: { type: 'string' },
        'base-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const out = values.out ?? 'demo.wav';
  if (out.trim() === '') throw new UsageError('--out needs a file name.');
  if (!out.toLowerCase().endsWith('.wav')) throw new UsageError(`--out must name a .wav file (got "${out}").`);
  const text = values.text ?? DEFAULT_ANSWER;
  if (text.trim() === '') throw new UsageError('--text is empty: give some text to speak.');
  if (text.length > 20_000) throw new UsageError('--text is too long for the demo (at most 20,000 characters).');
  const provider = values.provider ?? 'espeak';
  if (!PROVIDER_NAMES.includes(provider)) {
    throw new UsageError(`Unknown provider "${provider}". Choose one of: ${PROVIDER_NAMES.join(', ')}.`);
  }
  if (values.voice !== undefined && values.voice.trim() === '') throw new UsageError('--voice is empty.');
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined) {
    if (provider === 'espeak') throw new UsageError('--base-url needs a network provider (--provider murmr, murf, munsit, upliftai, elevenlabs, cartesia, deepgram or openai).');
    if (!/^(wss?|https?):\/\/[^/\s]+/.test(baseUrl)) throw new UsageError(`--base-url must look like ws://host:port (got "${baseUrl}").`);
  }
  return { out, text, voice: values.voice, provider, baseUrl };
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

async function run(options: DemoOptions): Promise<void> {
  const provider = await loadProvider(options.provider, options.voice, options.baseUrl);
  const log = (at: number, line: string) => console.log(`  ${`+${ms(at)}`.padStart(10)}  ${line}`);
  try {
    await provider.warmup?.();
    console.log(
      `utter demo: the LLM is SIMULATED (the AI SDK's streamText over a mock model, ~${Math.round(1000 / REALISTIC_TIMING.interTokenMs)} tokens/s, ` +
        `${REALISTIC_TIMING.firstTokenMs} ms to first token).`,
    );
    console.log(`Speech: ${options.provider === 'espeak' ? 'eSpeak NG, embedded and offline' : options.provider}.\n`);

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const result = simulateLlm(options.text, REALISTIC_TIMING, controller.signal);

    const started = performance.now();
    let firstTokenAt: number | undefined;
    let lastTokenAt = 0;
    async function* tokens(): AsyncGenerator<string> {
      for await (const delta of result.textStream) {
        const now = performance.now() - started;
        if (firstTokenAt === undefined) {
          firstTokenAt = now;
          // Log after handing the token on, so printing never delays the speech.
          setImmediate(() => log(now, 'first token from the LLM'));
        }
        lastTokenAt = now;
        yield delta;
      }
    }

    const firstAudioSeen = new Set<number>();
    const chunks: Int16Array[] = [];
    let sampleRate = provider.capabilities.sampleRate;
    let firstAudioAt: number | undefined;
    let metrics: UtteranceMetrics | undefined;

    const onEvent = (event: SpeechEvent) => {
      const now = performance.now() - started;
      switch (event.type) {
        case 'segment':
          if (event.speakable !== '') log(now, `> segment ${event.segmentId} (${event.reason}): ${quote(event.text.trim())}`);
          break;
        case 'audio':
          chunks.push(event.pcm);
          sampleRate = event.sampleRate;
          if (!firstAudioSeen.has(event.segmentId)) {
            firstAudioSeen.add(event.segmentId);
            firstAudioAt ??= now;
            log(now, `  first audio of segment ${event.segmentId}`);
          }
          break;
        case 'utterance-end':
          metrics = event.metrics;
          log(now, `reply spoken: ${(event.metrics.audioDurationMs / 1000).toFixed(1)} s of audio`);
          break;
        default:
          break;
      }
    };

    try {
      await lastValueFrom(speak(tokens(), { provider, signal: controller.signal }).pipe(tap(onEvent)), { defaultValue: undefined });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (controller.signal.aborted) {
      console.log('\nStopped.');
      return;
    }
    if (firstTokenAt === undefined || firstAudioAt === undefined) throw new Error('The reply produced no audio.');

    // What a non-streaming pipeline costs: wait for the whole answer, then send it in one request.
    const waitFirstAudio = await firstAudioOfWholeText(provider, await result.text);
    const streamingTtfa = firstAudioAt - firstTokenAt;
    const waitingTtfa = lastTokenAt - firstTokenAt + waitFirstAudio;
    console.log(`\nTime to first audio, measured from the first token: ${ms(streamingTtfa)}` +
      (metrics?.timeToFirstAudioMs === undefined ? '' : ` (utter's own metric: ${ms(metrics.timeToFirstAudioMs)})`));
    if (metrics) {
      const ttfb = metrics.segments.flatMap((s) => (s.timeToFirstByteMs === undefined ? [] : [s.timeToFirstByteMs]));
      if (ttfb.length > 0) {
        console.log(`Engine latency, text sent -> first audio per segment: ${ttfb.map(ms).join(', ')}; ` +
          `real-time factor ${metrics.realTimeFactor?.toFixed(3) ?? 'n/a'}.`);
      }
    }
    console.log(
      `Waiting for the complete answer first would cost:  ${ms(waitingTtfa)} ` +
        `(LLM ${ms(lastTokenAt - firstTokenAt)} + first audio of the whole text ${ms(waitFirstAudio)}), ` +
        `${(waitingTtfa / Math.max(1, streamingTtfa)).toFixed(1)}x longer.`,
    );

    await writeFile(options.out, encodeWav(concatPcm(chunks), { sampleRate }));
    const seconds = chunks.reduce((n, c) => n + c.length, 0) / sampleRate;
    console.log(`Wrote ${options.out} (${seconds.toFixed(1)} s of audio at ${sampleRate} Hz).`);
  } finally {
    await provider.close?.();
  }
}

/** Time from sending the whole text as one request to its first audio, in ms. */
async function firstAudioOfWholeText(provider: SpeechProvider, text: string): Promise<number> {
  const controller = new AbortController();
  const connection = await provider.connect({ signal: controller.signal });
  try {
    return await new Promise<number>((resolve, reject) => {
      let sentAt = 0;
      const sub = connection.events.subscribe((event) => {
        if (event.type === 'audio') {
          sub.unsubscribe();
          resolve(performance.now() - sentAt);
        } else if (event.type === 'error' || event.type === 'closed') {
          sub.unsubscribe();
          reject(event.error ?? new Error('connection closed before audio'));
        }
      });
      sentAt = performance.now();
      connection.send({ utteranceId: 'whole', segmentId: 0, text: text.replace(/\s+/g, ' ') });
      connection.finish('whole');
    });
  } finally {
    connection.cancel('whole');
    connection.close();
    controller.abort();
  }
}

async function main(): Promise<number> {
  try {
    const options = parseOptions(process.argv.slice(2));
    if (options === 'help') {
      console.log(USAGE);
      return 0;
    }
    await run(options);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof SpeechError) {
      console.error(`error (${error.code}${error.provider ? `, ${error.provider}` : ''}): ${error.message}`);
      return 1;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main();
