/**
 * speak(), speakReplies() and interruptOn() over the real session engine, in virtual time: the
 * engine's `scheduler` option and the in-process provider (test/virtual.ts) share one
 * VirtualTimeScheduler, so every event is asserted at its exact virtual frame with a marble diagram.
 *
 * The provider: a request is answered `latency` 20 ms later with one audio chunk per 10 characters,
 * 10 ms apart, then `segment-done`; one request at a time. So "Hello there. " (13 characters) sent at
 * frame 0 gives audio at 20 and 30, and the next segment is sent at 30.
 *
 * Marbles (run mode): `s` segment, `a` audio, `e` segment-end, `E` utterance-end, `I` interrupted,
 * `|` complete, `#` error. A group `(aes)` is one frame, and the diagram's clock then moves on by the
 * group's width (5 frames for `(aes)`), hence e.g. `(aes) 15ms a` for an `a` 20 frames later.
 */
import { describe, expect, it } from 'vitest';
import { of, throwError, concat, Observable } from 'rxjs';
import { createSpeechSession, SpeechError } from '@utter/core';
import type { SpeechEvent } from '@utter/core';
import { interruptOn, speak, speakReplies } from '../src/index.js';
import { drain, fakeProvider, kinds, marbles, record, timedSource, VirtualClock } from './virtual.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const TEXT = 'Hello there. How are you?';
/** The one reply of TEXT, uninterrupted, when all of it is there at frame 0. */
const WHOLE_REPLY = 's 19ms a 9ms (aes) 15ms a 9ms (aeE|)';

function setup(options: { lateChunksAfterCancel?: number; silent?: boolean } = {}) {
  const clock = new VirtualClock();
  const provider = fakeProvider({ scheduler: clock.scheduler, ...options });
  return { clock, provider, opts: { scheduler: clock.scheduler, segmenter: SEG } };
}

const ids = (events: readonly SpeechEvent[]): string[] => [...new Set(events.map((e) => e.utteranceId))];

describe('speak() in virtual time', () => {
  it('is cold, speaks tokens as they arrive, in order, and completes with the reply', async () => {
    const { clock, provider, opts } = setup();
    const tokens = timedSource(clock, [
      // the first token ends with the next sentence's first letter: that makes the boundary certain
      [0, 'Hello there. H'],
      [5, 'ow are you?'],
    ], 10);
    const speech = tokens.observable.pipe(speak(provider, opts));
    await drain();
    expect(provider.log.connects).toEqual([]);
    expect(tokens.log).toEqual([]);

    const r = record(clock, speech);
    await clock.advance(200);
    expect(r.messages).toEqual(marbles(WHOLE_REPLY));
    expect(tokens.log).toEqual(['subscribed@0', 'finalized@10']);
    expect(provider.log).toMatchObject({ connects: [0], sends: ['Hello there. @0', 'How are you?@30'], finishes: [30], cancels: [], closes: [60] });
    const end = r.events.at(-1);
    expect(end?.type === 'utterance-end' && end.text).toBe(TEXT);
    expect(ids(r.events)).toHaveLength(1);
  });

  it('unsubscribing cancels at the provider and closes the session at that frame, finalizes the source, emits nothing more', async () => {
    const { clock, provider, opts } = setup({ lateChunksAfterCancel: 3 });
    const tokens = timedSource(clock, [
      [0, 'Hello there. H'],
      [5, 'ow are you? '],
    ]);
    const r = record(clock, tokens.observable.pipe(speak(provider, opts)));
    clock.scheduler.schedule(() => r.unsubscribe(), 25);
    await clock.advance(500);
    expect(r.messages).toEqual(marbles('s 19ms a'));
    expect(tokens.log).toEqual(['subscribed@0', 'finalized@25']);
    expect(provider.log).toMatchObject({ cancels: [25], closes: [25] });
  });

  it('on a shared session, late audio of the cancelled generation never reaches the subscriber; the connection stays warm', async () => {
    const { clock, provider, opts } = setup({ lateChunksAfterCancel: 3 });
    const session = createSpeechSession({ provider, ...opts });
    try {
      const r = record(clock, of(TEXT).pipe(speak(session)));
      clock.scheduler.schedule(() => r.unsubscribe(), 25);
      await clock.advance(200);
      expect(provider.log.cancels).toEqual([25]);
      expect(provider.log.lateChunks).toBe(1); // the provider went on sending the rest of the request at 30
      expect(r.messages).toEqual(marbles('s 19ms a'));
      expect(provider.log.closes).toEqual([]);

      const next = record(clock, of('Next.').pipe(speak(session)));
      await clock.advance(100);
      expect(next.messages).toEqual(marbles('200ms s 19ms (aeE|)')); // subscribed at 200
      expect(provider.log.connects).toEqual([0]);
    } finally {
      await session.close();
    }
  });

  it('a source error errors the output at that frame and cancels the generation', async () => {
    const { clock, provider, opts } = setup();
    const tokens = concat(
      of('Hello there. And'),
      new Observable<string>((subscriber) => {
        const t = clock.scheduler.schedule(() => subscriber.error(new Error('LLM failed')), 25);
        return () => t.unsubscribe();
      }),
    );
    const r = record(clock, tokens.pipe(speak(provider, opts)));
    await clock.advance(200);
    expect(kinds(r.messages)).toEqual(kinds(marbles('s 19ms a 4ms #')));
    expect(r.error).toBeInstanceOf(SpeechError);
    expect((r.error as SpeechError).message).toMatch(/LLM failed/);
    expect(provider.log).toMatchObject({ cancels: [25], closes: [25] });
  });

  it('first-audio timeout and backoff run on the scheduler: reconnect after the backoff, then a timeout error', async () => {
    const { clock, provider, opts } = setup({ silent: true });
    const r = record(
      clock,
      of('Hello there.').pipe(speak(provider, { ...opts, timeouts: { firstAudioMs: 500 }, retry: { maxRetries: 1, initialDelayMs: 100, jitter: false } })),
    );
    await clock.advance(2000);
    expect(kinds(r.messages)).toEqual(kinds(marbles('s 1099ms #')));
    expect((r.error as SpeechError).code).toBe('timeout');
    expect((r.error as SpeechError).unspokenText).toBe('Hello there.');
    // timed out at 500 (connection dropped), reconnected after the 100 ms backoff, timed out again at 1100
    expect(provider.log).toMatchObject({ connects: [0, 600], closes: [500, 1100] });
  });

  it('errors at once, with nothing sent, when the source fails before any text', async () => {
    const { clock, provider, opts } = setup();
    const r = record(clock, throwError(() => new Error('no LLM')).pipe(speak(provider, opts)));
    await clock.advance(100);
    expect(kinds(r.messages)).toEqual(kinds(marbles('#')));
    expect(provider.log.sends).toEqual([]);
  });
});

