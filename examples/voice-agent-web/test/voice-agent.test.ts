/**
 * The voice agent in a real browser (Debian chromium via playwright-core): the page loads, a reply
 * is spoken on the embedded engine with words highlighted as heard, audio reaches the worklet in
 * order with no gap between chunks or segments, Stop barges in within 50 ms of the click (AudioContext
 * time), the server's `interrupted.spokenText` ends where the player says it stopped, typing again
 * barges in too, and a screenshot is written. Times are measured on the AudioContext's clock.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SpeechProvider } from '@utter/core';
import { espeak } from '@utter/espeak';
import type { ChunkRecord, InterruptedMessage, SegmentMessage, WordMessage } from '@utter/web';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
// The browser harness is @utter/web's own (one place that installs and launches Debian's chromium).
import { launchBrowser } from '../../../packages/web/test/browser/launch.js';

interface Probe {
  segments: SegmentMessage[];
  words: WordMessage[];
  heardWords: { word: WordMessage; contextTime: number }[];
  interrupted: InterruptedMessage[];
  stops: { clickTime: number; stopTime: number; utteranceId: string; playedMs: number }[];
  finished: string[];
  errors: string[];
}

const RENDER_QUANTUM = 128;
const outDir = fileURLToPath(new URL('../test-results/', import.meta.url));

let provider: SpeechProvider;
let server: RunningServer;
let browser: Browser;
let page: Page;
const outcomes: string[] = [];

const probe = (): Promise<Probe> => page.evaluate(() => {
  const p = (window as unknown as { voiceAgent: Probe & Record<string, unknown> }).voiceAgent;
  return { segments: p.segments, words: p.words, heardWords: p.heardWords, interrupted: p.interrupted, stops: p.stops, finished: p.finished, errors: p.errors };
});
const stats = () =>
  page.evaluate(async () => {
    const p = (window as unknown as { voiceAgent: { player: { stats(): Promise<{ chunks: ChunkRecord[]; underruns: number; sampleRate: number }> } } }).voiceAgent;
    return p.player.stats();
  });

/** Waits until the browser has heard a word of the `n`-th reply that starts at or after `ms`. */
async function heardPast(utteranceIndex: number, ms: number): Promise<void> {
  await page.waitForFunction(
    ([index, at]) => {
      const p = (window as unknown as { voiceAgent: Probe }).voiceAgent;
      const ids = [...new Set(p.words.map((w) => w.utteranceId))];
      const id = ids[index as number];
      return id !== undefined && p.heardWords.some((h) => h.word.utteranceId === id && h.word.startMs >= (at as number));
    },
    [utteranceIndex, ms],
    { timeout: 30_000 },
  );
}

/** End of the last whitespace-delimited word of `text` ending at or before `position`. */
function wordBoundaryBefore(text: string, position: number): number {
  if (position >= text.length) return text.trimEnd().length;
  let best = 0;
  for (const match of text.matchAll(/\S+/g)) {
    const end = match.index + match[0].length;
    if (end > position) break;
    best = end;
  }
  return best;
}

beforeAll(async () => {
  provider = espeak();
  await provider.warmup?.();
  server = await startServer({ provider, port: 0, onReply: (_question, outcome) => outcomes.push(outcome) });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await provider?.close?.();
});

