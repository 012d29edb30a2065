/**
 * The OpenAI adapter against the OpenAI HTTP test server (real HTTP on 127.0.0.1): connection-level
 * behaviour (requests, audio decoding, error mapping, cancel) and replies through the session engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTimeScheduler, lastValueFrom, toArray } from 'rxjs';
import { SpeechError, createSpeechSession, fallback, speak, type SpeechEvent } from '@utter/core';
import {
  advanceVirtualTime,
  checkHeard,
  collectConnectionEvents,
  decodeHeard,
  connectError,
  connectTo,
  createOpenAiServer,
  exposedText,
  generatePcm,
  type FaultOptions,
  type OpenAiServerOptions,
  type OpenAiTestServer,
} from '@utter/testing';
import { openai, type OpenAiOptions } from './index.js';

/** The audio of a reply's events. */
const audioOf = (events: readonly SpeechEvent[]) => events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : []));

const servers: OpenAiTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(faults: FaultOptions = {}, extra: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  const server = await createOpenAiServer({ faults, ...extra });
  servers.push(server);
  return server;
}

const providerFor = (server: OpenAiTestServer, options: OpenAiOptions = {}) => openai({ apiKey: server.apiKey, baseUrl: server.baseUrl, ...options });
const session = { timeouts: { handshakeMs: 1_000, firstAudioMs: 1_000 }, retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 10 } };

async function say(text: string, provider: ReturnType<typeof openai>): Promise<{ events: SpeechEvent[]; error?: SpeechError }> {
  const events: SpeechEvent[] = [];
  return new Promise((resolve) => {
    speak(text, { provider, ...session }).subscribe({
      next: (e) => events.push(e),
      error: (error: unknown) => resolve({ events, error: error as SpeechError }),
      complete: () => resolve({ events }),
    });
  });
}

describe.each(['audio', 'sse'] as const)('openai connection (%s)', (streamFormat) => {
  it('sends one POST per segment with the body the API takes, and decodes the tagged audio exactly', async () => {
    const server = await start();
    const connection = await connectTo(providerFor(server, { streamFormat, voice: 'coral', speed: 1.25, instructions: 'Cheerful.' }));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'Hello there. ' });
    connection.send({ utteranceId: 'u1', segmentId: 1, text: 'How are you?' });
    connection.finish('u1');
    await log.until((e) => e.type === 'utterance-done');
    expect(server.received.map((m) => m.json)).toEqual([
      { model: 'gpt-4o-mini-tts', input: 'Hello there. ', voice: 'coral', response_format: 'pcm', instructions: 'Cheerful.', speed: 1.25, stream_format: streamFormat },
      { model: 'gpt-4o-mini-tts', input: 'How are you?', voice: 'coral', response_format: 'pcm', instructions: 'Cheerful.', speed: 1.25, stream_format: streamFormat },
    ]);
    expect(server.upgrades.every((u) => u.headers.authorization === `Bearer ${server.apiKey}` && u.path === '/v1/audio/speech')).toBe(true);
    // The key travels in the Authorization header only: never in the URL or the body.
    expect(server.upgrades.every((u) => Object.keys(u.query).length === 0)).toBe(true);
    expect(server.received.every((m) => !m.text.includes(server.apiKey))).toBe(true);
    // Chunks end in the middle of a sample on the wire; the decoded audio is the server's, sample for sample.
    for (const [segmentId, gen] of [0, 1].map((s) => [s, server.generations.find((g) => g.text === (s === 0 ? 'Hello there. ' : 'How are you?'))] as const)) {
      expect(Array.from(log.audio('u1', segmentId))).toEqual(Array.from(generatePcm(gen?.text ?? '', { sampleRate: 24_000, generation: gen?.id ?? 0 })));
    }
    expect(log.events.filter((e) => e.type === 'segment-done').map((e) => (e.type === 'segment-done' ? e.segmentId : -1)).sort()).toEqual([0, 1]);
    expect(log.events.every((e) => e.type !== 'audio' || e.sampleRate === 24_000)).toBe(true);
    expect(server.violations).toEqual([]);
    connection.close();
  });

  it('cancel aborts the HTTP requests of the reply: the server sees them go, and no event follows', async () => {
    const server = await start({}, { chunkIntervalMs: 5 });
    const connection = await connectTo(providerFor(server, { streamFormat }));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'A long sentence that takes a while to say out loud.' });
    connection.send({ utteranceId: 'u1', segmentId: 1, text: 'And another long one after it, to be cancelled too.' });
    await log.until((e) => e.type === 'audio');
    connection.cancel('u1');
    const cut = log.events.length;
    await server.waitFor(() => server.generations.length === 2 && server.generations.every((g) => g.status === 'cancelled'));
    expect(log.events.length).toBe(cut);
    // The connection is still usable for the next reply.
    connection.send({ utteranceId: 'u2', segmentId: 0, text: 'Next.' });
    connection.finish('u2');
    await log.until((e) => e.type === 'utterance-done' && e.utteranceId === 'u2');
    expect(log.events.slice(cut).every((e) => e.type === 'closed' || ('utteranceId' in e && e.utteranceId === 'u2'))).toBe(true);
    connection.close();
  });

  it('a blank segment is done at once, without a request', async () => {
    const server = await start();
    const connection = await connectTo(providerFor(server, { streamFormat }));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: '  \n' });
    connection.finish('u1');
    await log.until((e) => e.type === 'utterance-done');
    expect(server.upgrades).toHaveLength(0);
    connection.close();
  });
});

