import { describe, expect, it } from 'vitest';
import { Observable, Subject } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { InterruptedEvent, SegmentEvent, SpeechEvent, UtteranceEndEvent } from '../events.js';
import { createSpeechSession, fallback, speak } from './index.js';
import type { UtteranceReport } from './types.js';
import { fakeProvider, synth } from '../testing/fake-provider.js';
import { audioBySegment, collect, drain, VirtualClock } from '../testing/virtual.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const TEXT = 'Hello there. This is a test. Goodbye now.';
const LONG = 'One two three four five. Six seven eight nine ten. Eleven twelve thirteen fourteen. Fifteen sixteen seventeen.';

function segs(events: readonly SpeechEvent[]): SegmentEvent[] {
  return events.filter((e): e is SegmentEvent => e.type === 'segment');
}

describe('createSpeechSession()', () => {
  it('reuses one warm connection across replies and queues replies', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, connectMs: 30 });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const reports: UtteranceReport[] = [];
    session.metrics$.subscribe((r) => reports.push(r));
    const warm = session.warmup();
    await clock.advance(30);
    await warm;
    expect(provider.log.connects).toBe(1);
    const a = collect(session.say('First reply. It has two sentences.'));
    const b = collect(session.say('Second reply.'));
    await clock.until(() => a.done() && b.done());
    expect(a.events.at(-1)?.type).toBe('utterance-end');
    expect(b.events.at(-1)?.type).toBe('utterance-end');
    // b started only after a ended
    const aEnd = a.events.at(-1) as UtteranceEndEvent;
    expect(provider.log.sends.filter((s) => s.utteranceId === aEnd.utteranceId)).toHaveLength(2);
    expect(provider.log.connects).toBe(1);
    expect((b.events.at(-1) as UtteranceEndEvent).metrics.timeToFirstAudioMs).toBe(50);
    expect(reports.map((r) => r.outcome)).toEqual(['completed', 'completed']);
    await session.close();
    expect(provider.log.closes).toBe(1);
  });

  it('never interleaves replies: a reply\'s last event comes before the next reply\'s first', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const order: string[] = [];
    const reports: string[] = [];
    session.metrics$.subscribe((r) => reports.push(`${r.outcome} before ${order.length} events`));
    const record = (name: string) => (e: SpeechEvent) => order.push(`${name}:${e.type}`);
    session.say('First reply. Two sentences.').subscribe(record('a'));
    session.say('Second reply.').subscribe(record('b'));
    const c = collect(session.say('Third one, interrupted.'));
    await clock.until(() => order.includes('b:utterance-end'));
    await clock.until(() => c.events.some((e) => e.type === 'audio'));
    order.push(...c.events.map((e) => `c:${e.type}`));
    session.interrupt();
    expect(c.events.at(-1)?.type).toBe('interrupted');
    const firstOf = (name: string) => order.findIndex((e) => e.startsWith(`${name}:`));
    expect(order.indexOf('a:utterance-end')).toBeLessThan(firstOf('b'));
    expect(order.indexOf('b:utterance-end')).toBeLessThan(firstOf('c'));
    // Metrics of a reply are reported after its last event and before the next reply starts.
    expect(reports.slice(0, 2)).toEqual([`completed before ${order.indexOf('a:utterance-end') + 1} events`, `completed before ${order.indexOf('b:utterance-end') + 1} events`]);
    await session.close();
  });

  it('sends keepalives on an idle connection and reconnects when the connection is too old', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { keepAliveIntervalMs: 1000, maxConnectionAgeMs: 10_000 } });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    await session.warmup();
    await clock.advance(3500);
    expect(provider.log.keepAlives).toBe(3);
    const a = collect(session.say('Hi.'));
    await clock.until(a.done);
    expect(provider.log.connects).toBe(1);
    await clock.advance(8000);
    const b = collect(session.say('Again.'));
    await clock.until(b.done);
    expect(provider.log.connects).toBe(2);
    await session.close();
  });

  it('reconnects lazily between replies when the connection closed while idle', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const a = collect(session.say('Hi.'));
    await clock.until(a.done);
    provider.connections[0]?.drop();
    const b = collect(session.say('Again.'));
    await clock.until(b.done);
    expect(b.error).toBeUndefined();
    expect((b.events.at(-1) as UtteranceEndEvent).metrics.retries).toBe(0);
    expect(provider.log.connects).toBe(2);
    await session.close();
  });
});