describe('interruptOn() after speak() in virtual time', () => {
  it('interrupts at the trigger frame: interrupted (text heard), complete, cancel on the provider, source and trigger finalized', async () => {
    const { clock, provider, opts } = setup({ lateChunksAfterCancel: 3 });
    const tokens = timedSource(clock, [
      [0, 'Hello there. H'],
      [5, 'ow are you? '],
    ]);
    const trigger = timedSource(clock, [[25, 'user speaks']]);
    const r = record(clock, tokens.observable.pipe(speak(provider, opts), interruptOn(trigger.observable)));
    await clock.advance(200);
    expect(r.messages).toEqual(marbles('s 19ms a 4ms (I|)'));
    const interrupted = r.events.at(-1);
    expect(interrupted?.type).toBe('interrupted');
    expect(interrupted?.type === 'interrupted' && TEXT.startsWith(interrupted.spokenText)).toBe(true);
    expect(tokens.log).toEqual(['subscribed@0', 'finalized@25']);
    expect(trigger.log).toEqual(['subscribed@0', 'finalized@25']);
    expect(provider.log).toMatchObject({ cancels: [25], closes: [25] });
  });

  it('a trigger before the reply has started interrupts it at once, before anything is sent', async () => {
    const { clock, provider, opts } = setup();
    const tokens = timedSource(clock, [[5, 'Hello there. ']]);
    const trigger = timedSource(clock, [[1, 'user speaks']]);
    const r = record(clock, tokens.observable.pipe(speak(provider, opts), interruptOn(trigger.observable)));
    await clock.advance(200);
    expect(r.messages).toEqual(marbles('1ms (I|)'));
    expect(r.events[0]?.type === 'interrupted' && r.events[0].spokenText).toBe('');
    expect(tokens.log).toEqual(['subscribed@0', 'finalized@1']);
    expect(provider.log.sends).toEqual([]);
  });

  it('on a shared session, interrupting a reply still waiting withdraws it and leaves the speaking one alone', async () => {
    const { clock, provider, opts } = setup();
    const session = createSpeechSession({ provider, ...opts });
    try {
      const a = record(clock, of(TEXT).pipe(speak(session)));
      const tokensB = timedSource(clock, [[0, 'Second reply.']], 5);
      const b = record(clock, tokensB.observable.pipe(speak(session), interruptOn(timedSource(clock, [[25, 'x']]).observable)));
      await clock.advance(200);
      expect(a.messages).toEqual(marbles(WHOLE_REPLY));
      expect(b.messages).toEqual(marbles('25ms |'));
      expect(tokensB.log).toEqual([]); // never started: its tokens were never read
      expect(provider.log.sends.map((s) => s.split('@')[0])).toEqual(['Hello there. ', 'How are you?']);
    } finally {
      await session.close();
    }
  });
});

