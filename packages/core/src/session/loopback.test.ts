/**
 * Fault injection against a real WebSocket server on 127.0.0.1 (real sockets, real timers with short
 * deadlines). Every case ends in the complete reply or a typed error — never a hang, never text lost
 * or doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { SpeechError } from '../errors.js';
import type { SegmentEvent, SpeechEvent } from '../events.js';
import type { ProviderCapabilities } from '../provider.js';
import { createSpeechSession, speak } from './index.js';
import { loopbackProvider, startLoopbackServer, type LoopbackServer, type ServerFault } from '../testing/loopback.js';
import { judgeHeard } from '../testing/heard.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const TEXT = 'Hello there. This is a test of the loopback server. Goodbye now.';
const FAST = { timeouts: { handshakeMs: 300, firstAudioMs: 500 }, retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 50 } } as const;

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer();
});
afterAll(async () => {
  await server.close();
});

async function run(faults: (ServerFault | undefined)[], caps: Partial<ProviderCapabilities> = {}): Promise<{ events: SpeechEvent[]; error: unknown }> {
  server.faults = faults;
  server.log.connections = 0;
  server.log.texts.length = 0;
  try {
    const events = await lastValueFrom(speak(TEXT, { provider: loopbackProvider(server.url, caps), segmenter: SEG, ...FAST }).pipe(toArray()));
    return { events, error: undefined };
  } catch (error) {
    return { events: [], error };
  }
}

/** The whole reply was heard: no splice, no gap, at most the cut word twice at a resume. */
function expectComplete(events: readonly SpeechEvent[], acks: boolean): void {
  const segs = events.filter((e): e is SegmentEvent => e.type === 'segment');
  expect(segs.map((s) => s.text).join('')).toBe(TEXT);
  const sends = server.log.texts.map((t) => ({ utteranceId: t.id, segmentId: t.seg, text: t.text }));
  expect(judgeHeard(events, sends, 70, acks, true).problems).toEqual([]);
  expect(events.at(-1)?.type).toBe('utterance-end');
}

describe.each([
  ['request + acks', {}],
  ['incremental, no acks', { textInput: 'incremental', segmentAcks: false } as Partial<ProviderCapabilities>],
])('loopback server (%s)', (_name, caps) => {
  const acks = caps.segmentAcks !== false;

  it('speaks a reply over a real socket', async () => {
    const r = await run([], caps);
    expect(r.error).toBeUndefined();
    expectComplete(r.events, acks);
  });

  it('recovers from a connection dropped mid-reply', async () => {
    for (const at of [2, 9]) {
      const r = await run([{ dropAfterFrames: at }], caps);
      expect(r.error).toBeUndefined();
      expectComplete(r.events, acks);
      expect(server.log.connections).toBe(2);
    }
  });

  it('recovers from a slow and from a missing handshake', async () => {
    const r = await run([{ readyDelayMs: 1000 }, { noReady: true }], caps);
    expect(r.error).toBeUndefined();
    expectComplete(r.events, acks);
    expect(server.log.connections).toBe(3);
  });

  it('recovers from malformed frames and error frames', async () => {
    const r = await run([{ malformedAfterFrames: 3 }, { errorAfterFrames: 2 }], caps);
    expect(r.error).toBeUndefined();
    expectComplete(r.events, acks);
  });

  it('fails a never-ending generation with a typed error and the unspoken text', async () => {
    const r = await run([{ endless: true }, { endless: true }, { endless: true }, { endless: true }], caps);
    expect(SpeechError.is(r.error, 'protocol')).toBe(true);
    expect(TEXT.endsWith((r.error as SpeechError).unspokenText ?? '')).toBe(true);
    expect((r.error as SpeechError).unspokenText?.length).toBeGreaterThan(0);
  });

  it('fails with a typed error when every attempt drops', async () => {
    const r = await run([{ dropAfterFrames: 1 }, { dropAfterFrames: 1 }, { dropAfterFrames: 1 }, { dropAfterFrames: 1 }], caps);
    expect(SpeechError.is(r.error, 'connection')).toBe(true);
    expect((r.error as SpeechError).unspokenText).toBe(TEXT);
  });
});

describe('loopback cancellation', () => {
  it('drops audio the server sends after cancel and emits nothing after interrupted', async () => {
    server.faults = [{ ignoreCancel: true }];
    server.log.connections = 0;
    server.log.audioAfterCancel = 0;
    const session = createSpeechSession({ provider: loopbackProvider(server.url, { maxConcurrentRequests: 1 }), segmenter: SEG, ...FAST });
    const events: SpeechEvent[] = [];
    let afterInterrupt = 0;
    let interrupted = false;
    await new Promise<void>((resolve, reject) => {
      session.say(TEXT).subscribe({
        next: (e) => {
          if (interrupted) afterInterrupt++;
          events.push(e);
          if (e.type === 'audio' && !interrupted && events.filter((x) => x.type === 'audio').length === 3) {
            interrupted = true;
            session.interrupt();
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    expect(events.at(-1)?.type).toBe('interrupted');
    expect(afterInterrupt).toBe(1); // the interrupted event itself
    // the next reply on the same connection hears only its own audio
    const next = await lastValueFrom(session.say('Second reply.').pipe(toArray()));
    expect(next.at(-1)?.type).toBe('utterance-end');
    const sends = server.log.texts.filter((t) => next.some((e) => e.utteranceId === t.id)).map((t) => ({ utteranceId: t.id, segmentId: t.seg, text: t.text }));
    expect(judgeHeard(next, sends, 70, true, true).problems).toEqual([]);
    expect(server.log.cancels.length).toBeGreaterThan(0);
    await session.close();
  });
});