describe('voice agent in the browser', () => {
  it('loads the page on a secure origin with an AudioWorklet', async () => {
    await expect(page.title()).resolves.toBe('utter — voice agent');
    const worklet = await page.evaluate(() => window.isSecureContext && typeof AudioWorkletNode === 'function');
    expect(worklet).toBe(true);
  });

  it('speaks a reply gap-free, then Stop barges in within 50 ms and the server says what was heard', async () => {
    await page.fill('#question', 'How far away is the Moon?');
    await page.press('#question', 'Enter');
    await heardPast(0, 5200); // into the third segment: two segment boundaries played

    await page.click('#stop');
    await page.waitForFunction(() => (window as unknown as { voiceAgent: Probe }).voiceAgent.interrupted.length === 1, undefined, { timeout: 10_000 });
    const p = await probe();
    const s = await stats();
    expect(p.errors).toEqual([]);

    // Barge-in: audio stopped within 50 ms of the click, on the AudioContext clock.
    const stop = p.stops[0];
    expect(stop).toBeDefined();
    if (!stop) return;
    expect(stop.stopTime - stop.clickTime).toBeGreaterThanOrEqual(0);
    expect(stop.stopTime - stop.clickTime).toBeLessThanOrEqual(0.05);

    // Frames reached the worklet in order, contiguous in the reply's timeline, and were played back to
    // back: wherever the next chunk was in the worklet before the previous one ended (the player's
    // job), the gap is at most one render quantum, within segments and across segment boundaries.
    // A chunk that arrived after the previous one ended is the server's lateness (an underrun), not a
    // player gap; the jitter buffer then pre-rolls again.
    const chunks = s.chunks.filter((c) => c.utt === stop.utteranceId);
    expect(chunks.length).toBeGreaterThan(10);
    expect(new Set(chunks.map((c) => c.seg)).size).toBeGreaterThanOrEqual(2);
    let inTime = 0;
    let inTimeBoundaries = 0;
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1] as ChunkRecord;
      const cur = chunks[i] as ChunkRecord;
      expect(cur.seg).toBeGreaterThanOrEqual(prev.seg);
      expect(cur.offsetMs).toBeCloseTo(prev.offsetMs + prev.durMs, 3);
      expect(prev.endFrame).toBeDefined();
      if (cur.arrivalFrame > (prev.endFrame as number)) continue;
      inTime++;
      if (cur.seg !== prev.seg) inTimeBoundaries++;
      expect(cur.startFrame - (prev.endFrame as number)).toBeLessThanOrEqual(RENDER_QUANTUM);
    }
    expect(inTime).toBeGreaterThan(0);
    if (process.env['DEBUG_CHUNKS']) console.log(`${inTime}/${chunks.length - 1} transitions in time (${inTimeBoundaries} segment boundaries), ${s.underruns} underruns`);
    // Nothing of the reply started after the stop.
    const stopFrame = Math.round(stop.stopTime * s.sampleRate);
    expect(chunks.every((c) => c.startFrame <= stopFrame)).toBe(true);

    // The server's interrupted event is at the player's position, and its text is what was heard.
    const interrupted = p.interrupted[0] as InterruptedMessage;
    expect(interrupted.utteranceId).toBe(stop.utteranceId);
    expect(interrupted.basis).toBe('playback');
    expect(interrupted.playedMs).toBeCloseTo(stop.playedMs, 6);
    // A word of the text counts as heard when the engine's words covering it have all played to
    // their end (whitespace-delimited: "384,400" is heard once its last spoken word is).
    const text = p.segments.filter((x) => x.utteranceId === stop.utteranceId).map((x) => x.text).join('');
    expect(text.startsWith(interrupted.spokenText)).toBe(true);
    const words = p.words.filter((w) => w.utteranceId === stop.utteranceId && w.start !== undefined && w.end !== undefined);
    // A segment played to its end (the next one's audio started) is heard whole, punctuation included.
    const played = p.segments
      .filter((x) => x.utteranceId === stop.utteranceId)
      .filter((x) => chunks.some((c) => c.seg === x.segmentId + 1 && c.offsetMs <= stop.playedMs));
    const segmentEnds = played.map((x) => x.start + x.text.trimEnd().length);
    const heardEnd = wordBoundaryBefore(text, Math.max(...segmentEnds, ...words.filter((w) => w.endMs <= stop.playedMs).map((w) => w.end as number)));
    const firstUnheard = Math.min(
      ...words.filter((w) => w.startMs > stop.playedMs && !played.some((x) => x.segmentId === w.segmentId)).map((w) => w.start as number),
    );
    expect(heardEnd).toBeGreaterThan(0);
    expect(interrupted.spokenEnd).toBeGreaterThanOrEqual(heardEnd);
    expect(interrupted.spokenEnd).toBeLessThanOrEqual(firstUnheard);
    // Between the last word heard and spokenEnd there is only punctuation or space.
    expect(interrupted.spokenText.slice(heardEnd)).toMatch(/^[^\p{L}\p{N}]*$/u);
    // Every word highlighted before the stop was heard at its time; none after the stop.
    expect(p.heardWords.every((h) => h.word.utteranceId !== stop.utteranceId || h.word.startMs <= stop.playedMs)).toBe(true);
    // The transcript shows exactly that text as heard.
    const note = await page.locator('.turn.assistant .note').first().getAttribute('data-spoken');
    expect(note).toBe(interrupted.spokenText);
    expect(text.length).toBeGreaterThan(interrupted.spokenText.length);
    await expect.poll(() => outcomes[0]).toBe('interrupted');
  });

  it('typing again barges in on the reply being spoken, and a screenshot is written', async () => {
    await page.fill('#question', 'What will the weather be like?');
    await page.press('#question', 'Enter');
    await heardPast(1, 1500);
    await page.fill('#question', 'And how far is the Moon?');
    await page.press('#question', 'Enter');
    await page.waitForFunction(() => (window as unknown as { voiceAgent: Probe }).voiceAgent.interrupted.length === 2, undefined, { timeout: 10_000 });
    await heardPast(2, 1200);
    const p = await probe();
    expect(p.errors).toEqual([]);
    const second = p.interrupted[1] as InterruptedMessage;
    const stop = p.stops[1];
    expect(stop?.utteranceId).toBe(second.utteranceId);
    expect(second.basis).toBe('playback');
    expect(second.playedMs).toBeCloseTo(stop?.playedMs ?? -1, 6);
    expect((stop?.stopTime ?? 1) - (stop?.clickTime ?? 0)).toBeLessThanOrEqual(0.05);
    expect(second.spokenText.length).toBeGreaterThan(0);

    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: `${outDir}voice-agent.png` });
    await page.click('#stop');
    await page.waitForFunction(() => (window as unknown as { voiceAgent: Probe }).voiceAgent.interrupted.length === 3, undefined, { timeout: 10_000 });
  });
});
