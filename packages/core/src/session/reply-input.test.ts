import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import type { Segment } from '../segmenter/index.js';
import type { SpeechError } from '../errors.js';
import { ReplyInput, SLICE_CHARS, fitToLimit, type ReplyInputOptions } from './reply-input.js';
import { VirtualClock } from '../testing/virtual.js';

function open(clock: VirtualClock, extra: Partial<ReplyInputOptions> = {}) {
  const got: Segment[] = [];
  const state = { ended: false, error: undefined as SpeechError | undefined };
  const input = new ReplyInput(
    { segmenter: undefined, maxChars: undefined, maxInputChars: 1_000_000, firstSegmentMs: 250, idleMs: 400, scheduler: clock.scheduler, ...extra },
    { segments: (list) => got.push(...list), end: () => (state.ended = true), error: (e) => (state.error = e) },
  );
  return { input, got, state };
}

describe('reply input', () => {
  it('releases a long unpunctuated opening at the first-segment deadline, at a word boundary', async () => {
    const clock = new VirtualClock();
    const { input, got } = open(clock);
    const tokens = new Subject<string>();
    input.start(tokens);
    const words = 'so here is a long opening that goes on without any punctuation at all for quite a while'.split(' ');
    for (let i = 0; i < 14; i++) {
      tokens.next(`${words[i]} `);
      await clock.advance(16); // about 60 tokens per second
    }
    // 14 tokens in 224 ms: nothing certain yet, the deadline has not passed
    expect(got).toHaveLength(0);
    await clock.advance(30);
    expect(got).toHaveLength(1);
    expect(got[0]?.reason).toBe('deadline');
    expect(got[0]?.text.endsWith(' ')).toBe(true);
    // later text is not cut by the first-segment deadline
    for (let i = 14; i < words.length; i++) {
      tokens.next(`${words[i]} `);
      await clock.advance(16);
    }
    expect(got).toHaveLength(1);
    tokens.complete();
    expect(got.map((s) => s.text).join('')).toBe(words.map((w) => `${w} `).join(''));
  });

  it('releases held text when the input pauses, and never cuts a word', async () => {
    const clock = new VirtualClock();
    const { input, got } = open(clock, { firstSegmentMs: false, segmenter: { granularity: 'sentence' } });
    const tokens = new Subject<string>();
    input.start(tokens);
    tokens.next('Let me check that for you, and then ');
    await clock.advance(399);
    expect(got).toHaveLength(0);
    await clock.advance(1);
    // everything held is released, cut at its best clause and word boundaries
    expect(got.map((s) => s.text).join('')).toBe('Let me check that for you, and then ');
    expect(got[0]?.text).toBe('Let me check that for you, ');
    const count = got.length;
    tokens.next('unfinishedwor');
    await clock.advance(1000);
    expect(got).toHaveLength(count);
  });

  it('speaks a finished sentence when the LLM pauses after it', async () => {
    const clock = new VirtualClock();
    const { input, got } = open(clock, { firstSegmentMs: false });
    const tokens = new Subject<string>();
    input.start(tokens);
    tokens.next('Let me check that for you. ');
    await clock.advance(399);
    expect(got).toHaveLength(0); // the boundary waits for the next character ('. . .' or a lower-case word)
    await clock.advance(1);
    expect(got.map((s) => s.text)).toEqual(['Let me check that for you. ']);
  });

  it('hands out a huge delta a slice per scheduler turn', async () => {
    const clock = new VirtualClock();
    const { input, got, state } = open(clock);
    const text = 'Short sentence here. '.repeat(Math.ceil((SLICE_CHARS * 4) / 21));
    input.start(text);
    const first = got.reduce((n, s) => n + s.text.length, 0);
    expect(first).toBeLessThanOrEqual(SLICE_CHARS);
    await clock.advance(1);
    expect(state.ended).toBe(true);
    expect(got.map((s) => s.text).join('')).toBe(text);
  });

  it('fits a segment the segmenter keeps whole to the text limit, keeping offsets', () => {
    const clock = new VirtualClock();
    const { input, got } = open(clock, { maxChars: 20, segmenter: { code: 'read' } });
    const text = '```\nconst value = computeSomething(alpha, beta, gamma);\n```\n';
    input.start(text);
    expect(got.map((s) => s.text).join('')).toBe(text);
    for (const s of got) expect(s.speakable.length).toBeLessThanOrEqual(20);
    const whole = got.find((s) => s.reason === 'max-length');
    expect(whole).toBeDefined();
    expect(fitToLimit(got[0] as Segment, 1000, text)).toEqual([got[0]]);
  });
});
