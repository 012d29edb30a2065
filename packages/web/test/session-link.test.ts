/**
 * The server link on a real speech session and the embedded engine (eSpeak NG): what the browser
 * receives, and barge-in at a reported position. No timers: pacing follows the reported playback.
 */
import { createSpeechSession, type SpeechSession } from '@utter/core';
import { espeak } from '@utter/espeak';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpeechLink, decodeAudioFrame, encodeMessage, parseServerMessage, type AudioFrame, type ServerMessage } from '../src/server/index.js';

const provider = espeak();
let session: SpeechSession;

beforeAll(async () => {
  await provider.warmup();
});
afterAll(async () => {
  await session?.close();
  await provider.close();
});

function browser() {
  const messages: (ServerMessage | AudioFrame)[] = [];
  let onMessage: (m: ServerMessage | AudioFrame) => void = () => {};
  const link = createSpeechLink(
    (data) => {
      const message = typeof data === 'string' ? (parseServerMessage(data) as ServerMessage) : decodeAudioFrame(data);
      messages.push(message);
      onMessage(message);
    },
    { session },
  );
  return { link, messages, on: (f: typeof onMessage) => (onMessage = f) };
}

describe('speech link on a session', () => {
  it('sends a reply as segment, audio frames, words, segment-end and utterance-end, audio contiguous', async () => {
    session = createSpeechSession({ provider });
    const { link, messages } = browser();
    await expect(link.say('Hello there. How are you today?')).resolves.toBe('completed');
    const kinds = messages.map((m) => ('pcm' in m ? 'audio' : m.type));
    expect(kinds[0]).toBe('hello');
    expect(kinds.at(-1)).toBe('utterance-end');
    expect(kinds.filter((k) => k === 'segment').length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((k) => k === 'word').length).toBeGreaterThanOrEqual(5);
    const frames = messages.filter((m): m is AudioFrame => 'pcm' in m);
    let at = 0;
    for (const frame of frames) {
      expect(frame.offsetMs).toBeCloseTo(at, 6);
      at += (frame.pcm.length * 1000) / frame.sampleRate;
    }
    const end = messages.at(-1) as Extract<ServerMessage, { type: 'utterance-end' }>;
    expect(end.text).toBe('Hello there. How are you today?');
    expect(end.audioMs).toBeCloseTo(at, 3);
  });

  it('barge-in with the played position: the session interrupts at exactly that position', async () => {
    session = createSpeechSession({ provider, maxBufferedAudioMs: 800 });
    const { link, messages, on } = browser();
    const text = 'The Moon is about three hundred thousand kilometres away. Light takes about a second to cross it. Astronauts left mirrors there.';
    let reported = false;
    on((m) => {
      // The "player" reports 0 ms at the first audio, then the listener stops at 1234.5 ms once that much has arrived.
      if (!('pcm' in m)) return;
      if (!reported) {
        reported = true;
        link.receive(encodeMessage({ type: 'playback', utteranceId: m.utteranceId, segmentId: m.segmentId, playedMs: 0 }));
      }
      if (m.offsetMs > 1300) link.receive(encodeMessage({ type: 'interrupt', utteranceId: m.utteranceId, playedMs: 1234.5 }));
    });
    await expect(link.say(text)).resolves.toBe('interrupted');
    const interrupted = messages.at(-1) as Extract<ServerMessage, { type: 'interrupted' }>;
    expect(interrupted).toMatchObject({ type: 'interrupted', playedMs: 1234.5, basis: 'playback' });
    expect(text.startsWith(interrupted.spokenText)).toBe(true);
    const words = messages.filter((m): m is Extract<ServerMessage, { type: 'word' }> => !('pcm' in m) && m.type === 'word');
    const heard = words.filter((w) => w.endMs <= 1234.5 && w.end !== undefined);
    expect(heard.length).toBeGreaterThan(0);
    expect(interrupted.spokenEnd).toBeGreaterThan(0);
    expect(words.some((w) => w.startMs > 1234.5 && w.start !== undefined && w.start < interrupted.spokenEnd)).toBe(false);
    // Nothing of the reply follows the interruption.
    expect(messages.indexOf(interrupted)).toBe(messages.length - 1);
  });
});
