// @ts-check
/**
 * Voice selection for the eSpeak NG engine, shared by `worker.mjs` and the tests.
 *
 * The engine's `set_voice` accepts voice file identifiers (`"gmw/en"`) and most language codes
 * (`"en-us"`), but refuses some of the language codes its own voice list reports (`"en-gb"`,
 * `"fr-fr"`, `"pt-pt"`, `"es-mx"`, `"zh"`, `"no"`, ...: engine code 2). For those, the code is
 * mapped to the identifier of the voice that lists it with the best (lowest) priority, keeping a
 * `+variant` suffix (`"en-gb+f3"` -> `"gmw/en+f3"`).
 */

/**
 * @typedef {object} VoiceEngine
 * @property {(name: string) => number} set_voice
 * @property {() => readonly import('@echogarden/espeak-ng-emscripten').EspeakVoiceInfo[]} list_voices
 */

/**
 * The identifier of the voice that lists `language` (case-insensitive) with the best priority;
 * the first such voice on a tie. `undefined` when no voice lists it.
 *
 * @param {readonly import('@echogarden/espeak-ng-emscripten').EspeakVoiceInfo[]} voices
 * @param {string} language
 * @returns {string | undefined}
 */
export function voiceForLanguage(voices, language) {
  const wanted = language.toLowerCase();
  /** @type {{ identifier: string, priority: number } | undefined} */
  let best;
  for (const voice of voices) {
    for (const entry of voice.languages) {
      if (entry.name.toLowerCase() === wanted && (best === undefined || entry.priority < best.priority)) {
        best = { identifier: voice.identifier, priority: entry.priority };
      }
    }
  }
  return best?.identifier;
}

/**
 * Selects `requested` (a language code, voice identifier or name, optionally with `+variant`) on
 * `engine`. Returns the engine's code: 0 when selected.
 *
 * @param {VoiceEngine} engine
 * @param {string} requested
 * @returns {number}
 */
export function selectVoice(engine, requested) {
  const code = engine.set_voice(requested);
  if (code === 0) return 0;
  const plus = requested.indexOf('+');
  const base = plus < 0 ? requested : requested.slice(0, plus);
  const variant = plus < 0 ? '' : requested.slice(plus);
  const identifier = voiceForLanguage(engine.list_voices(), base);
  if (identifier === undefined) return code;
  return engine.set_voice(identifier + variant);
}