describe('speakReplies() in virtual time', () => {
  it("'queue': a reply arriving while one speaks follows it, events never interleave, completes after the last reply", async () => {
    const { clock, provider, opts } = setup();
    const replies = timedSource<string>(clock, [
      [0, TEXT],
      [10, 'Second reply.'],
    ], 15);
    const r = record(clock, replies.observable.pipe(speakReplies(provider, opts)));
    await clock.advance(300);
    // reply 1 as above; its utterance-end at 60, then reply 2 (13 characters: audio at 80 and 90)
    expect(r.messages).toEqual(marbles('s 19ms a 9ms (aes) 15ms a 9ms (aeEs) 14ms a 9ms (aeE|)'));
    const [first, second] = ids(r.events);
    expect(r.events.map((e) => e.utteranceId)).toEqual([...Array<string>(9).fill(first ?? ''), ...Array<string>(5).fill(second ?? '')]);
    expect(replies.log).toEqual(['subscribed@0', 'finalized@15']);
    expect(provider.log).toMatchObject({ connects: [0], sends: ['Hello there. @0', 'How are you?@30', 'Second reply.@60'], closes: [90] });
  });

  it("'interrupt': a new reply interrupts the one speaking (interrupted first), a reply not started yet is dropped", async () => {
    const { clock, provider, opts } = setup();
    const slowTokens = timedSource(clock, [[35, 'Never heard.']]);
    const replies = timedSource<string | Observable<string>>(clock, [
      [0, TEXT],
      [25, slowTokens.observable],
      [30, 'Third reply.'],
    ], 45);
    const r = record(clock, replies.observable.pipe(speakReplies(provider, { ...opts, policy: 'interrupt' })));
    await clock.advance(300);
    // 25: reply 1 interrupted; reply 2 has no token yet at 30, so reply 3 drops it (nothing emitted)
    expect(r.messages).toEqual(marbles('s 19ms a 4ms I 4ms s 19ms a 9ms (aeE|)'));
    expect(ids(r.events)).toHaveLength(2);
    expect(slowTokens.log).toEqual(['subscribed@25', 'finalized@30']);
    expect(provider.log).toMatchObject({ cancels: [25], sends: ['Hello there. @0', 'Third reply.@30'] });
  });

  it("'interrupt': a reply that has started is interrupted too", async () => {
    const { clock, provider, opts } = setup();
    const replies = timedSource<string>(clock, [
      [0, TEXT],
      [25, 'Second reply.'],
      [40, 'Third reply.'],
    ], 45);
    const r = record(clock, replies.observable.pipe(speakReplies(provider, { ...opts, policy: 'interrupt' })));
    await clock.advance(300);
    expect(r.messages).toEqual(marbles('s 19ms a 4ms (Is) 11ms (Is) 16ms a 9ms (aeE|)'));
    expect(ids(r.events)).toHaveLength(3);
    expect(provider.log.cancels).toEqual([25, 40]);
  });

  it('unsubscribing cancels the reply speaking, closes the session and finalizes the outer and the reply sources', async () => {
    const { clock, provider, opts } = setup();
    const tokens = timedSource(clock, [[0, 'Hello there. And']]);
    const replies = timedSource(clock, [[0, tokens.observable]]);
    const r = record(clock, replies.observable.pipe(speakReplies(provider, opts)));
    clock.scheduler.schedule(() => r.unsubscribe(), 25);
    await clock.advance(300);
    expect(r.messages).toEqual(marbles('s 19ms a'));
    expect(replies.log).toEqual(['subscribed@0', 'finalized@25']);
    expect(tokens.log).toEqual(['subscribed@0', 'finalized@25']);
    expect(provider.log).toMatchObject({ cancels: [25], closes: [25] });
  });

  it('an error of the outer Observable errors the output at that frame and cancels the reply speaking', async () => {
    const { clock, provider, opts } = setup();
    const replies = concat(
      of(TEXT),
      new Observable<string>((subscriber) => {
        const t = clock.scheduler.schedule(() => subscriber.error(new Error('replies failed')), 25);
        return () => t.unsubscribe();
      }),
    );
    const r = record(clock, replies.pipe(speakReplies(provider, opts)));
    await clock.advance(300);
    expect(kinds(r.messages)).toEqual(kinds(marbles('s 19ms a 4ms #')));
    expect((r.error as Error).message).toBe('replies failed');
    expect(provider.log).toMatchObject({ cancels: [25], closes: [25] });
  });

  it('interruptOn() after it interrupts the reply speaking at the trigger; the next reply goes on', async () => {
    const { clock, provider, opts } = setup();
    const replies = timedSource<string>(clock, [
      [0, TEXT],
      [5, 'Second reply.'],
    ], 30);
    const r = record(clock, replies.observable.pipe(speakReplies(provider, opts), interruptOn(timedSource(clock, [[25, 'x']]).observable)));
    await clock.advance(300);
    expect(r.messages).toEqual(marbles('s 19ms a 4ms (Is) 16ms a 9ms (aeE|)'));
    expect(ids(r.events)).toHaveLength(2);
    expect(provider.log).toMatchObject({ cancels: [25], sends: ['Hello there. @0', 'Second reply.@25'], closes: [55] });
  });
});
