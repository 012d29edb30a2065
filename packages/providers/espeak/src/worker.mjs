// @ts-check
/**
 * Worker thread hosting one eSpeak NG (WebAssembly) instance.
 *
 * Plain JavaScript ESM on purpose: it is started with `new Worker(new URL('./worker.mjs', import.meta.url))`
 * both from the TypeScript sources (vitest, tsx) and from the built `dist/` (ESM and CJS), and so needs
 * no loader. It is type-checked by `tsc` (checkJs) against `src/espeak-ng-emscripten.d.ts`.
 *
 * Protocol (all messages are plain objects):
 * - main -> worker
 *   - `{ type: 'init', voice, rate, pitch, flag: SharedArrayBuffer }`
 *   - `{ type: 'synth', job: number, text: string }`
 *   - `{ type: 'voices', job: number }`
 * - worker -> main
 *   - `{ type: 'ready' }` | `{ type: 'init-error', reason: 'voice' | 'engine', message }`
 *   - `{ type: 'chunk', job, samples: Int16Array, words: number[] }` (transferred; `words` is a flat list of
 *     `[textPosition, wordLength, audioPositionMs]` triples for the word events of this callback)
 *   - `{ type: 'done', job, aborted: boolean, samples: number }`
 *   - `{ type: 'error', job, message }`
 *   - `{ type: 'voices', job, voices }`
 *
 * Cancellation: the main thread stores the id of the job to abort in `flag[0]`; the synthesize callback
 * reads it (Atomics) after every chunk of about 100 ms of audio and returns `true` to stop the engine.
 */
import { parentPort } from 'node:worker_threads';
import { selectVoice } from './voices.mjs';

if (!parentPort) throw new Error('@utter/espeak: worker.mjs must run in a worker thread');
const port = parentPort;

/** @type {import('@echogarden/espeak-ng-emscripten').eSpeakNGWorker | undefined} */
let engine;
/** @type {Int32Array | undefined} */
let flag;

/**
 * @typedef {{ type: 'init', voice: string, rate: number, pitch: number, flag: SharedArrayBuffer }} InitMessage
 * @typedef {{ type: 'synth', job: number, text: string }} SynthMessage
 * @typedef {{ type: 'voices', job: number }} VoicesMessage
 */

/** @param {InitMessage} message */
async function init(message) {
  let createModule;
  try {
    createModule = (await import('@echogarden/espeak-ng-emscripten')).default;
    const module = await createModule();
    engine = new module.eSpeakNGWorker();
  } catch (error) {
    port.postMessage({ type: 'init-error', reason: 'engine', message: errorMessage(error) });
    return;
  }
  const code = selectVoice(engine, message.voice);
  if (code !== 0) {
    port.postMessage({
      type: 'init-error',
      reason: 'voice',
      message: `Unknown eSpeak voice "${message.voice}" (engine code ${code}).`,
    });
    return;
  }
  engine.set_rate(message.rate);
  engine.set_pitch(message.pitch);
  flag = new Int32Array(message.flag);
  port.postMessage({ type: 'ready' });
}

/**
 * @param {number} job
 * @param {string} text
 */
function synth(job, text) {
  const instance = engine;
  const cancel = flag;
  if (!instance || !cancel) {
    port.postMessage({ type: 'error', job, message: 'The eSpeak engine is not initialised.' });
    return;
  }
  let aborted = false;
  let total = 0;
  try {
    instance.synthesize(text, (samples, events) => {
      if (Atomics.load(cancel, 0) === job) {
        aborted = true;
        return true;
      }
      /** @type {number[]} */
      const words = [];
      for (const event of events) {
        if (event.type === 'word') words.push(event.text_position, event.word_length, event.audio_position);
      }
      total += samples.length;
      // `samples` is a fresh copy of the engine's heap (HEAP16.slice): transfer it, no second copy.
      port.postMessage({ type: 'chunk', job, samples, words }, [samples.buffer]);
      return false;
    });
  } catch (error) {
    port.postMessage({ type: 'error', job, message: errorMessage(error) });
    return;
  }
  port.postMessage({ type: 'done', job, aborted: aborted || Atomics.load(cancel, 0) === job, samples: total });
}

/** @param {unknown} error */
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}

port.on('message', (/** @type {InitMessage | SynthMessage | VoicesMessage} */ message) => {
  switch (message.type) {
    case 'init':
      void init(message);
      break;
    case 'synth':
      synth(message.job, message.text);
      break;
    case 'voices':
      try {
        port.postMessage({ type: 'voices', job: message.job, voices: engine ? engine.list_voices() : [] });
      } catch (error) {
        port.postMessage({ type: 'error', job: message.job, message: errorMessage(error) });
      }
      break;
    default:
      break;
  }
});
