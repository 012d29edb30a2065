import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SpeechError, speak, type ConnectionEvent, type ProviderWord, type SpeechConnection, type SpeechEvent } from '@utter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { espeak, type EspeakProvider } from './index.js';

type WordEvent = Extract<ConnectionEvent, { type: 'word' }>;
type AudioEvent = Extract<ConnectionEvent, { type: 'audio' }>;

const TEN_WORDS = 'The quick brown fox jumps over the lazy sleeping dog.';

let provider: EspeakProvider;
let connection: SpeechConnection;
const events: ConnectionEvent[] = [];
let nextUtterance = 0;

beforeAll(async () => {
  provider = espeak({ poolSize: 2 });
  await provider.warmup();
  connection = await provider.connect({ signal: new AbortController().signal });
  connection.events.subscribe((event) => events.push(event));
});

afterAll(async () => {
  connection.close();
  await provider.close();
});

function newUtterance(): string {
  return `u${nextUtterance++}`;
}

/** Resolves once `predicate` holds for an event (checked on every new event). */
function waitFor(predicate: (event: ConnectionEvent) => boolean, source = connection): Promise<ConnectionEvent> {
  return new Promise((resolve, reject) => {
    const subscription = source.events.subscribe({
      next: (event) => {
        if (predicate(event)) {
          subscription.unsubscribe();
          resolve(event);
        }
      },
      complete: () => reject(new Error('events completed')),
    });
  });
}

function of(utteranceId: string, segmentId?: number): ConnectionEvent[] {
  return events.filter(
    (event) =>
      'utteranceId' in event &&
      event.utteranceId === utteranceId &&
      (segmentId === undefined || !('segmentId' in event) || event.segmentId === segmentId),
  );
}

/** Speaks one segment as its own utterance and returns its events up to `utterance-done`. */
async function say(text: string): Promise<{ audio: AudioEvent[]; words: ProviderWord[]; pcm: Int16Array; all: ConnectionEvent[] }> {
  const utteranceId = newUtterance();
  const done = waitFor((event) => event.type === 'utterance-done' && event.utteranceId === utteranceId);
  connection.send({ utteranceId, segmentId: 0, text });
  connection.finish(utteranceId);
  await done;
  const all = of(utteranceId);
  const audio = all.filter((event): event is AudioEvent => event.type === 'audio');
  const words = all.filter((event): event is WordEvent => event.type === 'word').map((event) => event.word);
  return { audio, words, pcm: concat(audio.map((event) => event.pcm)), all };
}

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

function expectWellFormed(text: string, words: readonly ProviderWord[]): void {
  let lastOffset = -1;
  let lastStart = -1;
  for (const word of words) {
    expect(word.textOffset).toBeGreaterThan(lastOffset);
    expect(text.slice(word.textOffset, (word.textOffset ?? 0) + word.text.length)).toBe(word.text);
    expect(word.startMs).toBeGreaterThanOrEqual(lastStart);
    expect(word.endMs).toBeGreaterThanOrEqual(word.startMs);
    lastOffset = word.textOffset ?? 0;
    lastStart = word.startMs;
  }
}