describe('openai errors', () => {
  it('a bad key is an auth error that fails the connection and shows neither the key nor its masked echo', async () => {
    const server = await start();
    const connection = await connectTo(openai({ apiKey: 'sk-wrong-0123456789abcdefWXYZ', baseUrl: server.baseUrl }));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'Hello.' });
    const closed = await log.until((e) => e.type === 'closed');
    const error = closed.type === 'closed' ? closed.error : undefined;
    expect(error?.code).toBe('auth');
    expect(error?.retryable).toBe(false);
    expect(error?.providerCode).toBe('invalid_api_key');
    expect(exposedText(error)).not.toContain('sk-wrong');
    expect(exposedText(error)).not.toContain('WXYZ');
  });

  it.each([
    [{ upgradeStatus: 401 }, 'auth', false],
    [{ upgradeStatus: 403 }, 'auth', false],
    [{ upgradeStatus: 404 }, 'invalid-input', false],
    [{ upgradeStatus: 503 }, 'provider', true],
    [{ error: 'server' }, 'provider', true],
    [{ error: 'text-too-long' }, 'text-too-long', false],
    [{ error: 'rate-limit' }, 'rate-limit', true],
  ] as const)('%o -> %s (retryable %s)', async (faults, code, retryable) => {
    const server = await start(faults);
    const connection = await connectTo(providerFor(server));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'Hello.' });
    await log.until((e) => e.type === 'error');
    const [error] = log.errors();
    expect(error).toBeInstanceOf(SpeechError);
    expect(error?.code).toBe(code);
    expect(error?.retryable).toBe(retryable);
    expect(error?.provider).toBe('openai');
    expect(exposedText(error)).not.toContain(server.apiKey);
    connection.close();
  });

  it('429 insufficient_quota is a quota error, not retryable', async () => {
    const server = await start({}, { noQuota: true });
    const outcome = await say('Hello.', providerFor(server));
    expect(outcome.error?.code).toBe('quota');
    expect(outcome.error?.retryable).toBe(false);
    expect(server.upgrades).toHaveLength(1);
  });

  it('a body cut mid-stream is a retryable connection error of the reply; the connection stays usable', async () => {
    const server = await start({ dropAfterChunks: 2, faultyConnections: 1 });
    const connection = await connectTo(providerFor(server));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'A sentence long enough to be cut.' });
    const event = await log.until((e) => e.type === 'error');
    expect(event).toMatchObject({ type: 'error', utteranceId: 'u1', segmentId: 0, error: { code: 'connection', retryable: true } });
    connection.send({ utteranceId: 'u2', segmentId: 0, text: 'Again.' });
    connection.finish('u2');
    await log.until((e) => e.type === 'utterance-done' && e.utteranceId === 'u2');
    connection.close();
  });

  it.each([
    ['sse', 'protocol', true],
    ['audio', 'protocol', false],
  ] as const)('a malformed answer (%s) is a typed %s error (retryable %s)', async (streamFormat, code, retryable) => {
    const server = await start({ malformedFrame: { afterChunks: 1 } });
    const connection = await connectTo(providerFor(server, { streamFormat }));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'Hello there.' });
    await log.until((e) => e.type === 'error');
    expect(log.errors()[0]).toMatchObject({ code, retryable });
    connection.close();
  });

  it.each([
    ['sse', 'provider'],
    ['audio', 'connection'],
  ] as const)('an error in the middle of the audio (%s) fails the reply with a retryable %s error', async (streamFormat, code) => {
    const server = await start({ error: { kind: 'server', afterChunks: 2 } });
    const connection = await connectTo(providerFor(server, { streamFormat }));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'A sentence that breaks off in the middle.' });
    const event = await log.until((e) => e.type === 'error');
    expect(event).toMatchObject({ utteranceId: 'u1', segmentId: 0, error: { code, retryable: true } });
    expect(log.samples('u1')).toBeGreaterThan(0);
    expect(server.generations[0]?.status).toBe('error');
    connection.close();
  });

  it('no key: connect() rejects with auth naming OPENAI_API_KEY', async () => {
    const saved = process.env['OPENAI_API_KEY'];
    delete process.env['OPENAI_API_KEY'];
    try {
      const error = await connectError(openai({ baseUrl: 'http://127.0.0.1:9' }));
      expect(error.code).toBe('auth');
      expect(error.message).toContain('OPENAI_API_KEY');
    } finally {
      if (saved !== undefined) process.env['OPENAI_API_KEY'] = saved;
    }
  });
});

