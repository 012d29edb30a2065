/**
 * One client process of the scale bench (forked by ./scale.bench.ts with its config as JSON in argv[2];
 * the method is described there). It loads ONE engine — the baseline bundle or today's source — runs N
 * sessions against the test server, measures, and sends a {@link ClientResult} to the parent over IPC.
 *
 * Phases: JIT warm-up on an in-process instant provider (not measured) -> N sessions created and
 * connected (idle memory) -> 1 s idle with the instruments running (the bench's fixed CPU cost) ->
 * `ready`, wait for the parent's `go` (so the workers of a cluster run start together) -> all replies
 * start in the same tick -> every reply ends -> result.
 */
import { writeFileSync } from 'node:fs';
import { Session as InspectorSession } from 'node:inspector/promises';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Subject } from 'rxjs';
import type { ConnectionEvent, SpeechConnection, SpeechEvent, SpeechProvider, SpeechSession, SpeechSessionOptions } from '../src/index.js';
import { LoopSampler, memory, runQueueWaitMs } from './scale-measure.js';
import { analyzeProfile, type CpuProfile } from './scale-profile.js';
import { SCALE_SAMPLE_RATE, scaleProvider, type AudioCounter, type SpeechErrorClass } from './scale-protocol.js';
import { prng, replyText, tokenize } from './scale-replies.js';

/** What the parent asks of one client process. */
export interface ClientConfig {
  readonly engine: 'baseline' | 'today';
  /** The engine module's file: the baseline bundle, today's bundle (built by the parent) or today's source. */
  readonly enginePath: string;
  readonly sessions: number;
  readonly url: string;
  readonly seed: number;
  /** Index of this client's first session among all clients of the run (texts differ per session). */
  readonly firstSession: number;
  /** Replies per session, one after another (the next starts 300 ms after the previous was played). */
  readonly utterances: number;
  readonly minSentences: number;
  readonly maxSentences: number;
  readonly tokensPerSecond: number;
  readonly requestsInFlight: number;
  readonly maxBufferedAudioMs: number | undefined;
  /** When (ms after the start) heap is sampled, after `gc()`. */
  readonly memoryAtMs: readonly number[];
  /** Sampling interval of the in-process CPU profile (stretches), in µs; 0: no profile. */
  readonly profileUs: number;
  readonly hotspots: number;
  readonly timeoutMs: number;
  /** Where to write the in-process CPU profile (a .cpuprofile file), if anywhere. */
  readonly profileOut: string | undefined;
}

/** What one client process measured. Times in ms, memory in bytes. */
export interface ClientResult {
  readonly type: 'result';
  readonly sessions: number;
  readonly completed: number;
  readonly failed: number;
  readonly errors: string[];
  readonly timedOut: boolean;
  /** From the start to the last reply's end. */
  readonly wallMs: number;
  readonly loop: { readonly p50: number; readonly p99: number; readonly max: number; readonly count: number };
  /** Stretches of utter's own code (from the CPU profile), longest first (top 50), and how many exceed 20 ms. */
  readonly stretches:
    | { readonly top: number[]; readonly over20: number; readonly cpuTop: number[]; readonly cpuOver20: number; readonly count: number }
    | undefined;
  readonly ownCpuMs: number | undefined;
  readonly ownBreakdown: Array<{ where: string; ms: number }>;
  readonly hotspots: Array<{ name: string; selfMs: number }>;
  readonly firstAudioMs: number[];
  /** Audio delivered (= played), summed over replies. */
  readonly audioMs: number;
  /** Reply start -> end of its playback, summed over replies. */
  readonly playWallMs: number;
  /** Playback gaps after the first audio (underruns), summed over replies. */
  readonly gapMs: number;
  readonly idleBytes: number;
  /** Largest (heap + array buffers − baseline − audio the player has not played yet) over the memory samples. */
  readonly activeBytes: number | undefined;
  readonly callerHeldBytes: number | undefined;
  /** Per session: the most audio received from the server but not yet emitted to the caller (held inside utter). */
  readonly engineHeldBytes: number[];
  readonly cpuMs: number;
  /** The bench's fixed cost over the run (its idle CPU rate, measured for 1 s before the start, x wall time). */
  readonly overheadCpuMs: number;
  readonly gcMs: number;
  /** Longest GC pause (forced ones left out). */
  readonly gcMaxMs: number;
  /** Time the main thread was ready to run but waited for a CPU (Linux schedstat), in ms; undefined elsewhere. */
  readonly runQueueMs: number | undefined;
}

