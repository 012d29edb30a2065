import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import type { AudioEvent, SegmentEvent, UtteranceEndEvent } from '../events.js';
import type { SpeechConnection, SpeechProvider } from '../provider.js';
import { fakeProvider, synth } from '../testing/fake-provider.js';
import { collect, VirtualClock } from '../testing/virtual.js';
import { speak } from './index.js';

const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const SENTENCES = [
  'The first sentence is the longest one of them all by far.',
  'A second one comes next.',
  'Then a third.',
  'And a fourth, a little longer than the third.',
  'Fifth.',
  'The sixth and last sentence ends the reply.',
];
const TEXT = SENTENCES.join(' ');

/**
 * A provider taking four requests at once, whose later requests answer sooner than earlier ones (as
 * a busy service does), wrapped to count the audio it delivers: what it delivered minus what the
 * session emitted is exactly the audio the session holds out of order.
 */
function racingProvider(clock: VirtualClock): { provider: SpeechProvider; delivered: () => number } {
  let delivered = 0;
  const inner = fakeProvider({
    scheduler: clock.scheduler,
    capabilities: { maxConcurrentRequests: 4 },
    samplesPerChar: 60,
    chunkSamples: 100,
    chunkIntervalMs: 20,
    latencyFor: (r) => (r.segmentId === 0 ? 400 : 20),
  });
  const provider: SpeechProvider = {
    name: inner.name,
    capabilities: inner.capabilities,
    async connect(options) {
      const c = await inner.connect(options);
      const wrapped: SpeechConnection = {
        events: c.events.pipe(
          map((e) => {
            if (e.type === 'audio') delivered += e.pcm.length;
            return e;
          }),
        ),
        send: (r) => c.send(r),
        finish: (id) => c.finish(id),
        cancel: (id) => c.cancel(id),
        close: () => c.close(),
      };
      return wrapped;
    },
  };
  return { provider, delivered: () => delivered };
}

async function run(maxHeldAudioBytes: number | undefined): Promise<{ maxHeldBytes: number; end: UtteranceEndEvent; audio: Int16Array; texts: string[] }> {
  const clock = new VirtualClock();
  const { provider, delivered } = racingProvider(clock);
  let emitted = 0;
  let maxHeldBytes = 0;
  const c = collect(
    speak(TEXT, { provider, scheduler: clock.scheduler, segmenter: SEG, ...(maxHeldAudioBytes === undefined ? {} : { maxHeldAudioBytes }) }).pipe(
      map((e) => {
        if (e.type === 'audio') emitted += e.pcm.length;
        maxHeldBytes = Math.max(maxHeldBytes, (delivered() - emitted) * 2);
        return e;
      }),
    ),
  );
  while (!c.done()) {
    await clock.advance(5);
    maxHeldBytes = Math.max(maxHeldBytes, (delivered() - emitted) * 2);
  }
  const parts = c.events.filter((e): e is AudioEvent => e.type === 'audio').map((e) => e.pcm);
  const audio = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    audio.set(p, at);
    at += p.length;
  }
  const texts = c.events.filter((e): e is SegmentEvent => e.type === 'segment').map((e) => e.speakable);
  return { maxHeldBytes, end: c.events.at(-1) as UtteranceEndEvent, audio, texts };
}

describe('audio held out of order is bounded (backpressure on requests ahead)', () => {
  it('stops requesting ahead while the audio that could pile up passes maxHeldAudioBytes, and speaks everything in order', async () => {
    const unbounded = await run(100_000_000);
    const bounded = await run(4_000);
    const none = await run(0);
    // Without the bound, the later requests' audio piles up while the slow first one plays.
    expect(unbounded.maxHeldBytes).toBeGreaterThan(12_000);
    // With it: about the budget (estimates are estimates), not the rest of the reply.
    expect(bounded.maxHeldBytes).toBeLessThanOrEqual(6_000);
    expect(none.maxHeldBytes).toBe(0);
    // Every run spoke each segment's text once, in order: the same samples the provider made for it.
    for (const r of [unbounded, bounded, none]) {
      expect(r.end.type).toBe('utterance-end');
      expect(r.texts.join('').replace(/\s+/g, ' ').trim()).toBe(TEXT);
      expect(Array.from(r.audio)).toEqual(r.texts.flatMap((t) => Array.from(synth(t, 60))));
    }
  });

  it('still requests ahead within the budget (the next request starts before the head ends)', async () => {
    const bounded = await run(4_000);
    const none = await run(0);
    expect(bounded.end.metrics.totalMs).toBeLessThan(none.end.metrics.totalMs);
  });
});