describe('cancellation', () => {
  it('unsubscribing cancels at the provider, drops late audio and emits nothing more', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, faults: [{ lateChunksAfterCancel: 5 }] });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const reports: UtteranceReport[] = [];
    session.metrics$.subscribe((r) => reports.push(r));
    const c = collect(session.say(TEXT));
    await clock.advance(100);
    const count = c.events.length;
    expect(count).toBeGreaterThan(1);
    c.unsubscribe();
    await clock.advance(2000);
    expect(c.events.length).toBe(count);
    expect(provider.log.cancels).toHaveLength(1);
    expect(reports[0]?.outcome).toBe('cancelled');
    expect(reports[0]?.metrics.wastedCharacters).toBeGreaterThan(0);
    // the connection stays warm for the next reply
    const d = collect(session.say('Next.'));
    await clock.until(d.done);
    expect(d.events.at(-1)?.type).toBe('utterance-end');
    expect(provider.log.connects).toBe(1);
    await session.close();
  });

  it('aborting completes without further events and closes the async iterator', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    let returned = false;
    const stalled: AsyncIterable<string> = {
      [Symbol.asyncIterator]() {
        let first = true;
        return {
          next: () => {
            if (first) {
              first = false;
              // the next word makes the sentence boundary certain
              return Promise.resolve({ value: 'Hello there. And', done: false });
            }
            return new Promise<IteratorResult<string>>(() => undefined); // the LLM stalls forever
          },
          return: () => {
            returned = true;
            return Promise.resolve({ value: undefined, done: true });
          },
        };
      },
    };
    const controller = new AbortController();
    const c = collect(speak(stalled, { provider, scheduler: clock.scheduler, segmenter: SEG, signal: controller.signal }));
    await clock.advance(200);
    expect(c.events.some((e) => e.type === 'audio')).toBe(true);
    const count = c.events.length;
    controller.abort();
    await clock.advance(1000);
    expect(c.completed).toBe(true);
    expect(c.events.length).toBe(count);
    expect(returned).toBe(true);
  });

  it('closes the socket to cancel on providers without a cancel message, and reconnects for the next reply', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { textInput: 'incremental', segmentAcks: false, cancel: 'close' } });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const a = collect(session.say(TEXT));
    await clock.advance(120);
    session.interrupt();
    expect(a.events.at(-1)?.type).toBe('interrupted');
    expect(provider.log.cancels).toHaveLength(0);
    expect(provider.connections[0]?.isClosed).toBe(true);
    const b = collect(session.say('Next one.'));
    await clock.until(b.done);
    expect(b.events.at(-1)?.type).toBe('utterance-end');
    expect(provider.log.connects).toBe(2);
    await session.close();
  });

  it('unsubscribing an Observable input unsubscribes from it', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    let unsubscribed = false;
    const input = new Observable<string>((s) => {
      s.next('Hello there. ');
      return () => {
        unsubscribed = true;
      };
    });
    const c = collect(speak(input, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.advance(100);
    c.unsubscribe();
    expect(unsubscribed).toBe(true);
  });
});

