/**
 * The session engine: `speak()` for one reply, `createSpeechSession()` for a conversation, and
 * `fallback()` to chain providers. See docs/session.md.
 */
import { defer, finalize, type Observable } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { SpeechEvent } from '../events.js';
import { Session } from './session.js';
import { validateSignal } from './options.js';
import { isSpeechInput } from './input.js';
import type { SpeakOptions, SpeechInput, SpeechSession, SpeechSessionOptions } from './types.js';

export { fallback } from './fallback.js';

/**
 * Speaks one reply: segments `input` as it arrives, sends the segments to `provider`, and emits
 * {@link SpeechEvent}s — `segment`, `audio` (PCM16, in input order), `word`, `segment-end`, and finally
 * `utterance-end` with metrics. Cold: nothing happens until subscription; the connection is opened
 * lazily and closed when the reply ends. Unsubscribing or aborting `signal` stops the input, cancels
 * the generation at the provider and completes without further events. Failures are
 * {@link SpeechError}s; a failure after retries carries `unspokenText`.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { espeak } from '@utter/espeak';
 *
 * speak('Hello there. How are you?', { provider: espeak() }).subscribe((event) => {
 *   if (event.type === 'audio') player.write(event.pcm);
 * });
 * ```
 */
export function speak(input: SpeechInput, options: SpeakOptions): Observable<SpeechEvent> {
  return defer(() => {
    if (!isSpeechInput(input)) {
      throw new SpeechError('invalid-input', 'speak() input must be a string, an (async) iterable of strings or an Observable of strings.', { retryable: false });
    }
    if (typeof options !== 'object' || options === null) {
      throw new SpeechError('invalid-input', 'speak() needs options with a provider.', { retryable: false });
    }
    const { signal: rawSignal, ...sessionOptions } = options;
    const signal = validateSignal(rawSignal, 'speak()');
    const session = new Session(sessionOptions);
    return session.say(input, signal ? { signal } : {}).pipe(finalize(() => void session.close()));
  });
}

/**
 * Creates a conversation: many replies over one warm provider connection. Replies run one at a time
 * in subscription order; `interrupt()` stops the current one (barge-in), `reportPlayback()` tells the
 * engine how much audio the player has played (for `spokenText` and pacing), `warmup()` connects ahead
 * of the first reply, `close()` cancels everything and closes the connection. Throws
 * `SpeechError('invalid-input')` on invalid options.
 *
 * @example
 * ```ts
 * const session = createSpeechSession({ provider: espeak(), maxBufferedAudioMs: 2000 });
 * await session.warmup();
 * session.say(llmTokens).subscribe(play);
 * // the user starts talking:
 * session.interrupt();
 * ```
 */
export function createSpeechSession(options: SpeechSessionOptions): SpeechSession {
  return new Session(options);
}
