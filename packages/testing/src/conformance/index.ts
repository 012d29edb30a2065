/**
 * The adapter conformance suite: registers vitest `describe`/`it` blocks that drive an adapter
 * through utter's session engine (`speak`, `createSpeechSession`) against its protocol test server,
 * with and without faults, and check the invariants: no lost or doubled text, typed errors, no hang,
 * no event after cancellation, no leaked key, no protocol violation.
 *
 * Import from `@utter/testing/conformance` (it needs vitest, an optional peer dependency).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Subscription, type Observable } from 'rxjs';
import {
  SpeechError,
  createSpeechSession,
  speak,
  type SpeechEvent,
  type SpeechProvider,
  type SpeechSessionOptions,
  type SpeechErrorCode,
} from '@utter/core';
import type { FaultOptions } from '../base/faults.js';
import type { TestServer } from '../base/server.js';
import { countChars, DEFAULT_MS_PER_CHAR } from '../base/pcm.js';
import { RECOVERY_FAULT_AFTER_CHUNKS, RECOVERY_TEXT, expectHeardOnce, heardReply } from './heard.js';

export { RECOVERY_FAULT_AFTER_CHUNKS, RECOVERY_TEXT, expectHeardOnce, heardReply, type HeardReport } from './heard.js';

/** The checks of the suite, by id (pass ids in `exclude` to leave out those that cannot apply, with a reason in your docs). */
export const CONFORMANCE_CHECKS = [
  'one-reply',
  'many-replies',
  'cancel',
  'cancel-in-session',
  'interrupt',
  'upgrade-401',
  'upgrade-429',
  'auth-error',
  'rate-limit-error',
  'text-too-long',
  'server-error-recovers',
  'drop-after-chunks-recovers',
  'drop-after-ms-recovers',
  'malformed-frame',
  'never-ends',
  'handshake-withheld-recovers',
  'handshake-delayed',
  'idle-close-reconnects',
  'no-key',
  'drop-recover-no-splice',
  'error-recover-no-splice',
] as const;
/** A check id. */
export type ConformanceCheck = (typeof CONFORMANCE_CHECKS)[number];

/** Options of {@link runConformanceSuite}. */
export interface ConformanceOptions<S extends TestServer> {
  /** Name shown in the `describe` block. */
  readonly name: string;
  /** Starts a fresh test server with the given faults (one per test). */
  readonly createServer: (faults: FaultOptions) => Promise<S>;
  /**
   * Creates the adapter pointed at the server (`baseUrl: server.baseUrl`). `apiKey` is the key to use:
   * the server's own, or `undefined` to check the no-key behaviour (the factory must then read the
   * key from an environment variable the suite has cleared).
   */
  readonly createProvider: (server: S, apiKey: string | undefined) => SpeechProvider;
  /** The environment variable the adapter reads its key from (cleared for the `no-key` check). */
  readonly apiKeyEnv?: string;
  /** Milliseconds of server audio per character (the servers' default is 60). */
  readonly msPerChar?: number;
  /**
   * Checks that cannot apply to this configuration (e.g. socket faults when no audio flows on the
   * socket). They are not registered at all, so a run never reports them as skipped.
   */
  readonly exclude?: readonly ConformanceCheck[];
  /** Extra session options (the suite sets short timeouts and fast retries). */
  readonly session?: Partial<Omit<SpeechSessionOptions, 'provider'>>;
  /** Longest a single reply may take before the suite reports a hang, in ms. Default 8 000. */
  readonly hangMs?: number;
  /**
   * Checks known to fail today, registered with vitest's `it.fails` (the run stays green while they
   * fail, and turns red the moment they pass, so the entry is removed then). Use for an engine or
   * adapter bug being fixed, never to hide one: say which bug in a comment beside the list.
   */
  readonly knownFailures?: readonly ConformanceCheck[];
}