describe('interruption', () => {
  it('reports the text heard from playback, at a word boundary, and nothing after', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const a = collect(session.say(LONG));
    await clock.advance(300);
    const id = a.events[0]?.utteranceId as string;
    // "One two three four five. " is 25 chars = 1750 ms; 2000 ms in: into segment 1 ("Six " ends at 2030)
    session.reportPlayback(id, 2100);
    session.interrupt();
    const last = a.events.at(-1) as InterruptedEvent;
    expect(last.type).toBe('interrupted');
    expect(last.basis).toBe('playback');
    expect(last.playedMs).toBe(2100);
    expect(last.spokenText).toBe('One two three four five. Six');
    expect(last.spokenEnd).toBe(last.spokenText.length);
    expect(last.metrics.wastedCharacters).toBeGreaterThan(0);
    expect(a.completed).toBe(true);
    const count = a.events.length;
    await clock.advance(5000);
    expect(a.events.length).toBe(count);
    expect(provider.log.cancels).toHaveLength(1);
    // ready for the next reply
    const b = collect(session.say('Next.'));
    await clock.until(b.done);
    expect(b.events.at(-1)?.type).toBe('utterance-end');
    await session.close();
  });

  it('uses word timings of the delivered audio when no playback is reported', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { wordTimestamps: true } });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const a = collect(session.say(LONG));
    await clock.advance(75); // first chunk at 50 (140 samples = 140 ms), second at 60, third at 70: 420 ms of audio
    session.interrupt();
    const last = a.events.at(-1) as InterruptedEvent;
    expect(last.basis).toBe('words');
    expect(last.playedMs).toBe(420);
    // "One " ends at 210 ms, "two" ends at 490 ms
    expect(last.spokenText).toBe('One');
    await session.close();
  });

  it('estimates from the delivered audio without word timings, and interrupt() is a no-op when idle', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    session.interrupt();
    const a = collect(session.say(LONG));
    await clock.advance(75);
    session.interrupt();
    const last = a.events.at(-1) as InterruptedEvent;
    expect(last.basis).toBe('estimate');
    expect(LONG.startsWith(last.spokenText)).toBe(true);
    expect(last.spokenText.length).toBeLessThan(LONG.length);
    expect(last.spokenText === '' || /\w$/.test(last.spokenText)).toBe(true);
    await session.close();
  });
});

describe('pacing', () => {
  it('keeps at most maxBufferedAudioMs of unplayed audio ahead (real time since first audio)', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { maxConcurrentRequests: 4 } });
    const sendTimes: number[] = [];
    const connect = provider.connect.bind(provider);
    const paced = {
      ...provider,
      connect: async (o: { signal: AbortSignal }) => {
        const conn = await connect(o);
        const send = conn.send.bind(conn);
        conn.send = (r) => {
          sendTimes.push(clock.now());
          send(r);
        };
        return conn;
      },
    };
    const c = collect(speak(LONG, { provider: paced, scheduler: clock.scheduler, segmenter: SEG, maxBufferedAudioMs: 2000 }));
    await clock.until(c.done);
    expect(c.events.at(-1)?.type).toBe('utterance-end');
    // Without pacing all 4 would go at t=0; with a 2 s budget the later ones wait for playback time.
    expect(sendTimes[0]).toBe(0);
    expect(sendTimes.length).toBe(4);
    expect(sendTimes[3] as number).toBeGreaterThan(1000);
  });

  it('follows reported playback when the player reports it', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { maxConcurrentRequests: 4 } });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG, maxBufferedAudioMs: 1000 });
    const a = collect(session.say(LONG));
    const id = a.events[0]?.utteranceId as string;
    session.reportPlayback(id, 0);
    await clock.advance(5000);
    const sentBefore = provider.log.sends.length;
    expect(sentBefore).toBeLessThan(4);
    expect(a.done()).toBe(false);
    session.reportPlayback(id, 60_000);
    await clock.until(a.done);
    expect(a.events.at(-1)?.type).toBe('utterance-end');
    await session.close();
  });
});

