import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstValueFrom, toArray } from 'rxjs';
import { SpeechError, createSpeechSession, type ConnectionEvent } from '@utter/core';
import { collect, VirtualClock } from '@utter/core/testing';
import { connectError, connectTo, createMurmrServer, eventsUntil, expectedSamples, murmrAppend, murmrFlush, type MurmrServerOptions, type MurmrTestServer } from '@utter/testing';
import { apiKeyEnv, murmr, predictGenerations, type MurmrOptions } from './index.js';

const servers: MurmrTestServer[] = [];
async function server(options: MurmrServerOptions = {}): Promise<MurmrTestServer> {
  const s = await createMurmrServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function provider(s: MurmrTestServer, options: MurmrOptions = {}) {
  return murmr({ apiKey: s.apiKey, baseUrl: s.baseUrl, ...options });
}
const samplesOf = (events: ConnectionEvent[], segmentId?: number): number =>
  events.reduce((n, e) => n + (e.type === 'audio' && (segmentId === undefined || e.segmentId === segmentId) ? e.pcm.length : 0), 0);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('murmr buffering prediction', () => {
  it('agrees with the test server on the documented rule (random texts)', () => {
    const rand = rng(42);
    const alphabet = ['a', 'b', ' ', ' ', '.', ',', '!', '?', ';', ':', '\n', 'é', 'x'];
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rand() * 600);
      let text = '';
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const step = murmrAppend('', text);
      const expected = [...step.generations, ...murmrFlush(step.buffer).generations];
      expect(predictGenerations(text)).toEqual(expected);
      expect(expected.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('predicts several dones for a long segment', () => {
    expect(predictGenerations('Hello.')).toEqual(['Hello.']);
    expect(predictGenerations('   ')).toEqual([]);
    const long = 'This is a fairly long sentence that goes past fifty characters, and then some more text';
    expect(predictGenerations(long)).toEqual([
      'This is a fairly long sentence that goes past fifty characters,',
      ' and then some more text',
    ]);
    expect(predictGenerations('x'.repeat(450))).toHaveLength(1); // forced: the whole buffer
  });
});

describe('murmr adapter against the murmr test server', () => {
  for (const audioMode of ['binary', 'base64'] as const) {
    it(`speaks segments with exact audio, segment and utterance acks (${audioMode})`, async () => {
      const s = await server();
      const conn = await connectTo(provider(s, { audioMode }));
      const done = eventsUntil(conn, (e) => e.type === 'utterance-done');
      const seg0 = 'Hello there. ';
      const seg1 = 'This second segment is long enough to be generated in parts, twice or more; really it is';
      conn.send({ utteranceId: 'u1', segmentId: 0, text: seg0 });
      conn.send({ utteranceId: 'u1', segmentId: 1, text: seg1 });
      conn.finish('u1');
      const events = await done;
      expect(samplesOf(events, 0)).toBe(expectedSamples(seg0));
      expect(samplesOf(events, 1)).toBe(predictGenerations(seg1).reduce((n, g) => n + expectedSamples(g), 0));
      expect(events.filter((e) => e.type === 'segment-done').map((e) => (e as { segmentId: number }).segmentId)).toEqual([0, 1]);
      expect(events.at(-1)).toEqual({ type: 'utterance-done', utteranceId: 'u1' });
      expect(s.generations.length).toBe(3);
      expect(s.violations).toEqual([]);
      const first = s.received[0]?.json as Record<string, unknown>;
      expect(first['type']).toBe('config');
      expect(s.received.some((m) => (m.json as { type?: string }).type === 'binary_mode')).toBe(audioMode === 'binary');
      expect(s.upgrades[0]?.path).toBe('/v1/realtime');
      conn.close();
    });
  }

  it('runs many replies on one connection, and an empty reply completes at once', async () => {
    const s = await server();
    const conn = await connectTo(provider(s));
    for (let i = 0; i < 3; i++) {
      const done = eventsUntil(conn, (e) => e.type === 'utterance-done');
      conn.send({ utteranceId: `u${i}`, segmentId: 0, text: `Reply number ${i}.` });
      conn.finish(`u${i}`);
      const events = await done;
      expect(samplesOf(events)).toBe(expectedSamples(`Reply number ${i}.`));
    }
    const empty = eventsUntil(conn, (e) => e.type === 'utterance-done');
    conn.finish('none');
    expect((await empty).map((e) => e.type)).toEqual(['utterance-done']);
    expect(s.connectionCount).toBe(1);
    conn.close();
  });

  it('keeps alive with ping/pong and closes cleanly', async () => {
    const s = await server();
    const conn = await connectTo(provider(s));
    const all = firstValueFrom(conn.events.pipe(toArray()));
    conn.keepAlive?.();
    await s.waitFor(() => s.received.filter((m) => (m.json as { type?: string }).type === 'ping').length >= 1);
    conn.close();
    expect(await all).toEqual([{ type: 'closed' }]);
  });

  it('without a key: a provider is created and connectTo() rejects with auth naming the variable', async () => {
    vi.stubEnv(apiKeyEnv, undefined);
    const p = murmr();
    const e = await connectError(p);
    expect(e.code).toBe('auth');
    expect(e.message).toContain('MURMR_API_KEY');
  });

  it('a bad key is close 4002 -> auth, without the key in the error', async () => {
    const s = await server();
    const key = 'murmr_sk_test_wrongwrongwrong';
    const e = await connectError(murmr({ apiKey: key, baseUrl: s.baseUrl }));
    expect(e.code).toBe('auth');
    expect(e.providerCode).toBe(4002);
    expect(JSON.stringify(e) + e.message + String(e.stack)).not.toContain(key);
  });

  it.each([
    [401, 'auth'],
    [429, 'rate-limit'],
  ] as const)('HTTP %i at the upgrade -> %s', async (status, code) => {
    const s = await server({ faults: { upgradeStatus: status } });
    expect((await connectError(provider(s))).code).toBe(code);
  });

  it.each([
    ['rate-limit', 'rate-limit', 4004],
    ['server', 'provider', 4005],
  ] as const)('%s fault closes the connection with a typed error', async (kind, code, closeCode) => {
    const s = await server({ faults: { error: kind } });
    const conn = await connectTo(provider(s));
    const events = eventsUntil(conn, (e) => e.type === 'closed');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const last = (await events).at(-1);
    expect(last?.type).toBe('closed');
    const err = (last as { error?: SpeechError }).error;
    expect(err?.code).toBe(code);
    if (kind === 'rate-limit') expect(err?.providerCode).toBe(closeCode);
  });

  it('text too long is a typed error', async () => {
    const s = await server({ faults: { error: 'text-too-long' } });
    const conn = await connectTo(provider(s));
    const events = eventsUntil(conn, (e) => e.type === 'closed');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const last = (await events).at(-1) as { error?: SpeechError };
    expect(last.error?.code).toBe('text-too-long');
  });

  it('a malformed frame is a protocol error, not a crash', async () => {
    const s = await server({ faults: { malformedFrame: true } });
    const conn = await connectTo(provider(s));
    const events = eventsUntil(conn, (e) => e.type === 'closed');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello.' });
    const last = (await events).at(-1) as { error?: SpeechError };
    expect(last.error?.code).toBe('protocol');
  });

  it('a dropped connection is a retryable connection error', async () => {
    const s = await server({ faults: { dropAfterChunks: 2 } });
    const conn = await connectTo(provider(s));
    const events = eventsUntil(conn, (e) => e.type === 'closed');
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'Hello there, how are you?' });
    const last = (await events).at(-1) as { error?: SpeechError };
    expect(last.error?.code).toBe('connection');
    expect(last.error?.retryable).toBe(true);
  });

  it('a withheld config_ack is cancelled by the signal', async () => {
    const s = await server({ faults: { withholdHandshake: true } });
    const ac = new AbortController();
    const pending = provider(s).connect({ signal: ac.signal });
    await s.waitFor(() => s.received.length === 1);
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('config timeout is close 4001 -> timeout', async () => {
    const { errorForClose } = await import('./index.js');
    expect(errorForClose(4001, '').code).toBe('timeout');
    expect(errorForClose(4003, '').code).toBe('protocol');
    expect(errorForClose(1006, '').code).toBe('connection');
  });

  it('validates options with clear messages', () => {
    expect(() => murmr({ voiceDescription: 'x'.repeat(501) })).toThrow(/voiceDescription must be at most 500/);
    expect(() => murmr({ voiceDescription: 'a', voiceClonePrompt: 'QUJD' })).toThrow(/not both/);
    expect(() => murmr({ voice: 'v1' })).toThrow(/needs voiceClonePrompt/);
    expect(() => murmr({ language: 'en' })).toThrow(/full language name/);
    expect(() => murmr({ baseUrl: 'http://x/y' })).toThrow(/baseUrl/);
    expect(() => murmr({ audioMode: 'hex' as 'binary' })).toThrow(SpeechError);
    expect(() => murmr({ bogus: 1 } as MurmrOptions)).toThrow(/Invalid murmr options/);
  });
});

describe('murmr limits: the engine counts what murmr counts', () => {
  it('keeps 112 generations from 7 sessions on one key within 100 a minute, counting every flush and boundary: no 4004', async () => {
    const clock = new VirtualClock();
    const s = await server({ now: () => clock.now() });
    const p = provider(s);
    const sentence = (n: number): string => `Sentence number ${n} is right here.`;
    const runs: Array<ReturnType<typeof collect>> = [];
    const sessions = Array.from({ length: 7 }, () =>
      createSpeechSession({ provider: p, scheduler: clock.scheduler, timeouts: { firstAudioMs: 600_000, handshakeMs: 600_000 }, retry: { maxRetries: 0 } }),
    );
    sessions.forEach((session, k) => {
      for (let r = 0; r < 4; r++) runs.push(collect(session.say([0, 1, 2, 3].map((i) => sentence(k * 16 + r * 4 + i)).join(' '))));
    });
    await clock.until(() => runs.every((c) => c.done()), 400_000, 250);
    expect(runs.map((c) => (c.error as SpeechError | undefined)?.code)).toEqual(runs.map(() => undefined));
    expect(runs.every((c) => c.events.at(-1)?.type === 'utterance-end')).toBe(true);
    // More than a minute's worth of generations: the limiter spread them over the window instead.
    expect(clock.now()).toBeGreaterThan(60_000);
    expect(s.violations).toEqual([]);
    await Promise.all(sessions.map((x) => x.close()));
  });
});