describe('espeak provider', () => {
  it('declares its capabilities', () => {
    expect(provider.name).toBe('espeak');
    expect(provider.capabilities).toMatchObject({
      textInput: 'request',
      segmentAcks: true,
      cancel: 'native',
      wordTimestamps: true,
      sampleRate: 22050,
      sampleRates: [22050],
      encodings: ['pcm16'],
      maxConcurrentRequests: 2,
    });
    expect(espeak().capabilities.maxConcurrentRequests).toBe(1);
  });

  it('synthesizes non-silent audio of plausible length, streamed in chunks', async () => {
    const { audio, pcm, all } = await say(TEN_WORDS);
    const seconds = pcm.length / 22050;
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(4.5);
    expect(rms(pcm)).toBeGreaterThan(500);
    expect(audio.length).toBeGreaterThan(10); // ~100 ms chunks
    for (const event of audio) expect(event).toMatchObject({ segmentId: 0, sampleRate: 22050 });
    const types = all.map((event) => event.type);
    expect(types.indexOf('segment-done')).toBe(types.length - 2);
    expect(types.at(-1)).toBe('utterance-done');
  });

  it('reports word timings in order, mapped to the words of the text', async () => {
    const { words, pcm } = await say(TEN_WORDS);
    expect(words.map((word) => word.text)).toEqual(TEN_WORDS.replace('.', '').split(' '));
    expectWellFormed(TEN_WORDS, words);
    expect(words[0]?.startMs).toBe(0);
    const endMs = (pcm.length * 1000) / 22050;
    expect(words.at(-1)?.endMs).toBeCloseTo(endMs, 0);
    for (let i = 0; i + 1 < words.length; i++) expect(words[i]?.endMs).toBe(words[i + 1]?.startMs);
  });

  it('maps word offsets to UTF-16 across emoji and surrogate pairs', async () => {
    const text = '😀 Héllo there 𝄞 wörld, 👍🏽 again.';
    const { words, pcm } = await say(text);
    expect(rms(pcm)).toBeGreaterThan(300);
    expectWellFormed(text, words);
    const byText = new Map(words.map((word) => [word.text, word.textOffset]));
    expect(byText.get('Héllo')).toBe(text.indexOf('Héllo'));
    expect(byText.get('there')).toBe(text.indexOf('there'));
    expect(byText.get('wörld')).toBe(text.indexOf('wörld'));
    expect(byText.get('again')).toBe(text.indexOf('again'));
  });

  it('escapes & < > so that LLM text is never taken as markup', async () => {
    const text = 'Tom & Jerry <b>bold</b> and 3 > 2 or x < y, <speak> done.';
    const { words, pcm, all } = await say(text);
    expect(all.some((event) => event.type === 'error')).toBe(false);
    expect(pcm.length / 22050).toBeGreaterThan(2);
    expectWellFormed(text, words);
    const texts = words.map((word) => word.text);
    for (const expected of ['Tom', 'Jerry', 'bold', 'done']) expect(texts).toContain(expected);
    expect(words.find((word) => word.text === 'Jerry')?.textOffset).toBe(text.indexOf('Jerry'));
    expect(words.find((word) => word.text === 'done')?.textOffset).toBe(text.indexOf('done'));
  });

  it('passes SSML through with ssml: true', async () => {
    const ssml = espeak({ ssml: true, voice: 'en-us', rate: 200 });
    try {
      const conn = await ssml.connect({ signal: new AbortController().signal });
      const seen: ConnectionEvent[] = [];
      conn.events.subscribe((event) => seen.push(event));
      const text = '<speak>Hello <break time="400ms"/> world &amp; more</speak>';
      const done = waitFor((event) => event.type === 'utterance-done', conn);
      conn.send({ utteranceId: 'x', segmentId: 0, text });
      conn.finish('x');
      await done;
      const words = seen.filter((event): event is WordEvent => event.type === 'word').map((event) => event.word);
      expect(words.map((word) => word.text)).toEqual(['Hello', 'world', '&amp;', 'more']);
      expectWellFormed(text, words);
      conn.close();
    } finally {
      await ssml.close();
    }
  });

  it('cancels mid-utterance: no events after cancel, and the engine is reusable', async () => {
    const utteranceId = newUtterance();
    const long = Array.from({ length: 40 }, (_, i) => `This is sentence number ${i + 1} of a rather long reply.`).join(' ');
    const firstAudio = waitFor((event) => event.type === 'audio' && event.utteranceId === utteranceId);
    connection.send({ utteranceId, segmentId: 0, text: long });
    connection.send({ utteranceId, segmentId: 1, text: long });
    connection.send({ utteranceId, segmentId: 2, text: long }); // queued
    connection.finish(utteranceId);
    await firstAudio;
    connection.cancel(utteranceId);
    const count = of(utteranceId).length;
    // Further sends/finish for a cancelled reply are ignored.
    connection.send({ utteranceId, segmentId: 3, text: 'ignored' });
    connection.finish(utteranceId);
    // Both instances are free again and speak the next reply.
    const next = await Promise.all([say('Next one.'), say('And another.')]);
    for (const reply of next) expect(reply.pcm.length).toBeGreaterThan(0);
    expect(of(utteranceId).length).toBe(count);
    expect(of(utteranceId).some((event) => event.type === 'segment-done' || event.type === 'utterance-done')).toBe(false);
  });

  it('runs several requests in order and keeps per-segment attribution with a pool of 2', async () => {
    const texts = ['First segment here.', 'Second, a bit longer segment here.', 'Third.', 'Fourth segment of the reply.', 'Fifth and last.'];
    const solo: number[] = [];
    for (const text of texts) solo.push((await say(text)).pcm.length);
    const utteranceId = newUtterance();
    const done = waitFor((event) => event.type === 'utterance-done' && event.utteranceId === utteranceId);
    texts.forEach((text, segmentId) => connection.send({ utteranceId, segmentId, text }));
    connection.finish(utteranceId);
    await done;
    const all = of(utteranceId);
    const acks = all.filter((event) => event.type === 'segment-done').map((event) => (event as { segmentId: number }).segmentId);
    expect([...acks].sort()).toEqual([0, 1, 2, 3, 4]);
    texts.forEach((text, segmentId) => {
      const mine = all.filter((event): event is AudioEvent => event.type === 'audio' && event.segmentId === segmentId);
      // Each segment gets its own audio: about as long as when it is spoken alone (the engine's
      // output varies slightly with its history, so not sample-exact).
      const samples = mine.reduce((sum, event) => sum + event.pcm.length, 0);
      expect(Math.abs(samples - (solo[segmentId] ?? 0))).toBeLessThan(0.1 * (solo[segmentId] ?? 0));
      const words = all.filter((event): event is WordEvent => event.type === 'word' && event.segmentId === segmentId);
      expect(words.map((event) => event.word.text)).toEqual(text.replace(/[.,]/g, '').split(' '));
      expectWellFormed(text, words.map((event) => event.word));
      // segment-done comes after the segment's audio and words.
      const ackIndex = all.findIndex((event) => event.type === 'segment-done' && event.segmentId === segmentId);
      expect(all.findLastIndex((event) => 'segmentId' in event && event.segmentId === segmentId && event.type !== 'segment-done')).toBeLessThan(ackIndex);
    });
    // At most two requests run at once (a pool of 2): segment k starts only once k-1 segments have
    // finished, so its first audio comes after the (k-1)-th segment-done. (Which of two running
    // requests shows audio first depends on the threads' timing, so that order is not asserted.)
    const firstAudio = texts.map((_, segmentId) => all.findIndex((event) => event.type === 'audio' && event.segmentId === segmentId));
    const ackIndices = all.flatMap((event, index) => (event.type === 'segment-done' ? [index] : []));
    for (let k = 2; k < texts.length; k++) expect(firstAudio[k]).toBeGreaterThan(ackIndices[k - 2] ?? Number.POSITIVE_INFINITY);
    expect(all.at(-1)?.type).toBe('utterance-done');
  });

  it('finish() with nothing pending ends the utterance at once', () => {
    const utteranceId = newUtterance();
    connection.finish(utteranceId);
    expect(of(utteranceId)).toEqual([{ type: 'utterance-done', utteranceId }]);
  });

  it('rejects bad options with SpeechError invalid-input', async () => {
    const bad: unknown[] = [
      { rate: 10 },
      { rate: 175.5 },
      { pitch: 101 },
      { poolSize: 0 },
      { voice: '' },
      { voice: 'en us; rm' },
      { ssml: 'yes' },
      { speed: 1 },
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        espeak(options as never);
      } catch (caught) {
        error = caught;
      }
      expect(SpeechError.is(error, 'invalid-input'), JSON.stringify(options)).toBe(true);
    }
    const unknownVoice = espeak({ voice: 'xx-nope' });
    await expect(unknownVoice.connect({ signal: new AbortController().signal })).rejects.toMatchObject({ code: 'invalid-input' });
    await unknownVoice.close();
  });

  it('rejects connect() with cancelled when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(provider.connect({ signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('lists voices', async () => {
    const voices = await provider.listVoices();
    expect(voices.length).toBeGreaterThan(100);
    expect(voices.some((voice) => voice.languages.includes('en-us'))).toBe(true);
  });

  it('close() of a connection cancels its work, emits closed and completes', async () => {
    const conn = await provider.connect({ signal: new AbortController().signal });
    const seen: ConnectionEvent[] = [];
    let completed = false;
    conn.events.subscribe({ next: (event) => seen.push(event), complete: () => (completed = true) });
    const firstAudio = waitFor((event) => event.type === 'audio', conn);
    conn.send({ utteranceId: 'c', segmentId: 0, text: TEN_WORDS.repeat(5) });
    await firstAudio;
    conn.close();
    expect(seen.at(-1)).toEqual({ type: 'closed' });
    expect(completed).toBe(true);
    conn.send({ utteranceId: 'd', segmentId: 0, text: 'after close' }); // ignored
    // The shared pool still works for the other connection.
    expect((await say('Still here.')).pcm.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual({ type: 'closed' });
  });

  it('provider close() closes its connections and ends the workers; connect() starts again', async () => {
    const other = espeak();
    const conn = await other.connect({ signal: new AbortController().signal });
    const seen: ConnectionEvent[] = [];
    conn.events.subscribe((event) => seen.push(event));
    await other.close();
    expect(seen).toEqual([{ type: 'closed', error: expect.objectContaining({ code: 'connection' }) }]);
    const again = await other.connect({ signal: new AbortController().signal });
    const done = waitFor((event) => event.type === 'utterance-done', again);
    again.send({ utteranceId: 'z', segmentId: 0, text: 'Hello again.' });
    again.finish('z');
    await done;
    await other.close();
  });

  it('speaks through the core session engine (speak)', async () => {
    const text = 'Hello there! This is utter, speaking 😀 offline & fast. Of the three tests, this is the last one.';
    const seen: SpeechEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      speak(text, { provider }).subscribe({ next: (event) => seen.push(event), error: reject, complete: resolve });
    });
    const words = seen.filter((event) => event.type === 'word');
    expect(words.map((word) => word.text).join(' ')).toBe('Hello there This is utter speaking offline & fast Of the three tests this is the last one');
    for (const word of words) expect(text.slice(word.start, word.end)).toBe(word.text);
    expect(seen.filter((event) => event.type === 'audio').length).toBeGreaterThan(20);
    expect(seen.at(-1)?.type).toBe('utterance-end');
  });

  it('does not keep the process alive (idle workers are unref-ed)', async () => {
    const script = [
      "import { espeak } from './src/index.ts';",
      'const provider = espeak();',
      'const conn = await provider.connect({ signal: new AbortController().signal });',
      'let samples = 0;',
      "conn.events.subscribe((e) => { if (e.type === 'audio') samples += e.pcm.length; if (e.type === 'utterance-done') console.log('samples', samples); });",
      "conn.send({ utteranceId: 'a', segmentId: 0, text: 'Bye.' });",
      "conn.finish('a');",
    ].join('\n');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--conditions=@utter/source', '--input-type=module', '-e', script],
        { cwd, timeout: 30_000 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
    expect(stdout).toMatch(/samples [1-9]\d+/);
  }, 40_000);
});