describe('openai retry-after', () => {
  it('holds new requests until the retry-after of a 429 has passed (virtual time)', async () => {
    const server = await start({ error: 'rate-limit' }, { retryAfterMs: 5_000 });
    const scheduler = new VirtualTimeScheduler();
    const connection = await connectTo(providerFor(server, { scheduler, maxRetryAfterMs: 10_000 }));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'Hello.' });
    const event = await log.until((e) => e.type === 'error');
    expect(event).toMatchObject({ error: { code: 'rate-limit', retryable: true } });
    expect(event.type === 'error' ? event.error.message : '').toContain('retry after 5000 ms');
    connection.send({ utteranceId: 'u2', segmentId: 0, text: 'Again.' });
    connection.finish('u2');
    await advanceVirtualTime(scheduler, 4_999);
    expect(server.upgrades).toHaveLength(1);
    await advanceVirtualTime(scheduler, 1);
    await log.until((e) => e.type === 'utterance-done' && e.utteranceId === 'u2');
    expect(server.upgrades).toHaveLength(2);
    connection.close();
  });

  it('a retry-after beyond maxRetryAfterMs makes the rate limit not retryable (fallback moves on)', async () => {
    const server = await start({ error: 'rate-limit' }, { retryAfterMs: 60_000 });
    const connection = await connectTo(providerFor(server));
    const log = collectConnectionEvents(connection);
    connection.send({ utteranceId: 'u1', segmentId: 0, text: 'Hello.' });
    await log.until((e) => e.type === 'error');
    expect(log.errors()[0]).toMatchObject({ code: 'rate-limit', retryable: false });
    connection.close();
  });
});

