import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualTimeScheduler } from 'rxjs';
import type { ConnectionEvent, SpeechError } from '@utter/core';
import {
  checkHeard,
  collectConnectionEvents,
  connectError,
  connectTo,
  createElevenLabsServer,
  expectedSamples,
  exposedText,
  type ElevenLabsServerOptions,
  type ElevenLabsTestServer,
} from '@utter/testing';
import { apiKeyEnv, elevenlabs, type ElevenLabsConnection, type ElevenLabsOptions } from './index.js';

const servers: ElevenLabsTestServer[] = [];
async function server(options: ElevenLabsServerOptions = {}): Promise<ElevenLabsTestServer> {
  const s = await createElevenLabsServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const provider = (s: ElevenLabsTestServer, o: ElevenLabsOptions = {}) => elevenlabs({ apiKey: s.apiKey, baseUrl: s.baseUrl, voiceId: s.voiceId, ...o });
const open = async (s: ElevenLabsTestServer, o: ElevenLabsOptions = {}) => (await connectTo(provider(s, o))) as ElevenLabsConnection;
const sent = (s: ElevenLabsTestServer) => s.received.map((m) => m.json as Record<string, unknown>);
const done = (id: string) => (e: ConnectionEvent) => e.type === 'utterance-done' && e.utteranceId === id;
/** Sends a reply's segments and finishes it. */
function say(conn: ElevenLabsConnection, id: string, segments: readonly string[]): void {
  segments.forEach((text, i) => conn.send({ utteranceId: id, segmentId: i, text }));
  conn.finish(id);
}

describe('elevenlabs multi-stream-input against the ElevenLabs test server', () => {
  it('speaks a reply on one context: opener with settings, text, flush + close_context, isFinal', async () => {
    const s = await server();
    const conn = await open(s, { voiceSettings: { stability: 0.4, similarityBoost: 0.8, speed: 1.1 } });
    const log = collectConnectionEvents(conn);
    const segments = ['Hello there, ', 'this is ElevenLabs speaking from a test server. ', 'Bye.'];
    say(conn, 'u1', segments);
    await log.until(done('u1'));
    const text = segments.join('');
    expect(log.samples('u1')).toBe(expectedSamples(text));
    const heard = checkHeard(log.audio('u1'), text, s.generations, { sampleRate: 24_000 });
    expect(heard.splices).toEqual([]);
    expect(heard.missingWords).toEqual([]);
    expect(heard.heardText).toBe(text);
    expect(s.violations).toEqual([]);
    const wire = sent(s);
    expect(wire[0]).toEqual({ text: ' ', context_id: 'u1', voice_settings: { stability: 0.4, similarity_boost: 0.8, speed: 1.1 } });
    expect(wire.slice(1, 4).map((m) => m['text'])).toEqual(segments);
    expect(wire.slice(4)).toEqual([{ text: '', context_id: 'u1', flush: true }, { context_id: 'u1', close_context: true }]);
    expect(s.upgrades[0]?.headers['xi-api-key']).toBe(s.apiKey);
    expect(s.upgrades[0]?.query).toMatchObject({ model_id: 'eleven_flash_v2_5', output_format: 'pcm_24000', auto_mode: 'true', sync_alignment: 'true' });
    expect(s.upgrades[0]?.path).toBe(`/v1/text-to-speech/${s.voiceId}/multi-stream-input`);
    conn.close();
  });

  it('turns the character alignment into words with times and text offsets, before their audio', async () => {
    const s = await server();
    const conn = await open(s);
    const log = collectConnectionEvents(conn);
    say(conn, 'w', ['One two three. ', 'Four five.']);
    await log.until(done('w'));
    const words = log.events.flatMap((e) => (e.type === 'word' ? [e.word] : []));
    expect(words.map((w) => w.text)).toEqual(['One', 'two', 'three.', 'Four', 'five.']);
    // 60 ms per character on the test server, from the start of the context's audio.
    expect(words.map((w) => [Math.round(w.startMs), Math.round(w.endMs)])).toEqual([
      [0, 180],
      [240, 420],
      [480, 840],
      [900, 1140],
      [1200, 1500],
    ]);
    expect(words.map((w) => w.textOffset)).toEqual([0, 4, 8, 0, 5]);
    conn.close();
  });

  it('runs several replies on one connection, one after another and at the same time', async () => {
    const s = await server({ contextIdField: 'context_id', finalField: 'is_final' });
    const conn = await open(s);
    const log = collectConnectionEvents(conn);
    say(conn, 'a', ['First reply. ']);
    await log.until(done('a'));
    const texts: Record<string, string> = { b: 'Second reply, said at once. ', c: 'Third reply, interleaved. ', d: 'Fourth. ' };
    for (const [id, text] of Object.entries(texts)) say(conn, id, [text]);
    await Promise.all(Object.keys(texts).map((id) => log.until(done(id))));
    for (const [id, text] of Object.entries(texts)) {
      const heard = checkHeard(log.audio(id), text, s.generationsOf(id), { sampleRate: 24_000 });
      expect(heard.heardText, `reply ${id} heard only its own audio`).toBe(text);
    }
    expect(s.connectionCount).toBe(1);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('speaks a long reply exactly once', async () => {
    const s = await server({ msPerChar: 5 });
    const conn = await open(s, { autoMode: false, chunkLengthSchedule: [50, 120, 200] });
    const log = collectConnectionEvents(conn);
    const segments = Array.from({ length: 40 }, (_, i) => `Sentence number ${i + 1} of a long answer, with several clauses in it. `);
    say(conn, 'long', segments);
    await log.until(done('long'), 10_000);
    expect(log.samples('long')).toBe(expectedSamples(segments.join(''), { msPerChar: 5 }));
    expect(sent(s)[0]).toMatchObject({ generation_config: { chunk_length_schedule: [50, 120, 200] } });
    expect(s.upgrades[0]?.query['auto_mode']).toBe('false');
    expect(s.generations.length).toBeGreaterThan(3); // the server generated by its schedule, not all at the end
    conn.close();
  });

  for (const outputFormat of ['pcm_16000', 'pcm_44100', 'ulaw_8000', 'alaw_8000'] as const) {
    it(`decodes ${outputFormat} chunks split anywhere`, async () => {
      const s = await server();
      const conn = await open(s, { outputFormat });
      const log = collectConnectionEvents(conn);
      say(conn, 'f', ['Odd byte splits are no problem. ']);
      await log.until(done('f'));
      const rate = Number(outputFormat.split('_')[1]);
      expect(log.samples('f')).toBe(expectedSamples('Odd byte splits are no problem. ', { sampleRate: rate }));
      expect(log.events.every((e) => e.type !== 'audio' || e.sampleRate === rate)).toBe(true);
      if (outputFormat.startsWith('pcm')) expect(checkHeard(log.audio('f'), 'Odd byte splits are no problem. ', s.generations, { sampleRate: rate }).splices).toEqual([]);
      else expect(Math.abs((log.audio('f')[100] ?? 0) - 2 * 256)).toBeLessThan(64); // G.711 is lossy
      conn.close();
    });
  }

  it('never opens a sixth context: a reply beyond five waits for an isFinal', async () => {
    const s = await server({ contextReleaseDelayMs: 40 });
    const conn = await open(s);
    const log = collectConnectionEvents(conn);
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) conn.send({ utteranceId: id, segmentId: 0, text: `Reply ${id}. ` });
    conn.send({ utteranceId: 'c6', segmentId: 0, text: 'The sixth reply. ' });
    conn.finish('c6');
    expect(conn.waitingContexts).toEqual(['c6']);
    expect(conn.openContexts).toHaveLength(5);
    await s.waitFor(() => s.generations.length === 5);
    conn.finish('c1');
    await log.until(done('c6'));
    expect(s.maxOpenContexts).toBe(5);
    expect(log.samples('c6')).toBe(expectedSamples('The sixth reply. '));
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('rapid barge-in on many replies: no sixth context, no late audio of a cancelled reply', async () => {
    const s = await server({ contextReleaseDelayMs: 25, chunkIntervalMs: 1 });
    const conn = await open(s);
    const log = collectConnectionEvents(conn);
    const cutAt = new Map<string, number>();
    for (let i = 0; i < 12; i++) {
      const id = `r${i}`;
      conn.send({ utteranceId: id, segmentId: 0, text: 'A reply that gets interrupted almost at once by the user. ' });
      if (i % 3 === 0) await log.until((e) => e.type === 'audio' && e.utteranceId === id);
      conn.cancel(id); // barge-in: the next reply starts right away
      cutAt.set(id, log.events.length);
    }
    say(conn, 'last', ['The answer after all those interruptions. ']);
    await log.until(done('last'), 8_000);
    for (const [id, cut] of cutAt) expect(log.events.slice(cut).filter((e) => 'utteranceId' in e && e.utteranceId === id)).toEqual([]);
    expect(checkHeard(log.audio('last'), 'The answer after all those interruptions. ', s.generationsOf('last'), { sampleRate: 24_000 }).heardText).toBe(
      'The answer after all those interruptions. ',
    );
    expect(s.maxOpenContexts).toBeLessThanOrEqual(5);
    expect(s.violations).toEqual([]);
    // Barge-in closes without a flush (unflushed text is dropped); only the finished reply was flushed.
    expect(sent(s).filter((m) => m['flush'] === true).map((m) => m['context_id'])).toEqual(['last']);
    conn.close();
  });

  it('fails the connection (retryable) when no closed context is released in time', async () => {
    const scheduler = new VirtualTimeScheduler();
    const s = await server({ contextReleaseDelayMs: 60_000 });
    const conn = await open(s, { contextReleaseTimeoutMs: 2_000, scheduler });
    const log = collectConnectionEvents(conn);
    for (let i = 0; i < 5; i++) {
      conn.send({ utteranceId: `z${i}`, segmentId: 0, text: 'Hi. ' });
      conn.cancel(`z${i}`);
    }
    conn.send({ utteranceId: 'next', segmentId: 0, text: 'Waiting. ' });
    expect(conn.waitingContexts).toEqual(['next']);
    await s.waitFor(() => s.maxOpenContexts === 5);
    scheduler.flush();
    const closed = (await log.until((e) => e.type === 'closed')) as { error?: SpeechError };
    expect(closed.error?.code).toBe('connection');
    expect(closed.error?.retryable).toBe(true);
    expect(closed.error?.message).toMatch(/sent nothing and did not confirm \(isFinal\) a closed context within 2000 ms/);
  });

  it('a reply with no text opens no context', async () => {
    const s = await server();
    const conn = await open(s);
    const log = collectConnectionEvents(conn);
    conn.finish('empty');
    await log.until(done('empty'));
    conn.cancel('never');
    expect(s.received).toEqual([]);
    conn.close();
  });

  it('keepAlive keeps open contexts alive, or the socket when none is open; close says close_socket', async () => {
    const s = await server();
    const conn = await open(s);
    conn.keepAlive?.();
    conn.send({ utteranceId: 'k', segmentId: 0, text: 'Hello ' });
    conn.keepAlive?.();
    conn.close();
    await s.waitFor(() => s.received.length === 5);
    expect(sent(s)).toEqual([{ text: '' }, { text: ' ', context_id: 'k' }, { text: 'Hello ', context_id: 'k' }, { text: '', context_id: 'k' }, { close_socket: true }]);
    expect(provider(s).capabilities).toMatchObject({ textInput: 'context', maxConcurrentUtterances: 5, keepAliveIntervalMs: 10_000, wordTimestamps: true, cancel: 'native' });
    expect(provider(s, { inactivityTimeout: 60 }).capabilities.keepAliveIntervalMs).toBe(30_000);
  });

  it('auth in the message: xi_api_key in each context first message, not in the header', async () => {
    const s = await server();
    const conn = await open(s, { auth: 'message' });
    const log = collectConnectionEvents(conn);
    say(conn, 'm1', ['Keyed. ']);
    say(conn, 'm2', ['Keyed again. ']);
    await Promise.all([log.until(done('m1')), log.until(done('m2'))]);
    expect(s.upgrades[0]?.headers['xi-api-key']).toBeUndefined();
    expect(sent(s).filter((m) => m['xi_api_key'] === s.apiKey).map((m) => m['context_id'])).toEqual(['m1', 'm2']);
    conn.close();
    const bad = await server();
    const c2 = await connectTo(elevenlabs({ apiKey: 'wrong-key-123456', baseUrl: bad.baseUrl, voiceId: bad.voiceId, auth: 'message' }));
    const l2 = collectConnectionEvents(c2);
    c2.send({ utteranceId: 'x', segmentId: 0, text: 'Hi. ' });
    const closed = (await l2.until((e) => e.type === 'closed')) as { error?: SpeechError };
    expect(closed.error?.code).toBe('auth');
    expect(exposedText(closed.error)).not.toContain('wrong-key-123456');
  });

  it('a bad key is HTTP 401 -> auth; a missing key names ELEVENLABS_API_KEY; 429 -> rate-limit', async () => {
    const s = await server();
    const e = await connectError(elevenlabs({ apiKey: 'el-wrong-key-98765', baseUrl: s.baseUrl, voiceId: s.voiceId }));
    expect(e.code).toBe('auth');
    expect(exposedText(e)).not.toContain('el-wrong-key-98765');
    vi.stubEnv(apiKeyEnv, undefined);
    const m = await connectError(elevenlabs());
    expect(m.code).toBe('auth');
    expect(m.message).toContain('ELEVENLABS_API_KEY');
    const limited = await server({ faults: { upgradeStatus: 429 } });
    expect((await connectError(provider(limited))).code).toBe('rate-limit');
  });

  it.each([
    ['auth', 'auth', false],
    ['rate-limit', 'rate-limit', true],
    ['text-too-long', 'text-too-long', false],
    ['server', 'provider', true],
  ] as const)('a %s error message fails the connection with %s', async (kind, code, retryable) => {
    const s = await server({ faults: { error: kind } });
    const conn = await open(s);
    const log = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hi there. ' });
    const closed = (await log.until((e) => e.type === 'closed')) as { error?: SpeechError };
    expect(closed.error?.code).toBe(code);
    expect(closed.error?.retryable).toBe(retryable);
    expect(exposedText(closed.error)).not.toContain(s.apiKey);
  });

  it('malformed frames are protocol errors; a drop is a retryable connection error; the idle close is 1008', async () => {
    const bad = await server({ faults: { malformedFrame: true } });
    const c1 = await open(bad);
    const l1 = collectConnectionEvents(c1);
    c1.send({ utteranceId: 'u', segmentId: 0, text: 'Hi there. ' });
    expect(((await l1.until((e) => e.type === 'closed')) as { error?: SpeechError }).error?.code).toBe('protocol');

    const dropping = await server({ faults: { dropAfterChunks: 2 } });
    const c2 = await open(dropping);
    const l2 = collectConnectionEvents(c2);
    c2.send({ utteranceId: 'u', segmentId: 0, text: 'Hi there, dropped. ' });
    const dropped = (await l2.until((e) => e.type === 'closed')) as { error?: SpeechError };
    expect([dropped.error?.code, dropped.error?.retryable]).toEqual(['connection', true]);

    const idle = await server({ faults: { idleCloseMs: 30 } });
    const c3 = await open(idle);
    const closed = (await collectConnectionEvents(c3).until((e) => e.type === 'closed')) as { error?: SpeechError };
    expect([closed.error?.code, closed.error?.retryable]).toEqual(['connection', true]);
    expect(closed.error?.message).toMatch(/1008.*Have not received a new text input/);
  });
});