/** The engine module under test (today's source or the baseline bundle): the same two exports. */
interface Engine {
  createSpeechSession(options: SpeechSessionOptions): SpeechSession;
  readonly SpeechError: SpeechErrorClass;
}


// ------------------------------------------------------------------ a session as a player uses it

/** One session, its conversation and a simulated real-time player. */
interface Conversation {
  readonly session: SpeechSession;
  readonly counter: AudioCounter;
  readonly random: () => number;
  replies: number;
  utteranceId: string | undefined;
  /** The current reply is running (started, not ended). */
  active: boolean;
  startAt: number;
  firstAudioAt: number | undefined;
  /** When the audio queued so far finishes playing. */
  playEnd: number;
  /** Audio of the current reply emitted so far, in ms. */
  replyMs: number;
  /** Unplayed audio the caller holds (as a player's buffer would), oldest first. */
  readonly queue: Array<{ pcm: Int16Array; endAt: number }>;
  heldBytes: number;
  emittedBytes: number;
  engineHeldMax: number;
}

function playerTick(c: Conversation, now: number): void {
  while (c.queue.length > 0 && (c.queue[0] as { endAt: number }).endAt <= now) c.heldBytes -= (c.queue.shift() as { pcm: Int16Array }).pcm.byteLength;
  c.engineHeldMax = Math.max(c.engineHeldMax, c.counter.received - c.emittedBytes);
  if (c.active && c.utteranceId !== undefined && c.firstAudioAt !== undefined) {
    c.session.reportPlayback(c.utteranceId, Math.max(0, c.replyMs - Math.max(0, c.playEnd - now)));
  }
}

// ------------------------------------------------------------------ measuring

/** Warms the engine's code (JIT) on an in-process provider that answers each request at once. */
async function jitWarmup(engine: Engine): Promise<void> {
  const provider: SpeechProvider = {
    name: 'instant',
    capabilities: { textInput: 'request', segmentAcks: true, cancel: 'native', wordTimestamps: false, sampleRate: SCALE_SAMPLE_RATE, sampleRates: [SCALE_SAMPLE_RATE], encodings: ['pcm16'], maxConcurrentRequests: 3 },
    async connect(): Promise<SpeechConnection> {
      const events = new Subject<ConnectionEvent>();
      const open = new Map<string, number>();
      const finishing = new Set<string>();
      const frame = new Int16Array(960);
      return {
        events,
        send(r) {
          open.set(r.utteranceId, (open.get(r.utteranceId) ?? 0) + 1);
          setImmediate(() => {
            for (let i = 0; i < 4; i++) events.next({ type: 'audio', utteranceId: r.utteranceId, segmentId: r.segmentId, pcm: frame, sampleRate: SCALE_SAMPLE_RATE });
            events.next({ type: 'segment-done', utteranceId: r.utteranceId, segmentId: r.segmentId });
            const left = (open.get(r.utteranceId) ?? 1) - 1;
            open.set(r.utteranceId, left);
            if (left === 0 && finishing.delete(r.utteranceId)) events.next({ type: 'utterance-done', utteranceId: r.utteranceId });
          });
        },
        finish(id) {
          if ((open.get(id) ?? 0) === 0) setImmediate(() => events.next({ type: 'utterance-done', utteranceId: id }));
          else finishing.add(id);
        },
        cancel() {},
        close() {
          events.next({ type: 'closed' });
          events.complete();
        },
      };
    },
  };
  const random = prng(12345);
  const sessions = Array.from({ length: 30 }, () => engine.createSpeechSession({ provider }));
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      sessions.map(
        (s) =>
          new Promise<void>((resolve) => {
            const input = new Subject<string>();
            s.say(input).subscribe({ error: () => resolve(), complete: () => resolve() });
            const tokens = tokenize(replyText(random, 3, 5));
            let i = 0;
            const push = (): void => {
              if (i < tokens.length) {
                input.next(tokens[i++] as string);
                setImmediate(push);
              } else input.complete();
            };
            push();
          }),
      ),
    );
  }
  await Promise.all(sessions.map((s) => s.close()));
}

// ------------------------------------------------------------------ the run