describe('openai through the session engine', () => {
  it('speaks a long text (over 4096 characters) in requests the API accepts, every character once', async () => {
    const server = await start({}, { msPerChar: 5 });
    const sentence = 'Streaming speech keeps every word in order, without gaps or repeats. ';
    const text = sentence.repeat(70); // ~4,900 characters
    const outcome = await say(text, providerFor(server, { maxConcurrentRequests: 3 }));
    expect(outcome.error).toBeUndefined();
    expect(server.violations).toEqual([]);
    expect(server.generations.map((g) => g.text).join('')).toBe(text);
    // What the listener heard: each generation once, whole, in order; every word once.
    const heard = checkHeard(audioOf(outcome.events), text, server.generations, { sampleRate: 24_000, msPerChar: 5 });
    expect(heard.runs.map((r) => [r.kind, r.generationId, r.fromChar])).toEqual(server.generations.map((g) => ['generation', g.id, 0]));
    expect(heard.splices).toEqual([]);
    expect(heard.missingWords).toEqual([]);
    expect(heard.repeatedWords).toEqual([]);
  }, 30_000);

  it.each(['audio', 'sse'] as const)('several replies on one session and one keep-alive TCP connection (%s)', async (streamFormat) => {
    const server = await start();
    const s = createSpeechSession({ provider: providerFor(server, { maxConcurrentRequests: 1, streamFormat }), ...session });
    try {
      for (const text of ['First reply.', 'Second reply, a little longer.', 'Third.']) {
        const events = await lastValueFrom(s.say(text).pipe(toArray()));
        expect(events.at(-1)?.type).toBe('utterance-end');
      }
    } finally {
      await s.close();
    }
    expect(server.connectionCount).toBe(1);
    expect(server.generations.map((g) => g.text)).toEqual(['First reply.', 'Second reply, a little longer.', 'Third.']);
  });

  it('survives a slow first byte and an idle close of the keep-alive connection', async () => {
    const server = await start({ handshakeDelayMs: 100, idleCloseMs: 50 });
    const s = createSpeechSession({ provider: providerFor(server), ...session });
    try {
      expect((await lastValueFrom(s.say('Slow to start.').pipe(toArray()))).at(-1)?.type).toBe('utterance-end');
      await server.waitFor(() => server.openConnections === 0);
      expect((await lastValueFrom(s.say('Still here.').pipe(toArray()))).at(-1)?.type).toBe('utterance-end');
    } finally {
      await s.close();
    }
  });

  it('a response that never ends is a timeout, not a hang', async () => {
    const server = await start({ neverEnd: true });
    const outcome = await say('This never finishes.', providerFor(server));
    expect(outcome.error?.code).toBe('timeout');
  });

  it('barge-in: no late audio of the interrupted reply reaches the next one', async () => {
    const server = await start({}, { chunkIntervalMs: 2 });
    const s = createSpeechSession({ provider: providerFor(server), ...session });
    try {
      let interrupted = false;
      const first = lastValueFrom(
        s.say('The first reply is long, so that it is still speaking when the user talks over it. It goes on and on.').pipe(toArray()),
      );
      await server.waitFor(() => server.generations.some((g) => g.samplesSent > 0));
      s.interrupt();
      interrupted = true;
      const firstEvents = await first;
      expect(firstEvents.at(-1)?.type).toBe('interrupted');
      const before = new Set(server.generations.map((g) => g.id));
      const second = await lastValueFrom(s.say('Second reply.').pipe(toArray()));
      expect(interrupted).toBe(true);
      const runs = decodeHeard(Int16Array.from(audioOf(second).flatMap((p) => Array.from(p))), server.generations, { sampleRate: 24_000 });
      expect(runs.length).toBeGreaterThan(0);
      for (const run of runs) {
        expect(run.kind).toBe('generation');
        expect(before.has(run.generationId ?? -1), `audio of generation ${run.generationId} (interrupted reply) in the next reply`).toBe(false);
      }
      expect(runs.map((r) => r.text).join('')).toBe('Second reply.');
    } finally {
      await s.close();
    }
  });

  it('works inside fallback(): a refused provider hands over to the next one', async () => {
    const refusing = await start({ upgradeStatus: 401 });
    const healthy = await start();
    const outcome = await say('Hello from the second provider.', fallback([providerFor(refusing), providerFor(healthy)]) as ReturnType<typeof openai>);
    expect(outcome.error).toBeUndefined();
    expect(healthy.generations.map((g) => g.text).join('')).toBe('Hello from the second provider.');
  });
});