const LONG_TEXT =
  'Realtime speech needs care. The first clause should arrive quickly, and later sentences may grow longer; ' +
  'every character must be spoken exactly once, in order, without gaps. Numbers like 3.14 and e-mails like a@b.co stay whole. ' +
  'This paragraph is long enough that cancelling it after the first audio leaves plenty unspoken!';
const SHORT_TEXT = 'Hello there. This is a short reply.';

interface Outcome {
  readonly events: SpeechEvent[];
  readonly error: SpeechError | undefined;
  readonly completed: boolean;
}

/** Subscribes and collects until completion or error; fails the test on a hang. */
function collect(source: Observable<SpeechEvent>, hangMs: number, onEvent?: (e: SpeechEvent, sub: Subscription) => void): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const events: SpeechEvent[] = [];
    const sub = new Subscription();
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`hang: the reply neither completed nor failed within ${hangMs} ms (${events.length} events)`));
    }, hangMs);
    sub.add(
      source.subscribe({
        next: (e) => {
          events.push(e);
          onEvent?.(e, sub);
        },
        error: (err: unknown) => {
          clearTimeout(timer);
          resolve({ events, error: err instanceof SpeechError ? err : (err as SpeechError), completed: false });
        },
        complete: () => {
          clearTimeout(timer);
          resolve({ events, error: undefined, completed: true });
        },
      }),
    );
    sub.add(() => clearTimeout(timer));
  });
}

function audioMs(events: readonly SpeechEvent[]): number {
  return events.reduce((ms, e) => (e.type === 'audio' ? ms + (e.pcm.length * 1000) / e.sampleRate : ms), 0);
}

/** Everything but the audio samples, for leak checks. */
function printable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Int16Array ? `[pcm ${v.length}]` : v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v));
}

/**
 * Registers the conformance suite for one adapter. Call it at the top level of a test file.
 *
 * @example
 * ```ts
 * import { runConformanceSuite } from '@utter/testing/conformance';
 * import { createMurmrServer } from '@utter/testing';
 * runConformanceSuite({
 *   name: 'murmr',
 *   createServer: (faults) => createMurmrServer({ faults }),
 *   createProvider: (server, apiKey) => murmr({ apiKey, baseUrl: server.baseUrl }),
 *   apiKeyEnv: 'MURMR_API_KEY',
 * });
 * ```
 */
