/**
 * The recovery policy and the spoken-text accounting are pure functions of the segments' state:
 * tested here without sockets, providers or time.
 */
import { describe, expect, it } from 'vitest';
import { SpeechError } from '../errors.js';
import { segmentText } from '../segmenter/index.js';
import { applyResume, decideRecovery, planResume } from './recovery.js';
import { createSegmentState, type SegmentState } from './segment-state.js';
import { heardInSegment, spokenAt, wastedChars, type SpokenContext } from './spoken.js';

const RATE = 1000;
const CTX: SpokenContext = { rate: RATE, charsPerSecond: 10, wordTimestamps: false };

/** Segments of `text` (one per sentence), as the engine holds them. */
function states(text: string): SegmentState[] {
  return segmentText(text, { granularity: 'sentence' }).map((s, i) => createSegmentState(s, i));
}

/** Marks `seg` as sent whole, announced at `startSample`, with `samples` emitted (100 samples per char at CTX). */
function spoke(seg: SegmentState, startSample: number, samples: number, done = false): void {
  seg.sent = true;
  seg.announced = true;
  seg.startSample = startSample;
  seg.emitted = samples;
  seg.done = done;
  seg.pieces.push({ textFrom: 0, textTo: seg.segment.speakable.length, sampleFrom: 0, samples });
}

describe('decideRecovery()', () => {
  const state = { retries: 0, maxRetries: 2, providerIndex: 0, providerCount: 2 };
  const backoff = (attempt: number): number => attempt * 100;

  it('retries survivable faults with backoff, then falls back, then fails', () => {
    const drop = new SpeechError('connection', 'lost');
    expect(decideRecovery(drop, true, state, backoff)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(decideRecovery(drop, true, { ...state, retries: 1 }, backoff)).toEqual({ kind: 'retry', delayMs: 200 });
    expect(decideRecovery(drop, true, { ...state, retries: 2 }, backoff)).toEqual({ kind: 'fallback' });
    expect(decideRecovery(drop, true, { ...state, retries: 2, providerIndex: 1 }, backoff)).toEqual({ kind: 'fail' });
  });

  it('retries a protocol error only when it broke the connection; never retries cancel or bad input', () => {
    const protocol = new SpeechError('protocol', 'bad frame', { retryable: false });
    expect(decideRecovery(protocol, true, state, backoff).kind).toBe('retry');
    expect(decideRecovery(protocol, false, state, backoff).kind).toBe('fallback');
    expect(decideRecovery(new SpeechError('auth', 'no'), false, state, backoff).kind).toBe('fallback');
    expect(decideRecovery(new SpeechError('cancelled', 'stop'), false, state, backoff).kind).toBe('fail');
    expect(decideRecovery(new SpeechError('invalid-input', 'bad'), false, state, backoff).kind).toBe('fail');
  });
});

describe('planResume() / applyResume()', () => {
  it('resumes the head at the first word not fully heard and resends later segments not complete', () => {
    const segs = states('Hello there friend. Second one. Third one.');
    const [head, second, third] = segs as [SegmentState, SegmentState, SegmentState];
    spoke(head, 0, 800); // 8 of 20 characters at 10 chars/s: "Hello th" heard
    second.sent = true; // sent, nothing arrived
    third.sent = true;
    third.done = true; // its audio arrived whole (acks): kept
    const plan = planResume(segs, 0, (s) => heardInSegment(s, 800, CTX, true).speakableEnd);
    expect(plan.head).toEqual({ index: 0, resumeAt: 6, heardEnd: 5 });
    expect(plan.resend).toEqual([0, 1]);
    applyResume(segs, plan);
    expect(head.segment.speakable.slice(head.sendOffset)).toBe('there friend. ');
    expect(head.sent).toBe(false);
    expect(second.sent).toBe(false);
    expect(third.done).toBe(true);
    expect(head.pieces[0]?.textTo).toBe(5);
  });

  it('marks the head done when everything of it was heard, and resends a head nothing was heard of whole', () => {
    const whole = states('Short one. Next.');
    spoke(whole[0] as SegmentState, 0, 1100);
    const plan = planResume(whole, 0, (s) => s.segment.speakable.length);
    applyResume(whole, plan);
    expect((whole[0] as SegmentState).done).toBe(true);

    const none = states('Nothing heard here. Next.');
    (none[0] as SegmentState).sent = true;
    const fresh = planResume(none, 0, () => 0);
    expect(fresh.head).toBeUndefined();
    expect(fresh.resend).toEqual([0, 1]);
  });
});

describe('spoken-text accounting', () => {
  it('counts whole words heard, by estimate or by word timings', () => {
    const [seg] = states('One two three four.') as [SegmentState];
    spoke(seg, 0, 1900);
    // 1,000 ms at 10 chars/s: 10 characters, "One two th" -> "One two"
    expect(heardInSegment(seg, 1000, CTX)).toEqual({ speakableEnd: 7, byWords: false });
    // cautious (for resuming): a margin past the estimate before a word counts
    expect(heardInSegment(seg, 1000, CTX, true).speakableEnd).toBeLessThanOrEqual(7);
    seg.words.push({ end: 3, endMs: 300 }, { end: 7, endMs: 700 }, { end: 13, endMs: 1300 });
    expect(heardInSegment(seg, 1000, { ...CTX, wordTimestamps: true })).toEqual({ speakableEnd: 7, byWords: true });
  });

  it('maps what was heard back to the original text and counts what was wasted', () => {
    const segs = states('First part here. Second **bold** part.');
    const [a, b] = segs as [SegmentState, SegmentState];
    spoke(a, 0, 1700, true);
    a.ended = true;
    a.charsSent = a.segment.speakable.length;
    spoke(b, 1700, 1700); // its 17 speakable characters at 10 chars/s
    b.charsSent = b.segment.speakable.length;
    const original = 'First part here. Second **bold** part.';
    // 1,700 ms for the first segment, then 1,200 ms: "Second bold " of "Second bold part."
    const heard = spokenAt(segs, original, 2900, CTX);
    expect(original.slice(0, heard.end)).toBe('First part here. Second **bold**');
    expect(wastedChars(segs, heard)).toBe(b.segment.speakable.length - 11);
  });
});
