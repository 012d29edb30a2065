/**
 * The player and the wire format in a real browser (Debian chromium, playwright-core): replies are
 * relayed by `@utter/web/server` from scripted speech events (odd chunk sizes, all at once or in
 * bursts), and the page's player is measured on the AudioContext's clock and frame counter.
 */
import type { SpeechEvent, UtteranceMetrics } from '@utter/core';
import type { Browser, Page } from 'playwright-core';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChunkRecord, InterruptedMessage, PlaybackPosition } from '../src/index.js';
import { toSpeechResponse, type RelayOutcome, type SpeechLink } from '../src/server/index.js';
import { wordBoundaryBefore } from '../src/heard.js';
import { launchBrowser } from './browser/launch.js';
import { startHarnessServer, type HarnessServer } from './browser/server.js';

const RATE = 22050;
const QUANTUM = 128;
const CHUNKS = [1103, 2205, 517, 4410, 77];

interface Seen {
  words: { text: string; startMs: number; contextTime: number }[];
  segments: { segmentId: number; contextTime: number }[];
  ended: { utteranceId: string; contextTime: number }[];
  interrupted: InterruptedMessage[];
  errors: string[];
}

const metrics = (audioMs: number): UtteranceMetrics => ({
  timeToFirstAudioMs: 5,
  timeToFirstAudioFromTextMs: 5,
  audioDurationMs: audioMs,
  totalMs: audioMs,
  realTimeFactor: 0.1,
  charactersSent: 0,
  retries: 0,
  wastedCharacters: 0,
  segments: [],
  provider: 'script',
});

/** A scripted reply: segments of "Word word." with a 330 Hz tone, words at known times (`words` also holds segment ends). */
function script(utteranceId: string, segmentMs: readonly number[]): { events: SpeechEvent[]; text: string; words: { end: number; endMs: number; startMs: number }[] } {
  const events: SpeechEvent[] = [];
  const words: { end: number; endMs: number; startMs: number }[] = [];
  let text = '';
  let offsetMs = 0;
  segmentMs.forEach((ms, segmentId) => {
    const seg = `Word${segmentId}a word${segmentId}b. `;
    const start = text.length;
    text += seg;
    events.push({ type: 'segment', utteranceId, segmentId, text: seg, start, end: text.length, speakable: seg.trim(), reason: 'sentence' });
    const total = Math.round((ms * RATE) / 1000);
    const half = ms / 2;
    for (const [i, w] of [`Word${segmentId}a`, `word${segmentId}b`].entries()) {
      const wStart = start + (i === 0 ? 0 : seg.indexOf(' ') + 1);
      const word = { type: 'word' as const, utteranceId, segmentId, text: w, startMs: offsetMs + i * half, endMs: offsetMs + (i + 1) * half - 10, start: wStart, end: wStart + w.length };
      words.push({ end: word.end, endMs: word.endMs, startMs: word.startMs });
      events.push(word);
    }
    let done = 0;
    for (let c = 0; done < total; c++) {
      const n = Math.min(CHUNKS[c % CHUNKS.length] as number, total - done);
      const pcm = Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 330 * (done + i)) / RATE)));
      events.push({ type: 'audio', utteranceId, segmentId, pcm, sampleRate: RATE, offsetMs: offsetMs + (done * 1000) / RATE });
      done += n;
    }
    events.push({ type: 'segment-end', utteranceId, segmentId, audioMs: (total * 1000) / RATE });
    // A segment played to its end is heard whole (its closing punctuation too).
    words.push({ end: start + seg.trimEnd().length, endMs: offsetMs + (total * 1000) / RATE, startMs: offsetMs });
    offsetMs += (total * 1000) / RATE;
  });
  events.push({ type: 'utterance-end', utteranceId, text, metrics: metrics(offsetMs) });
  return { events, text, words };
}

let server: HarnessServer;
let browser: Browser;
let page: Page;
let link: SpeechLink;
let sampleRate: number;
const reports: { utteranceId: string; playedMs: number }[] = [];
const interrupts: number[] = [];

const seen = () => page.evaluate(() => (window as unknown as { harness: { seen: Seen } }).harness.seen);
const stats = () => page.evaluate(() => (window as unknown as { harness: { stats(): Promise<{ chunks: ChunkRecord[]; underruns: number }> } }).harness.stats());
const interrupt = () =>
  page.evaluate(() =>
    (window as unknown as { harness: { interrupt(): Promise<{ clickTime: number; position: PlaybackPosition | undefined; confirmed: InterruptedMessage | undefined }> } }).harness.interrupt(),
  );