export function runConformanceSuite<S extends TestServer>(options: ConformanceOptions<S>): void {
  const msPerChar = options.msPerChar ?? DEFAULT_MS_PER_CHAR;
  const hangMs = options.hangMs ?? 8_000;
  const excluded = new Set<string>(options.exclude ?? []);
  const failing = new Set<string>(options.knownFailures ?? []);
  const check = (id: ConformanceCheck, body: () => Promise<void>): void => {
    if (excluded.has(id)) return;
    if (failing.has(id)) it.fails(`${id} (known failure)`, body, hangMs * 3);
    else it(id, body, hangMs * 3);
  };

  describe(`conformance: ${options.name}`, () => {
    const servers: S[] = [];
    const logged: string[] = [];
    let server: S;

    const start = async (faults: FaultOptions = {}): Promise<S> => {
      server = await options.createServer(faults);
      servers.push(server);
      return server;
    };
    const sessionOptions = (provider: SpeechProvider): SpeechSessionOptions => ({
      provider,
      timeouts: { handshakeMs: 1_000, firstAudioMs: 1_500 },
      retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 20 },
      ...options.session,
    });
    const provider = (): SpeechProvider => options.createProvider(server, server.apiKey);
    const say = (text: string, extra: { signal?: AbortSignal } = {}): Promise<Outcome> =>
      collect(speak(text, { ...sessionOptions(provider()), ...extra }), hangMs);

    /** No lost or doubled text: segments cover the input exactly; audio matches the speakable text. */
    const expectExactlyOnce = (input: string, outcome: Outcome): void => {
      const segments = outcome.events.filter((e) => e.type === 'segment');
      expect(segments.map((s) => s.text).join('')).toBe(input);
      const upper = segments.reduce((n, s) => n + countChars(s.speakable), 0) * msPerChar;
      const lower = segments.reduce((n, s) => n + countChars(s.speakable.trimEnd()), 0) * msPerChar;
      const ms = audioMs(outcome.events);
      const slack = 1 + segments.length; // rounding to whole samples
      expect(ms, 'audio shorter than the text: text was lost').toBeGreaterThanOrEqual(lower - slack);
      expect(ms, 'audio longer than the text: text was doubled').toBeLessThanOrEqual(upper + slack);
      const end = outcome.events.at(-1);
      expect(end?.type).toBe('utterance-end');
    };
    /** Words a resume may repeat: the cut word with word timings; one more where the point is estimated. */
    const maxRepeated = (): number => (provider().capabilities.wordTimestamps ? 1 : 2);
    /**
     * After a fault mid-reply: segments cover the input, and the decoded audio says every word once,
     * with no splice (a resume may say the cut word again, so audio length is no measure here).
     */
    const expectRecovered = (input: string, outcome: Outcome): void => {
      const segments = outcome.events.filter((e) => e.type === 'segment');
      expect(segments.map((s) => s.text).join('')).toBe(input);
      const speakable = segments.map((s) => s.speakable).join('');
      expectHeardOnce(heardReply(outcome.events, speakable, server.generations, msPerChar), maxRepeated());
      expect(outcome.events.at(-1)?.type).toBe('utterance-end');
    };
    const expectTypedError = (outcome: Outcome, codes: readonly SpeechErrorCode[]): void => {
      expect(outcome.completed, 'the reply should have failed').toBe(false);
      expect(outcome.error).toBeInstanceOf(SpeechError);
      expect(codes).toContain(outcome.error?.code);
    };

    beforeEach(() => {
      logged.length = 0;
      for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
          logged.push(args.map((a) => (typeof a === 'string' ? a : printable(a))).join(' '));
        });
      }
    });
    afterEach(async () => {
      vi.restoreAllMocks();
      const key = server?.apiKey;
      await Promise.all(servers.splice(0).map((s) => s.close()));
      if (key !== undefined) for (const line of logged) expect(line, 'API key in a log line').not.toContain(key);
    });
    const expectNoLeak = (outcome: Outcome): void => {
      const text = printable(outcome.events) + printable(outcome.error) + String(outcome.error?.stack ?? '');
      expect(text, 'API key in an event or error').not.toContain(server.apiKey);
    };

    check('one-reply', async () => {
      await start();
      const outcome = await say(LONG_TEXT);
      expect(outcome.error).toBeUndefined();
      expectExactlyOnce(LONG_TEXT, outcome);
      expectNoLeak(outcome);
      expect(server.violations).toEqual([]);
    });

    check('many-replies', async () => {
      await start();
      const session = createSpeechSession(sessionOptions(provider()));
      try {
        for (const text of [SHORT_TEXT, LONG_TEXT, 'And a third one.']) {
          const outcome = await collect(session.say(text), hangMs);
          expect(outcome.error).toBeUndefined();
          expectExactlyOnce(text, outcome);
        }
      } finally {
        await session.close();
      }
      expect(server.connectionCount, 'replies should share one connection').toBe(1);
      expect(server.violations).toEqual([]);
    });

    check('cancel', async () => {
      await start({});
      const ac = new AbortController();
      let cut = -1;
      const events: SpeechEvent[] = [];
      const sub = speak(LONG_TEXT, { ...sessionOptions(provider()), signal: ac.signal }).subscribe({
        next: (e) => {
          events.push(e);
          if (e.type === 'audio' && cut < 0) {
            cut = events.length;
            ac.abort();
          }
        },
        error: () => undefined,
      });
      await server.waitFor(() => cut >= 0, hangMs);
      await server.waitFor(() => server.generations.every((g) => g.status !== 'streaming') || server.openConnections === 0, hangMs);
      expect(events.length, 'events after cancellation').toBe(cut);
      sub.unsubscribe();
      expect(server.violations).toEqual([]);
    });

    check('cancel-in-session', async () => {
      await start();
      const session = createSpeechSession(sessionOptions(provider()));
      try {
        let after = 0;
        let cancelled = false;
        const first = collect(session.say(LONG_TEXT), hangMs, (e, sub) => {
          if (cancelled) after++;
          if (e.type === 'audio' && !cancelled) {
            cancelled = true;
            sub.unsubscribe();
          }
        });
        void first.catch(() => undefined);
        await server.waitFor(() => cancelled, hangMs);
        const second = await collect(session.say(SHORT_TEXT), hangMs);
        expect(after, 'events after cancellation').toBe(0);
        expect(second.error).toBeUndefined();
        expectExactlyOnce(SHORT_TEXT, second); // no late audio of the cancelled reply
      } finally {
        await session.close();
      }
      expect(server.violations).toEqual([]);
    });

    check('interrupt', async () => {
      await start();
      const session = createSpeechSession(sessionOptions(provider()));
      try {
        let interrupted = false;
        const first = await collect(session.say(LONG_TEXT), hangMs, (e) => {
          if (e.type === 'audio' && !interrupted) {
            interrupted = true;
            session.interrupt();
          }
        });
        const last = first.events.at(-1);
        expect(last?.type).toBe('interrupted');
        if (last?.type === 'interrupted') expect(LONG_TEXT.startsWith(last.spokenText)).toBe(true);
        const second = await collect(session.say(SHORT_TEXT), hangMs);
        expectExactlyOnce(SHORT_TEXT, second);
      } finally {
        await session.close();
      }
      expect(server.violations).toEqual([]);
    });

    check('upgrade-401', async () => {
      await start({ upgradeStatus: 401 });
      const outcome = await say(SHORT_TEXT);
      expectTypedError(outcome, ['auth']);
      expect(server.connectionCount, 'auth failures are not retried').toBe(1);
      expectNoLeak(outcome);
    });

    check('upgrade-429', async () => {
      await start({ upgradeStatus: 429 });
      const outcome = await say(SHORT_TEXT);
      expectTypedError(outcome, ['rate-limit']);
      expectNoLeak(outcome);
    });

    check('auth-error', async () => {
      await start({ error: 'auth' });
      const outcome = await say(SHORT_TEXT);
      expectTypedError(outcome, ['auth']);
      expectNoLeak(outcome);
    });

    check('rate-limit-error', async () => {
      await start({ error: 'rate-limit' });
      const outcome = await say(SHORT_TEXT);
      // Rate limits are retryable: the reply either recovers (text exactly once) or fails typed.
      if (outcome.completed) expectExactlyOnce(SHORT_TEXT, outcome);
      else expectTypedError(outcome, ['rate-limit']);
      expectNoLeak(outcome);
    });

    check('text-too-long', async () => {
      await start({ error: 'text-too-long' });
      const outcome = await say(SHORT_TEXT);
      expectTypedError(outcome, ['text-too-long']);
      expect(outcome.error?.retryable).toBe(false);
    });

    check('server-error-recovers', async () => {
      await start({ error: 'server', faultyConnections: 1 });
      const outcome = await say(LONG_TEXT);
      expect(outcome.error).toBeUndefined();
      expectRecovered(LONG_TEXT, outcome);
    });

    check('drop-after-chunks-recovers', async () => {
      await start({ dropAfterChunks: 3, faultyConnections: 1 });
      const outcome = await say(LONG_TEXT);
      expect(outcome.error).toBeUndefined();
      expectRecovered(LONG_TEXT, outcome);
      expect(server.connectionCount).toBe(2);
    });

    check('drop-after-ms-recovers', async () => {
      await start({ dropAfterMs: 1, faultyConnections: 1 });
      const outcome = await say(SHORT_TEXT);
      expect(outcome.error).toBeUndefined();
      expectRecovered(SHORT_TEXT, outcome);
    });

    check('malformed-frame', async () => {
      await start({ malformedFrame: true, faultyConnections: 1 });
      const outcome = await say(SHORT_TEXT);
      if (outcome.completed) expectRecovered(SHORT_TEXT, outcome);
      else expectTypedError(outcome, ['protocol']);
    });

    check('never-ends', async () => {
      await start({ neverEnd: true, faultyConnections: 1 });
      const outcome = await say(SHORT_TEXT);
      if (outcome.completed) expectRecovered(SHORT_TEXT, outcome);
      else expectTypedError(outcome, ['timeout']);
    });

    check('handshake-withheld-recovers', async () => {
      await start({ withholdHandshake: true, faultyConnections: 1 });
      const outcome = await say(SHORT_TEXT);
      expect(outcome.error).toBeUndefined();
      expectRecovered(SHORT_TEXT, outcome);
    });

    check('handshake-delayed', async () => {
      await start({ handshakeDelayMs: 50 });
      const outcome = await say(SHORT_TEXT);
      expectExactlyOnce(SHORT_TEXT, outcome);
    });

    check('idle-close-reconnects', async () => {
      await start({ idleCloseMs: 100 });
      const session = createSpeechSession(sessionOptions(provider()));
      try {
        expectExactlyOnce(SHORT_TEXT, await collect(session.say(SHORT_TEXT), hangMs));
        await server.waitFor(() => server.openConnections === 0, hangMs);
        const again = await collect(session.say('Still here.'), hangMs);
        expect(again.error).toBeUndefined();
        expectExactlyOnce('Still here.', again);
      } finally {
        await session.close();
      }
    });

    // Recovery resumes at a word and never splices: after a drop (or a retryable server error) in the
    // middle of a word, the listener hears every word once, at most the cut word twice, and no
    // generation entered anywhere but at its start (decoded from the tagged test audio).
    check('drop-recover-no-splice', async () => {
      await start({ dropAfterChunks: RECOVERY_FAULT_AFTER_CHUNKS, faultyConnections: 1 });
      const outcome = await say(RECOVERY_TEXT);
      expect(outcome.error).toBeUndefined();
      expect(server.generations.some((g) => g.status === 'dropped'), 'the drop should hit a generation mid-way').toBe(true);
      expectHeardOnce(heardReply(outcome.events, RECOVERY_TEXT, server.generations, msPerChar), maxRepeated());
      expect(outcome.events.at(-1)?.type).toBe('utterance-end');
    });

    check('error-recover-no-splice', async () => {
      await start({ error: { kind: 'server', afterChunks: RECOVERY_FAULT_AFTER_CHUNKS }, faultyConnections: 1 });
      const outcome = await say(RECOVERY_TEXT);
      expect(outcome.error).toBeUndefined();
      expect(server.generations.some((g) => g.status === 'error'), 'the error should hit a generation mid-way').toBe(true);
      expectHeardOnce(heardReply(outcome.events, RECOVERY_TEXT, server.generations, msPerChar), maxRepeated());
      expect(outcome.events.at(-1)?.type).toBe('utterance-end');
    });

    check('no-key', async () => {
      await start();
      const env = options.apiKeyEnv;
      const saved = env === undefined ? undefined : process.env[env];
      if (env !== undefined) delete process.env[env];
      try {
        const p = options.createProvider(server, undefined);
        const outcome = await collect(speak(SHORT_TEXT, sessionOptions(p)), hangMs);
        expectTypedError(outcome, ['auth']);
        if (env !== undefined) expect(outcome.error?.message).toContain(env);
      } finally {
        if (env !== undefined && saved !== undefined) process.env[env] = saved;
      }
    });
  });
}
