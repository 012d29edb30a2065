/**
 * The Uplift AI adapter under the real session engine (`speak` from @utter/core), against the test server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTimeScheduler } from 'rxjs';
import { SpeechError, speak, type SpeechEvent } from '@utter/core';
import { generatePcm, createUpliftServer, type UpliftTestServer, advanceVirtualTime, eventually, runSpeech } from '@utter/testing';
import { upliftai } from '../src/index.js';

const servers: UpliftTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;

describe('upliftai with speak()', () => {
  it('speaks the whole text in order although the requests interleave on the wire', async () => {
    const s = await createUpliftServer({ msPerChar: 20 });
    servers.push(s);
    const text = 'پہلا جملہ یہ ہے۔ دوسرا جملہ قدرے لمبا ہے۔ تیسرا۔';
    const r = runSpeech(speak(text, { provider: upliftai({ apiKey: s.apiKey, baseUrl: s.baseUrl }), segmenter: SEG }));
    await eventually(() => r.state.done);
    expect(r.state.error).toBeUndefined();
    const segments = r.events.filter((e) => e.type === 'segment');
    expect(segments.length).toBeGreaterThan(1);
    expect(segments.map((e) => e.text).join('')).toBe(text);
    // Audio is in segment order, and each segment's audio is exactly its synthesis.
    const audio = r.events.filter((e) => e.type === 'audio');
    const ids = audio.map((e) => e.segmentId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const seg of segments) {
      const got = Buffer.concat(audio.filter((e) => e.segmentId === seg.segmentId).map((e) => Buffer.from(e.pcm.buffer, e.pcm.byteOffset, e.pcm.byteLength)));
      const want = generatePcm(seg.speakable, { sampleRate: 22_050, msPerChar: 20, generation: s.generations.find((g) => g.text === seg.speakable)?.id ?? 0 });
      expect(got.equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
    }
    // The wire did interleave.
    const wire = s.generations.map((g) => g.key);
    expect(new Set(wire).size).toBe(segments.length);
    expect(r.events.at(-1)?.type).toBe('utterance-end');
    expect(s.violations).toEqual([]);
  });

  it('an unknown voice (no audio, no error) ends in the first-audio watchdog, in virtual time', async () => {
    const s = await createUpliftServer();
    servers.push(s);
    const scheduler = new VirtualTimeScheduler();
    const r = runSpeech(
      speak('ہیلو۔', {
        provider: upliftai({ apiKey: s.apiKey, baseUrl: s.baseUrl, voiceId: 'v_nobody' }),
        scheduler,
        timeouts: { firstAudioMs: 4000 },
        retry: { maxRetries: 0 },
      }),
    );
    await eventually(() => s.generations[0]?.status === 'stalled');
    await advanceVirtualTime(scheduler, 3999);
    expect(r.state.done).toBe(false);
    await advanceVirtualTime(scheduler, 1);
    await eventually(() => r.state.done);
    expect(SpeechError.is(r.state.error, 'timeout')).toBe(true);
  });

  it('unsubscribing cancels at the provider: cancel for the active requests, no event afterwards', async () => {
    const s = await createUpliftServer({ msPerChar: 40, chunkIntervalMs: 2 });
    servers.push(s);
    const r = runSpeech(speak('A long first sentence to speak. And a second one after it.', { provider: upliftai({ apiKey: s.apiKey, baseUrl: s.baseUrl }), segmenter: SEG }));
    await eventually(() => r.events.some((e) => e.type === 'audio'));
    r.state.sub?.unsubscribe();
    const count = r.events.length;
    await s.waitFor(() => s.received.some((m) => (m.json as { type?: string }).type === 'cancel') || s.openConnections === 0);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(r.events.length).toBe(count);
    expect(s.violations).toEqual([]);
  });
});
