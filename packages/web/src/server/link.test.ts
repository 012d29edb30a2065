import type { SpeechError, SpeechEvent } from '@utter/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodeAudioFrame, encodeMessage, parseServerMessage, type ServerMessage } from '../wire.js';
import { createSpeechLink } from './link.js';

function harness(options: Parameters<typeof createSpeechLink>[1] = {}) {
  const sent: (ServerMessage | { audio: ReturnType<typeof decodeAudioFrame> })[] = [];
  const link = createSpeechLink((data) => sent.push(typeof data === 'string' ? (parseServerMessage(data) as ServerMessage) : { audio: decodeAudioFrame(data) }), options);
  return { link, sent };
}

describe('createSpeechLink', () => {
  it('says hello, relays events in order (audio as binary frames) and resolves with the outcome', async () => {
    const { link, sent } = harness();
    const events = new Subject<SpeechEvent>();
    const outcome = link.relay(events, { interrupt() {}, reportPlayback() {} });
    events.next({ type: 'segment', utteranceId: 'u', segmentId: 0, text: 'Hi. ', start: 0, end: 4, speakable: 'Hi.', reason: 'sentence' });
    events.next({ type: 'audio', utteranceId: 'u', segmentId: 0, pcm: Int16Array.of(5, -5), sampleRate: 24000, offsetMs: 0 });
    events.next({ type: 'word', utteranceId: 'u', segmentId: 0, text: 'Hi', startMs: 0, endMs: 0.05, start: 0, end: 2 });
    events.next({ type: 'segment-end', utteranceId: 'u', segmentId: 0, audioMs: 0.083 });
    events.complete();
    await expect(outcome).resolves.toBe('cancelled'); // completed without utterance-end: not a completed reply
    expect(sent.map((m) => ('audio' in m ? 'audio' : m.type))).toEqual(['hello', 'segment', 'audio', 'word', 'segment-end']);
    expect(sent[2]).toEqual({ audio: { utteranceId: 'u', segmentId: 0, sampleRate: 24000, offsetMs: 0, pcm: Int16Array.of(5, -5) } });
  });

  it('routes playback reports and barge-in (position first) to the reply with that id only', () => {
    const { link } = harness();
    const calls: string[] = [];
    const a = new Subject<SpeechEvent>();
    void link.relay(a, { interrupt: () => calls.push('interrupt'), reportPlayback: (id, ms) => calls.push(`report ${id} ${ms}`) });
    a.next({ type: 'segment', utteranceId: 'a', segmentId: 0, text: 'x', start: 0, end: 1, speakable: 'x', reason: 'end' });
    link.receive(encodeMessage({ type: 'playback', utteranceId: 'b', segmentId: 0, playedMs: 5 }));
    link.receive(encodeMessage({ type: 'playback', utteranceId: 'a', segmentId: 0, playedMs: 10 }));
    link.receive(encodeMessage({ type: 'interrupt', utteranceId: 'a', playedMs: 12.5 }));
    expect(calls).toEqual(['report a 10', 'report a 12.5', 'interrupt']);
  });

  it('passes application messages on and reports broken ones as protocol errors without failing', () => {
    const messages: unknown[] = [];
    const errors: SpeechError[] = [];
    const { link } = harness({ onMessage: (data) => messages.push(data), onProtocolError: (error) => errors.push(error) });
    link.receive(encodeMessage({ type: 'message', data: { type: 'ask', text: 'hi' } }));
    link.receive('{"v":1,"type":"playback","utteranceId":"","segmentId":0,"playedMs":1}');
    link.receive(new Uint8Array(3));
    expect(messages).toEqual([{ type: 'ask', text: 'hi' }]);
    expect(errors.map((e) => [e.code, e.retryable])).toEqual([
      ['protocol', false],
      ['protocol', false],
    ]);
    expect(errors[0]?.message).toMatch(/utteranceId/);
  });

  it('sends a failure as a typed error message and close() cancels what is relayed', async () => {
    const { link, sent } = harness();
    const failing = new Subject<SpeechEvent>();
    const failed = link.relay(failing, { interrupt() {}, reportPlayback() {} });
    failing.error(Object.assign(new Error('boom'), { name: 'Error' }));
    await expect(failed).resolves.toBe('failed');
    expect(sent.at(-1)).toMatchObject({ type: 'error', code: 'provider', retryable: true });

    const open = new Subject<SpeechEvent>();
    const pending = link.relay(open, { interrupt() {}, reportPlayback() {} });
    link.close();
    await expect(pending).resolves.toBe('cancelled');
    expect(open.observed).toBe(false);
  });
});
