/**
 * Type declarations for `@echogarden/espeak-ng-emscripten` (eSpeak NG 1.52 compiled with Emscripten),
 * which ships none. Covers what `@utter/espeak` uses; checked against version 0.3.5.
 */
declare module '@echogarden/espeak-ng-emscripten' {
  /** Event kinds the engine reports with each audio chunk. */
  export type EspeakEventType =
    | 'list_terminated'
    | 'word'
    | 'sentence'
    | 'mark'
    | 'play'
    | 'end'
    | 'msg_terminated'
    | 'phoneme'
    | 'samplerate';

  /** One engine event, reported with the audio chunk it falls in. */
  export interface EspeakEvent {
    readonly type: EspeakEventType;
    /** 1-based position in the input text, in Unicode code points (0 for some non-text events). */
    readonly text_position: number;
    /** Length of a word in code points (`word` events). */
    readonly word_length: number;
    /** Position in the synthesized audio, in ms from the start of this synthesis. */
    readonly audio_position: number;
    /** Word/sentence number, or mark/phoneme name. */
    readonly id?: number | string;
  }

  /** A language a voice speaks, with its priority (lower is more preferred). */
  export interface EspeakVoiceLanguage {
    readonly priority: number;
    readonly name: string;
  }

  /** A voice as listed by {@link eSpeakNGWorker.list_voices}. */
  export interface EspeakVoiceInfo {
    /** Human-readable name, e.g. `"English (America)"`. */
    readonly name: string;
    /** File identifier, e.g. `"gmw/en-US"`. */
    readonly identifier: string;
    /** Languages (e.g. `"en-us"`), usable as voice names. */
    readonly languages: readonly EspeakVoiceLanguage[];
  }

  /**
   * Synthesis callback: `samples` is a fresh copy of 16-bit mono PCM at the engine's sample rate
   * (22050 Hz), about 100 ms per call. Return `true` to abort the synthesis.
   */
  export type EspeakSynthesisCallback = (samples: Int16Array<ArrayBuffer>, events: EspeakEvent[]) => boolean;

  /** One eSpeak NG instance. Synthesis is synchronous; SSML is always interpreted. */
  export class eSpeakNGWorker {
    constructor();
    /** Selects a voice by name or language (`"en-us"`, `"en-us+f3"`, `"fr"`); returns 0 on success. */
    set_voice(name: string, language?: string, gender?: number, age?: number, variant?: number): number;
    /** Speaking rate in words per minute (80..450). */
    set_rate(wpm: number): void;
    get_rate(): number;
    /** Base pitch, 0..100 (50 is normal). */
    set_pitch(pitch: number): void;
    get_pitch(): number;
    /** Pitch range, 0..100. */
    set_range(range: number): void;
    get_range(): number;
    /** Volume, 0..200 (100 is normal). */
    set_volume(volume: number): void;
    get_volume(): number;
    /** Output sample rate (22050). */
    get_samplerate(): number;
    /** All voices of the bundled data. */
    list_voices(): EspeakVoiceInfo[];
    /** Synthesizes `text` synchronously, calling `callback` for each chunk of audio. */
    synthesize(text: string, callback: EspeakSynthesisCallback): void;
  }

  /** The initialised Emscripten module. */
  export interface EspeakModule {
    readonly eSpeakNGWorker: typeof eSpeakNGWorker;
  }

  /** Loads the engine (and its `espeak-ng.data` file, found next to the module). */
  export default function createEspeakModule(moduleArg?: Record<string, unknown>): Promise<EspeakModule>;
}
