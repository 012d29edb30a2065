import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { espeak } from './index.js';
import { selectVoice, voiceForLanguage } from './voices.mjs';

interface CheckResult {
  readonly code: string;
  readonly status: number;
  readonly samples: number;
  readonly peak: number;
}

/** Runs the production voice selection plus a real synthesis of `text` for each code, in a worker thread. */
function checkVoices(codes: readonly string[], text: string): Promise<CheckResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/voice-check.mjs', import.meta.url), { workerData: { codes, text } });
    worker.once('message', (message: { results: CheckResult[] }) => resolve(message.results));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`voice-check worker exited with code ${code}`)));
  });
}

/** Digits and a latin letter: some voices (Cherokee, Chuvash, Sindarin) are silent on digits alone. */
const TEXT = '12 a';

const voices = [
  { name: 'English (Great Britain)', identifier: 'gmw/en', languages: [{ priority: 2, name: 'en-gb' }, { priority: 2, name: 'en' }] },
  { name: 'English (Lancaster)', identifier: 'gmw/en-GB-x-gbclan', languages: [{ priority: 5, name: 'en-gb-x-gbclan' }, { priority: 3, name: 'en-gb' }] },
  { name: 'Chinese (Mandarin)', identifier: 'sit/cmn', languages: [{ priority: 5, name: 'cmn' }, { priority: 5, name: 'zh' }] },
  { name: 'Chinese (Cantonese)', identifier: 'sit/yue', languages: [{ priority: 5, name: 'yue' }, { priority: 8, name: 'zh' }] },
];

describe('voice selection', () => {
  it('maps a language code to the voice that lists it with the best priority', () => {
    expect(voiceForLanguage(voices, 'en-gb')).toBe('gmw/en');
    expect(voiceForLanguage(voices, 'EN-GB')).toBe('gmw/en');
    expect(voiceForLanguage(voices, 'zh')).toBe('sit/cmn');
    expect(voiceForLanguage(voices, 'xx')).toBeUndefined();
  });

  it('falls back to the mapped identifier only when the engine refuses the code, keeping the variant', () => {
    const tried: string[] = [];
    const engine = {
      set_voice: (name: string): number => {
        tried.push(name);
        return name.startsWith('gmw/') || name === 'en-us' ? 0 : 2;
      },
      list_voices: () => voices,
    };
    expect(selectVoice(engine, 'en-us')).toBe(0);
    expect(selectVoice(engine, 'en-gb+f3')).toBe(0);
    expect(selectVoice(engine, 'xx-nope')).toBe(2);
    expect(tried).toEqual(['en-us', 'en-gb+f3', 'gmw/en+f3', 'xx-nope']);
  });
});

describe('every voice code listVoices() reports speaks', () => {
  const provider = espeak();
  afterAll(() => provider.close());

  it('each language code and identifier selects a voice and synthesizes audible speech', async () => {
    const listed = await provider.listVoices();
    const codes = [...new Set(listed.flatMap((voice) => [...voice.languages, voice.identifier]))].sort();
    expect(codes.length).toBeGreaterThan(250);
    // Two worker threads, each loading the engine once; a short text each.
    const half = Math.ceil(codes.length / 2);
    const results = (await Promise.all([checkVoices(codes.slice(0, half), TEXT), checkVoices(codes.slice(half), TEXT)])).flat();
    const silent = results.filter((result) => result.status !== 0 || result.samples < 2205 || result.peak < 500);
    expect(silent).toEqual([]);
    expect(results).toHaveLength(codes.length);
  }, 60_000);

  it('speaks through the provider with the codes the engine refuses as they are (en-gb, fr-fr, zh, no, pt-pt, es-mx, en-gb+f3)', async () => {
    for (const voice of ['en-gb', 'fr-fr', 'zh', 'no', 'pt-pt', 'es-mx', 'en-gb+f3']) {
      const single = espeak({ voice });
      try {
        const connection = await single.connect({ signal: new AbortController().signal });
        const audio = new Promise<number>((resolve, reject) => {
          let samples = 0;
          connection.events.subscribe((event) => {
            if (event.type === 'audio') samples += event.pcm.length;
            if (event.type === 'utterance-done') resolve(samples);
            if (event.type === 'error' || event.type === 'closed') reject(new Error(`${voice}: ${event.type}`));
          });
        });
        connection.send({ utteranceId: 'u1', segmentId: 0, text: '12' });
        connection.finish('u1');
        expect(await audio, voice).toBeGreaterThan(2205);
        connection.close();
      } finally {
        await single.close();
      }
    }
  }, 30_000);
});