describe('limits', () => {
  it('queues or fails at the per-key concurrent connection limit while the holder is busy', async () => {
    const clock = new VirtualClock();
    const mk = () => fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-conn', capabilities: { limits: { concurrentConnections: 1 } } });
    const p2 = mk();
    const s1 = createSpeechSession({ provider: mk(), scheduler: clock.scheduler, segmenter: SEG });
    const open = new Subject<string>();
    const busy = collect(s1.say(open));
    open.next('Still talking. And');
    await clock.advance(1000);
    const failing = collect(speak('Hi.', { provider: p2, scheduler: clock.scheduler, segmenter: SEG, onLimit: 'fail' }));
    await clock.until(failing.done);
    expect(SpeechError.is(failing.error, 'rate-limit')).toBe(true);
    const queued = collect(speak('Hi.', { provider: p2, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.advance(1000);
    expect(queued.done()).toBe(false);
    // The holder's reply ends: its session is idle, so its connection gives the slot back (no close() needed).
    open.complete();
    await clock.until(() => busy.done() && queued.done());
    expect(queued.events.at(-1)?.type).toBe('utterance-end');
    await s1.close();
  });

  it('an idle session gives its connection slot back to a waiting one, and reconnects for its next reply', async () => {
    const clock = new VirtualClock();
    const mk = () => fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-idle', capabilities: { limits: { concurrentConnections: 1 } } });
    const p1 = mk();
    const idle = createSpeechSession({ provider: p1, scheduler: clock.scheduler, segmenter: SEG });
    await idle.warmup();
    expect(p1.log.connects).toBe(1);
    const other = collect(speak('Hello there.', { provider: mk(), scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(other.done);
    expect(other.events.at(-1)?.type).toBe('utterance-end');
    expect(p1.log.closes).toBe(1);
    const again = collect(idle.say('Back again.'));
    await clock.until(again.done);
    expect(again.events.at(-1)?.type).toBe('utterance-end');
    expect(p1.log.connects).toBe(2);
    await idle.close();
  });

  it('bounds the wait for a connection slot: a rate-limit error with the unspoken text, never a wedge', async () => {
    const clock = new VirtualClock();
    const mk = () => fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-wait', capabilities: { limits: { concurrentConnections: 1 } } });
    const holder = createSpeechSession({ provider: mk(), scheduler: clock.scheduler, segmenter: SEG });
    const open = new Subject<string>();
    collect(holder.say(open));
    open.next('Still talking. And');
    await clock.advance(1000);
    const waiting = collect(speak('Hello there.', { provider: mk(), scheduler: clock.scheduler, segmenter: SEG, timeouts: { slotWaitMs: 5_000 } }));
    await clock.advance(4_999);
    expect(waiting.done()).toBe(false);
    await clock.advance(1);
    expect(SpeechError.is(waiting.error, 'rate-limit')).toBe(true);
    expect((waiting.error as SpeechError).unspokenText).toBe('Hello there.');
    await holder.close();
  });

  it('spaces requests by the per-key requests-per-minute limit', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, limiterKey: 'k-rpm', capabilities: { limits: { requestsPerMinute: 2 } } });
    const c = collect(speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done, 600_000, 1000);
    expect(c.events.at(-1)?.type).toBe('utterance-end');
    const end = c.events.at(-1) as UtteranceEndEvent;
    expect(end.metrics.segments[2]?.timeToFirstByteMs).toBe(50);
    expect(end.metrics.totalMs).toBeGreaterThanOrEqual(60_000);
  });
});

describe('fallback()', () => {
  it('continues the reply on the next provider from the first unspoken segment, resampled', async () => {
    const clock = new VirtualClock();
    const primary = fakeProvider({ scheduler: clock.scheduler, name: 'primary', faults: [{ dropAfterChunks: 4 }, { connectError: new SpeechError('connection', 'down') }] });
    const secondary = fakeProvider({ scheduler: clock.scheduler, name: 'secondary', capabilities: { sampleRate: 2000, sampleRates: [2000] }, samplesPerChar: 140 });
    const c = collect(speak(TEXT, { provider: fallback([primary, secondary]), scheduler: clock.scheduler, segmenter: SEG, retry: { maxRetries: 1, jitter: false } }));
    await clock.until(c.done);
    expect(c.error).toBeUndefined();
    const end = c.events.at(-1) as UtteranceEndEvent;
    expect(end.metrics.provider).toBe('secondary');
    expect(c.events.every((e) => e.type !== 'audio' || e.sampleRate === 1000)).toBe(true);
    const s = segs(c.events);
    expect(s.map((x) => x.text).join('')).toBe(TEXT);
    // segment 0 was partly heard from the primary: the secondary resumes at the next word
    const resumed = secondary.log.sends[0];
    expect(resumed?.segmentId).toBe(0);
    expect(s[0]?.speakable.endsWith(resumed?.text ?? '')).toBe(true);
    expect((resumed?.text ?? '').length).toBeLessThan(s[0]?.speakable.length ?? 0);
    // later segments entirely from the secondary, at the primary's rate
    const by = audioBySegment(c.events);
    expect(by.get(2)?.length).toBe(synth(s[2]?.speakable ?? '').length);
  });

  it('fails when every provider failed', async () => {
    const clock = new VirtualClock();
    const a = fakeProvider({ scheduler: clock.scheduler, name: 'a', faults: [{ connectError: new SpeechError('auth', 'no') }] });
    const b = fakeProvider({ scheduler: clock.scheduler, name: 'b', faults: [{ connectError: new SpeechError('auth', 'no') }] });
    const c = collect(speak(TEXT, { provider: fallback([a, b]), scheduler: clock.scheduler, segmenter: SEG }));
    await clock.until(c.done);
    expect(SpeechError.is(c.error, 'auth')).toBe(true);
    expect((c.error as SpeechError).provider).toBe('b');
  });
});

describe('more session behaviour', () => {
  it('maps spokenText back to the original markdown text', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler, capabilities: { wordTimestamps: true } });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const text = 'This is **very bold** text. And more text follows here.';
    const a = collect(session.say(text));
    const id = a.events[0]?.utteranceId as string;
    const speakable = segs(a.events)[0]?.speakable ?? '';
    expect(speakable.startsWith('This is very bold')).toBe(true);
    await clock.advance(150);
    // "This is very bold" = 17 chars = 1190 ms of audio; report just past the end of "bold"
    session.reportPlayback(id, 1200);
    session.interrupt();
    const last = a.events.at(-1) as InterruptedEvent;
    expect(last.spokenText).toBe('This is **very bold**'); // closing markup of a heard word is included
    expect(last.spokenEnd).toBe(21);
    await session.close();
  });

  it('close() fails the active and queued replies with cancelled and closes the connection', async () => {
    const clock = new VirtualClock();
    const provider = fakeProvider({ scheduler: clock.scheduler });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG });
    const reports: UtteranceReport[] = [];
    session.metrics$.subscribe((r) => reports.push(r));
    const a = collect(session.say(TEXT));
    const b = collect(session.say(TEXT));
    await clock.advance(100);
    await session.close();
    expect(SpeechError.is(a.error, 'cancelled')).toBe(true);
    expect(SpeechError.is(b.error, 'cancelled')).toBe(true);
    expect(provider.connections[0]?.isClosed).toBe(true);
    expect(reports.map((r) => r.outcome)).toEqual(['cancelled']);
    const c = collect(session.say(TEXT));
    expect(SpeechError.is(c.error, 'cancelled')).toBe(true);
  });

  it('reports every outcome on metrics$ with retries and real-time factor', async () => {
    const clock = new VirtualClock();
    // The drop comes after "Hello" was heard: only "there." is sent again.
    const provider = fakeProvider({ scheduler: clock.scheduler, faults: [{ dropAfterChunks: 4 }] });
    const session = createSpeechSession({ provider, scheduler: clock.scheduler, segmenter: SEG, retry: { jitter: false, initialDelayMs: 100 } });
    const reports: UtteranceReport[] = [];
    session.metrics$.subscribe((r) => reports.push(r));
    const a = collect(session.say('Hello there.'));
    await clock.until(a.done);
    const b = collect(session.say(LONG));
    await clock.advance(100);
    session.interrupt();
    await clock.advance(10);
    expect(reports.map((r) => r.outcome)).toEqual(['completed', 'interrupted']);
    const first = reports[0]?.metrics;
    expect(first?.retries).toBe(1);
    // The retry resends only the words not yet heard, not the whole segment.
    expect(first?.charactersSent).toBe('Hello there.'.length + 'there.'.length);
    expect(first?.audioDurationMs).toBeGreaterThanOrEqual('Hello there.'.length * 70);
    expect(first?.realTimeFactor).toBeGreaterThan(0);
    expect(first?.realTimeFactor).toBeLessThan(1);
    expect(b.completed).toBe(true);
    await session.close();
  });
});