async function run(config: ClientConfig): Promise<ClientResult> {
  const engine = (await import(pathToFileURL(config.enginePath).href)) as Engine;
  await jitWarmup(engine);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const base = memory();

  const conversations: Conversation[] = [];
  for (let i = 0; i < config.sessions; i++) {
    const counter: AudioCounter = { received: 0 };
    const provider = scaleProvider({ url: config.url, SpeechError: engine.SpeechError, requestsInFlight: config.requestsInFlight, counter });
    const options: SpeechSessionOptions = config.maxBufferedAudioMs === undefined ? { provider } : { provider, maxBufferedAudioMs: config.maxBufferedAudioMs };
    conversations.push({
      session: engine.createSpeechSession(options),
      counter,
      random: prng(config.seed * 1_000_003 + config.firstSession + i),
      replies: 0,
      utteranceId: undefined,
      active: false,
      startAt: 0,
      firstAudioAt: undefined,
      playEnd: 0,
      replyMs: 0,
      queue: [],
      heldBytes: 0,
      emittedBytes: 0,
      engineHeldMax: 0,
    });
  }
  // Connect in batches (a listen backlog is finite), then measure idle memory.
  for (let i = 0; i < conversations.length; i += 100) await Promise.all(conversations.slice(i, i + 100).map((c) => c.session.warmup()));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const idle = memory();


  const firstAudioMs: number[] = [];
  const errors: string[] = [];
  let completed = 0;
  let failed = 0;
  let audioMs = 0;
  let playWallMs = 0;
  let gapMs = 0;
  let pending = config.sessions * config.utterances;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (finish = resolve));

  const startReply = (c: Conversation): void => {
    c.replies++;
    c.active = true;
    c.utteranceId = undefined;
    c.startAt = performance.now();
    c.firstAudioAt = undefined;
    c.replyMs = 0;
    const input = new Subject<string>();
    let gaps = 0;
    const end = (error?: unknown): void => {
      if (!c.active) return;
      c.active = false;
      if (error === undefined) completed++;
      else {
        failed++;
        if (errors.length < 5) errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
      if (c.firstAudioAt !== undefined) {
        firstAudioMs.push(c.firstAudioAt - c.startAt);
        audioMs += c.replyMs;
        playWallMs += c.playEnd - c.startAt;
        gapMs += gaps;
      }
      if (c.replies < config.utterances) setTimeout(() => startReply(c), Math.max(0, c.playEnd - performance.now()) + 300);
      if (--pending === 0) finish();
    };
    c.session.say(input).subscribe({
      next: (e: SpeechEvent) => {
        if (e.type !== 'audio') return;
        const now = performance.now();
        c.utteranceId ??= e.utteranceId;
        const ms = e.pcm.length / (SCALE_SAMPLE_RATE / 1000);
        let from = c.playEnd;
        if (c.firstAudioAt === undefined) {
          c.firstAudioAt = now;
          from = now;
        } else if (from < now) {
          gaps += now - from;
          from = now;
        }
        c.playEnd = from + ms;
        c.replyMs += ms;
        c.queue.push({ pcm: e.pcm, endAt: c.playEnd });
        c.heldBytes += e.pcm.byteLength;
        c.emittedBytes += e.pcm.byteLength;
      },
      error: (err: unknown) => end(err ?? new Error('error')),
      complete: () => end(),
    });
    // Tokens at ~tokensPerSecond, each gap 0.5–1.5x the mean: an LLM is not a metronome.
    const tokens = tokenize(replyText(c.random, config.minSentences, config.maxSentences));
    const mean = 1000 / config.tokensPerSecond;
    let next = 0;
    const push = (): void => {
      if (!c.active) return;
      if (next < tokens.length) {
        input.next(tokens[next++] as string);
        setTimeout(push, mean * (0.5 + c.random()));
      } else input.complete();
    };
    setTimeout(push, mean * (0.5 + c.random()));
  };

  // Measuring starts.
  const loop = new LoopSampler();
  const forcedGc: Array<[number, number]> = [];
  const gcEntries: Array<[number, number]> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcEntries.push([e.startTime, e.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  let inspector: InspectorSession | undefined;
  if (config.profileUs > 0) {
    inspector = new InspectorSession();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: config.profileUs });
    await inspector.post('Profiler.start');
  }
  const ticker = setInterval(() => {
    const now = performance.now();
    for (const c of conversations) playerTick(c, now);
  }, 100);
  // The bench's own fixed cost (profiler, player ticks, loop sampler) with every session idle, per ms.
  const idleLoop = new LoopSampler();
  idleLoop.start();
  const idleCpu = process.cpuUsage();
  const idleFrom = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleUsed = process.cpuUsage(idleCpu);
  const overheadPerMs = (idleUsed.user + idleUsed.system) / 1000 / (performance.now() - idleFrom);
  idleLoop.stop();

  if (process.send) {
    process.send({ type: 'ready' });
    await new Promise<void>((resolve) => process.once('message', () => resolve()));
  }

  const cpuBefore = process.cpuUsage();
  const waitBefore = runQueueWaitMs();
  loop.start();
  const t0 = performance.now();
  for (const c of conversations) startReply(c);

  let activeBytes: number | undefined;
  let callerHeldBytes: number | undefined;
  const memoryTimers = config.memoryAtMs.map((at) =>
    setTimeout(() => {
      if (pending === 0) return;
      loop.stop();
      const from = performance.now();
      const now = from;
      for (const c of conversations) playerTick(c, now);
      const held = conversations.reduce((n, c) => n + c.heldBytes, 0);
      const bytes = memory() - base - held;
      if (activeBytes === undefined || bytes > activeBytes) {
        activeBytes = bytes;
        callerHeldBytes = held;
      }
      forcedGc.push([from, performance.now()]);
      loop.start();
    }, at),
  );
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    finish();
  }, config.timeoutMs);
  await allDone;
  const wallMs = performance.now() - t0;
  clearTimeout(timeout);
  for (const t of memoryTimers) clearTimeout(t);
  loop.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const waitAfter = runQueueWaitMs();
  const profile = inspector ? ((await inspector.post('Profiler.stop')) as { profile: CpuProfile }).profile : undefined;
  inspector?.disconnect();
  observer.disconnect();
  clearInterval(ticker);
  const now = performance.now();
  for (const c of conversations) playerTick(c, now);

  if (profile && config.profileOut) writeFileSync(config.profileOut, JSON.stringify(profile));
  const summary = profile ? analyzeProfile(profile, config.hotspots) : undefined;
  const inForced = (at: number): boolean => forcedGc.some(([a, b]) => at >= a - 1 && at <= b + 1);
  const pauses = gcEntries.filter(([at]) => !inForced(at)).map(([, d]) => d);
  const gcMs = pauses.reduce((n, d) => n + d, 0);
  const h = loop.histogram;
  const result: ClientResult = {
    type: 'result',
    sessions: config.sessions,
    completed,
    failed,
    errors,
    timedOut,
    wallMs,
    loop: { p50: h.percentile(50) / 1000, p99: h.percentile(99) / 1000, max: h.max / 1000, count: h.count },
    stretches: summary
      ? {
          top: summary.stretches.slice(0, 50),
          over20: summary.stretches.filter((s) => s > 20).length,
          cpuTop: summary.cpuStretches.slice(0, 50),
          cpuOver20: summary.cpuStretches.filter((s) => s > 20).length,
          count: summary.stretches.length,
        }
      : undefined,
    ownCpuMs: summary?.ownMs,
    ownBreakdown: summary?.ownBreakdown ?? [],
    hotspots: summary?.hotspots ?? [],
    firstAudioMs,
    audioMs,
    playWallMs,
    gapMs,
    idleBytes: idle - base,
    activeBytes,
    callerHeldBytes,
    engineHeldBytes: conversations.map((c) => c.engineHeldMax),
    cpuMs: (cpu.user + cpu.system) / 1000,
    overheadCpuMs: overheadPerMs * wallMs,
    gcMs,
    gcMaxMs: pauses.length > 0 ? Math.max(...pauses) : 0,
    runQueueMs: waitBefore !== undefined && waitAfter !== undefined ? waitAfter - waitBefore : undefined,
  };
  await Promise.all(conversations.map((c) => c.session.close()));
  return result;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
if (config.engine === undefined) {
  console.error('scale-client: run by scale.bench.ts (config as JSON in argv[2])');
  process.exit(2);
}
try {
  const result = await run(config);
  if (process.send) process.send(result, () => process.exit(0));
  else {
    console.log(JSON.stringify(result));
    process.exit(0);
  }
} catch (err) {
  console.error(err);
  process.exit(1);
}