/** Relays `events` (a Subject the test drives) with controls that record what the browser reports. */
function relay(events: Subject<SpeechEvent>, onInterrupt: () => void = () => {}): Promise<RelayOutcome> {
  return link.relay(events, {
    reportPlayback: (utteranceId, playedMs) => reports.push({ utteranceId, playedMs }),
    interrupt: () => {
      interrupts.push(reports.length);
      onInterrupt();
    },
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  server = await startHarnessServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  reports.length = 0;
  interrupts.length = 0;
  const linked = server.nextLink();
  sampleRate = await page.evaluate((url) => (window as unknown as { harness: { start(u: string, p: number): Promise<number> } }).harness.start(url, 60), server.wsUrl);
  link = await linked;
});

describe('speech player in the browser', () => {
  it('plays segments back to back at the context rate, words and segments on time, reports playback', async () => {
    const reply = script('r1', [600, 450, 700]);
    const events = new Subject<SpeechEvent>();
    const outcome = relay(events);
    for (const event of reply.events) events.next(event);
    await until(async () => (await seen()).ended.length === 1, 'the reply to play out');
    events.complete(); // like a paced session: the reply ends on the server when playback catches up
    await expect(outcome).resolves.toBe('completed');

    const s = await stats();
    const chunks = s.chunks.filter((c) => c.utt === 'r1');
    const audio = reply.events.filter((e) => e.type === 'audio');
    expect(chunks.map((c) => c.offsetMs)).toEqual(audio.map((e) => e.offsetMs)); // all, in order
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1] as ChunkRecord;
      expect((chunks[i] as ChunkRecord).startFrame - (prev.endFrame as number)).toBeLessThanOrEqual(QUANTUM);
    }
    expect(s.underruns).toBe(0);
    const frames = chunks.reduce((sum, c) => sum + c.frames, 0);
    expect(Math.abs(frames - (1750 * sampleRate) / 1000)).toBeLessThanOrEqual(chunks.length + 2);

    const first = (chunks[0] as ChunkRecord).startFrame / sampleRate;
    const v = await seen();
    expect(v.errors).toEqual([]);
    expect(v.segments.map((x) => x.segmentId)).toEqual([0, 1, 2]);
    for (const segment of v.segments) {
      const start = chunks.find((c) => c.seg === segment.segmentId) as ChunkRecord;
      expect(segment.contextTime).toBeCloseTo(start.startFrame / sampleRate, 6);
    }
    expect(v.words.map((w) => w.text)).toEqual(['Word0a', 'word0b', 'Word1a', 'word1b', 'Word2a', 'word2b']);
    for (const word of v.words) expect(Math.abs(word.contextTime - first - word.startMs / 1000)).toBeLessThan(0.003);

    const played = reports.filter((r) => r.utteranceId === 'r1').map((r) => r.playedMs);
    expect(played.length).toBeGreaterThan(10);
    expect(played).toEqual([...played].sort((a, b) => a - b));
    expect(played.at(-1)).toBeGreaterThan(1740);
  });

  it('waits for the pre-roll before the first sample when audio trickles in (no crackle on the first reply)', async () => {
    const events = new Subject<SpeechEvent>();
    const outcome = relay(events);
    events.next({ type: 'segment', utteranceId: 'r0', segmentId: 0, text: 'Hi. ', start: 0, end: 4, speakable: 'Hi.', reason: 'sentence' });
    let offsetMs = 0;
    for (const ms of [20, 30, 40]) {
      const n = (ms * RATE) / 1000;
      events.next({ type: 'audio', utteranceId: 'r0', segmentId: 0, pcm: new Int16Array(n).fill(1000), sampleRate: RATE, offsetMs });
      offsetMs += ms;
    }
    await until(async () => (await stats()).chunks.some((c) => c.utt === 'r0'), 'playback to start');
    events.next({ type: 'segment-end', utteranceId: 'r0', segmentId: 0, audioMs: offsetMs });
    events.next({ type: 'utterance-end', utteranceId: 'r0', text: 'Hi. ', metrics: metrics(offsetMs) });
    await until(async () => (await seen()).ended.length === 1, 'the reply to play out');
    events.complete();
    await outcome;
    const chunks = (await stats()).chunks.filter((c) => c.utt === 'r0');
    expect(chunks).toHaveLength(3);
    // 20 + 30 ms is below the 60 ms pre-roll: nothing played before the third chunk was in.
    expect((chunks[0] as ChunkRecord).startFrame).toBeGreaterThanOrEqual((chunks[2] as ChunkRecord).arrivalFrame);
    expect((chunks[1] as ChunkRecord).startFrame).toBe((chunks[0] as ChunkRecord).endFrame);
    expect((chunks[2] as ChunkRecord).startFrame).toBe((chunks[1] as ChunkRecord).endFrame);
  });

  it('stop cuts within 50 ms, returns the exact position, the server reports it before interrupting, late frames are dropped', async () => {
    const reply = script('r2', [900, 900, 900, 900]);
    const events = new Subject<SpeechEvent>();
    const outcome = relay(events, () => {
      const last = reports.at(-1) as { playedMs: number };
      events.next({ type: 'interrupted', utteranceId: 'r2', spokenText: 'x', spokenEnd: 1, playedMs: last.playedMs, basis: 'playback', metrics: metrics(last.playedMs) });
      events.complete();
    });
    const audio = reply.events.filter((e) => e.type !== 'utterance-end');
    const firstHalf = audio.slice(0, Math.floor(audio.length / 2));
    for (const event of firstHalf) events.next(event);
    await until(() => reports.some((r) => r.playedMs >= 800), 'playback past 800 ms');

    const { clickTime, position, confirmed } = await interrupt();
    expect(position?.utteranceId).toBe('r2');
    expect(position?.contextTime ?? 0).toBeGreaterThanOrEqual(clickTime);
    expect((position?.contextTime ?? 1) - clickTime).toBeLessThanOrEqual(0.05);
    // The server got the player's exact position first, then the interrupt.
    expect(interrupts).toHaveLength(1);
    expect(reports[(interrupts[0] as number) - 1]).toEqual({ utteranceId: 'r2', playedMs: position?.playedMs });
    expect(confirmed?.playedMs).toBe(position?.playedMs);
    await expect(outcome).resolves.toBe('interrupted');

    // Frames still in flight for the stopped reply are not played.
    const late = script('r2', [900]).events.filter((e) => e.type === 'audio');
    link.relay({ subscribe: (o) => { for (const e of late) o.next({ ...e, offsetMs: e.type === 'audio' ? e.offsetMs + 1800 : 0 } as SpeechEvent); o.complete(); return { unsubscribe() {} }; } }, { interrupt() {}, reportPlayback() {} });
    const s = await stats();
    const stopFrame = Math.round((position?.contextTime ?? 0) * sampleRate);
    const chunks = s.chunks.filter((c) => c.utt === 'r2');
    expect(chunks.every((c) => c.startFrame <= stopFrame)).toBe(true);
    expect(chunks.at(-1)?.endFrame).toBeUndefined(); // cut mid-chunk
    const after = await stats();
    expect(after.chunks.filter((c) => c.utt === 'r2')).toHaveLength(chunks.length);
  });

  it('a reply the server had sent completely, stopped while playing, gets its spoken text from the words heard', async () => {
    const reply = script('r3', [800, 800, 800]);
    const events = new Subject<SpeechEvent>();
    const outcome = relay(events);
    for (const event of reply.events) events.next(event);
    events.complete();
    await expect(outcome).resolves.toBe('completed');
    await until(async () => (await seen()).words.length >= 4, 'playback past the fourth word');
    const { position, confirmed } = await interrupt();
    const playedMs = position?.playedMs ?? 0;
    const heard = wordBoundaryBefore(reply.text, Math.max(...reply.words.filter((w) => w.endMs <= playedMs).map((w) => w.end)));
    expect(heard).toBeGreaterThan(0);
    expect(confirmed).toMatchObject({ utteranceId: 'r3', basis: 'playback', playedMs, spokenEnd: heard, spokenText: reply.text.slice(0, heard) });
    expect(interrupts).toHaveLength(0); // nothing to interrupt on the server: it had finished
  });

  it('plays a speech response from a route handler; barge-in aborts it and says what was heard', async () => {
    const reply = script('r4', [900, 900, 900]);
    const events = new Subject<SpeechEvent>();
    let cancelled = false;
    server.route = () =>
      toSpeechResponse({
        toObservable: () => ({
          subscribe: (observer) => {
            const subscription = events.subscribe(observer);
            return { unsubscribe: () => { cancelled = true; subscription.unsubscribe(); } };
          },
        }),
        interrupt() {},
        reportPlayback() {},
      });
    const playing = page.evaluate(() => (window as unknown as { harness: { playHttp(): Promise<void> } }).harness.playHttp());
    await until(() => events.observed, 'the route to be called');
    for (const event of reply.events.filter((e) => e.type !== 'utterance-end')) events.next(event);
    await playing;
    await until(async () => (await seen()).words.length >= 3, 'the third word');
    const { position, confirmed } = await interrupt();
    const playedMs = position?.playedMs ?? 0;
    const end = wordBoundaryBefore(reply.text, Math.max(...reply.words.filter((w) => w.endMs <= playedMs).map((w) => w.end)));
    expect(end).toBeGreaterThan(0);
    expect(confirmed).toMatchObject({ utteranceId: 'r4', basis: 'playback', playedMs, spokenText: reply.text.slice(0, end) });
    await until(() => cancelled, 'the server to stop speaking');
    expect((await seen()).errors).toEqual([]);
  });
});
