/**
 * The Munsit adapter under the real session engine (`speak` from @utter/core), against the test server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTimeScheduler } from 'rxjs';
import { SpeechError, speak, type SpeechEvent } from '@utter/core';
import { generatePcm, createMunsitServer, type MunsitTestServer, type MunsitServerOptions, advanceVirtualTime, eventually, runSpeech } from '@utter/testing';
import { munsit } from '../src/index.js';

const servers: MunsitTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(options: MunsitServerOptions = {}): Promise<MunsitTestServer> {
  const s = await createMunsitServer({ msPerChar: 20, ...options });
  servers.push(s);
  return s;
}
const SEG = { granularity: 'sentence', minLength: 0, firstSegmentMinLength: false } as const;
const TEXT = 'السلام عليكم ورحمة الله. هذا اختبار للنظام. مع السلامة!';

function expectWhole(events: readonly SpeechEvent[], text: string, s: MunsitTestServer): void {
  const segments = events.filter((e) => e.type === 'segment');
  expect(segments.map((e) => e.text).join('')).toBe(text);
  const audio = events.filter((e) => e.type === 'audio');
  for (const seg of segments) {
    const got = Buffer.concat(audio.filter((e) => e.segmentId === seg.segmentId).map((e) => Buffer.from(e.pcm.buffer, e.pcm.byteOffset, e.pcm.byteLength)));
    // Each segment's audio is its own complete generation (tagged with its id), whole and alone.
    const gen = s.generations.find((g) => g.text === seg.speakable && g.status === 'complete');
    const want = generatePcm(seg.speakable, { sampleRate: 24_000, msPerChar: 20, generation: gen?.id ?? 0 });
    expect(got.equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
  }
  expect(events.at(-1)?.type).toBe('utterance-end');
}

describe('munsit with speak()', () => {
  it('speaks the whole text over the socket', async () => {
    const s = await server();
    const r = runSpeech(speak(TEXT, { provider: munsit({ apiKey: s.apiKey, baseUrl: s.baseUrl, transport: 'websocket' }), segmenter: SEG }));
    await eventually(() => r.state.done);
    expect(r.state.error).toBeUndefined();
    expectWhole(r.events, TEXT, s);
    expect(s.violations).toEqual([]);
  });

  it('speaks the whole text through the HTTP fallback when the socket stays silent (virtual-time watchdog)', async () => {
    const s = await server({ silent: true });
    const scheduler = new VirtualTimeScheduler();
    const provider = munsit({ apiKey: s.apiKey, baseUrl: s.baseUrl, httpBaseUrl: s.httpBaseUrl, scheduler, firstAudioTimeoutMs: 3000 });
    const r = runSpeech(speak(TEXT, { provider, scheduler, segmenter: SEG, timeouts: { firstAudioMs: 10_000 } }));
    await eventually(() => s.generations.length >= 1);
    await advanceVirtualTime(scheduler, 3000);
    await eventually(() => r.state.done);
    expect(r.state.error).toBeUndefined();
    expectWhole(r.events, TEXT, s);
    expect(provider.activeTransport).toBe('http');
    expect(s.http.requests.map((q) => (q.body as { text: string }).text).join('')).toBe(
      r.events.filter((e) => e.type === 'segment').map((e) => (e.type === 'segment' ? e.speakable : '')).join(''),
    );
    expect(s.violations).toEqual([]);
  });

  it('a generation that never ends fails with timeout through the session watchdog (virtual time)', async () => {
    const s = await server({ faults: { neverEnd: true } });
    const scheduler = new VirtualTimeScheduler();
    const r = runSpeech(
      speak('This will never finish.', {
        provider: munsit({ apiKey: s.apiKey, baseUrl: s.baseUrl, transport: 'websocket', scheduler }),
        scheduler,
        timeouts: { firstAudioMs: 5000 },
        retry: { maxRetries: 0 },
      }),
    );
    await eventually(() => s.generations[0]?.status === 'stalled' && r.events.some((e) => e.type === 'audio'));
    await advanceVirtualTime(scheduler, 5000);
    await eventually(() => r.state.done);
    expect(SpeechError.is(r.state.error, 'timeout')).toBe(true);
  });

  it('a bad key fails the reply with auth', async () => {
    const s = await server();
    const r = runSpeech(speak('Hello.', { provider: munsit({ apiKey: 'wrong-key-1234', baseUrl: s.baseUrl, transport: 'websocket' }) }));
    await eventually(() => r.state.done);
    expect(SpeechError.is(r.state.error, 'auth')).toBe(true);
    expect(JSON.stringify(r.state.error)).not.toContain('wrong-key-1234');
  });
});
