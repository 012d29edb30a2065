/**
 * The scale bench: many sessions in one process, the baseline engine beside today's.
 * Part of `pnpm bench` (about 3 minutes); alone from packages/core: `pnpm bench:scale`.
 *
 * Setup. A mock TTS service runs in its own process (./scale-server.ts): one request per segment,
 * several in flight per connection, each request's audio streamed in real time (24 kHz PCM16, frames of
 * about 40 ms, sizes and timing jittered) and interleaved with the others' — so audio reaches the client
 * out of order and the engine must hold it until its turn. Each measured run is a fresh client process
 * (./scale-client.ts) that loads ONE engine: the baseline bundle (./baseline/core-fe4463e.js, the engine
 * before issue 15) or today's (src/, bundled at start by tsup with the package's settings, as the
 * baseline was; SCALE_TODAY=source loads src/*.ts through tsx instead). Both run the same adapter
 * (./scale-protocol.ts) against the same server process, one after the other for each N.
 *
 * Load. N sessions from `createSpeechSession` (default options; the provider declares 3 requests in
 * flight), connected ahead. Then every session starts a reply in the SAME tick (many replies at once):
 * 3–5 conversational sentences, written as LLM tokens at ~60 tokens/s (gaps 0.5–1.5x the mean). A
 * simulated player per session consumes the audio in real time: it keeps the chunks not yet played
 * (and only those), starts playing at the first chunk, stalls (an underrun) when the next chunk is
 * late, and reports its position with `reportPlayback` every 100 ms. The run ends when every reply has
 * ended. Each client is JIT-warmed first on an in-process provider (not measured).
 *
 * Metrics (client process only; the server's CPU is reported beside):
 * - event-loop delay p50/p99/max: lateness of a 10 ms timer (monitorEventLoopDelay's method, recorded
 *   by the bench so that the forced GCs of the memory samples can be left out);
 * - own-code stalls: an in-process V8 CPU profile (1 ms sampling) is cut into stretches — runs of
 *   consecutive samples with utter's code (its source, or either bundle) anywhere on the stack. What
 *   utter calls synchronously (rxjs, zod, the caller's subscriber) is part of its stretch; the socket's
 *   parsing and the bench's token and player timers are not. "On CPU" counts only utter's samples, each
 *   gap between samples at most 3 intervals (a longer gap is the thread preempted by another process)
 *   and without the GC pauses inside the stretch (reported apart as the longest GC pause): the time
 *   utter's code itself ran without a break. "Wall" is the loop blocked from the stretch's first sample
 *   to the first sample after it, preemption and GC included. Error: ±1 sampling interval. Calls into
 *   utter back to back in one turn (N `say()` in the start tick, socket reads in one poll phase with
 *   nothing else between) merge into one stretch: the loop was blocked throughout;
 * - throughput, share of linear: audio played / (reply start -> end of its playback), summed over
 *   replies — 100 % would be every session speaking from its first token without a break (linear =
 *   N x real time); first-audio latency and underruns take it down;
 * - first audio p50/p99: reply start (the tick all replies start in) -> first `audio` event;
 * - memory per session (heap used + array buffers, after `gc()`): idle = N connected sessions minus
 *   the baseline before they existed; active = the largest mid-reply sample (at SCALE_MEMORY_AT ms)
 *   minus the baseline and minus the audio the player holds unplayed (the caller's), over N; it
 *   includes the client socket, the adapter and the bench's per-session state. "Audio held inside
 *   utter" = per session, the most audio bytes received from the server but not yet emitted to the
 *   caller (out-of-order audio waiting for its turn), sampled every 100 ms;
 * - CPU per utterance: the client process's user+system CPU during the run / replies completed (it
 *   includes the adapter, ws, the bench's token and player timers and the profiler); "net" subtracts
 *   the bench's fixed cost (its CPU rate with every session idle, measured for 1 s before the start,
 *   x the run's wall time), which dominates at small N; "utter's code" is the profile's time with
 *   utter on the stack / replies;
 * - GC share: time in GC pauses (PerformanceObserver 'gc', forced GCs left out) / process CPU;
 * - client waited for a CPU: the main thread's run-queue wait (Linux /proc schedstat) / wall time —
 *   how much other processes on the machine (the server included) took from the client.
 *
 * Environment (all optional): SCALE_N=10,100,500,1000  SCALE_ENGINES=baseline,today
 * SCALE_WORKERS=1 (e.g. 1,2: also spread each N over 2 client processes, the cluster recipe)
 * SCALE_UTTERANCES=1 (replies per session)  SCALE_SENTENCES=3-5  SCALE_TOKENS_PER_S=60
 * SCALE_IN_FLIGHT=3  SCALE_MAX_BUFFERED_MS (unset: no pacing)  SCALE_MEMORY_AT=2500,5000
 * SCALE_PROFILE_US=1000 (0: no profile, no stall figures)  SCALE_HOTSPOTS=0 (top own functions per run)
 * SCALE_PROFILE_DIR=dir (write each run's in-process profile there, a .cpuprofile)
 * SCALE_CPU_PROF_DIR=dir (clients run with `node --cpu-prof` instead of the in-process profile; one
 *   folder per run, the main thread's profile is its largest file)
 * SCALE_TODAY=bundle|source  SCALE_TIMEOUT_MS=90000 (per run)  SCALE_SEED=1  SCALE=0 (skip in `pnpm bench`).
 * Summarize a profile: `node --import tsx bench/scale-profile.ts file.cpuprofile [top]`.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientConfig, ClientResult } from './scale-client.js';
import { printProfileSummary } from './scale-profile.js';
import type { ServerStats } from './scale-server.js';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

const list = (value: string | undefined, fallback: number[]): number[] =>
  value === undefined || value.trim() === '' ? fallback : value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n > 0);

type EngineName = ClientConfig['engine'];

interface Settings {
  readonly sessions: number[];
  readonly engines: EngineName[];
  readonly workers: number[];
  readonly utterances: number;
  readonly minSentences: number;
  readonly maxSentences: number;
  readonly tokensPerSecond: number;
  readonly requestsInFlight: number;
  readonly maxBufferedAudioMs: number | undefined;
  readonly memoryAtMs: number[];
  readonly profileUs: number;
  readonly hotspots: number;
  readonly cpuProfDir: string | undefined;
  readonly profileDir: string | undefined;
  /** Today's engine: 'bundle' (built at start, as the baseline was) or 'source' (src/*.ts through tsx). */
  readonly today: 'bundle' | 'source';
  todayPath: string;
  readonly timeoutMs: number;
  readonly seed: number;
}

function settings(env = process.env): Settings {
  const [min, max] = (env.SCALE_SENTENCES ?? '3-5').split('-').map(Number);
  const engines = (env.SCALE_ENGINES ?? 'baseline,today').split(',').map((s) => s.trim()).filter((s): s is EngineName => s === 'baseline' || s === 'today');
  const cpuProfDir = env.SCALE_CPU_PROF_DIR || undefined;
  return {
    sessions: list(env.SCALE_N, [10, 100, 500, 1000]),
    engines: engines.length > 0 ? engines : ['baseline', 'today'],
    workers: list(env.SCALE_WORKERS, [1]),
    utterances: Number(env.SCALE_UTTERANCES ?? 1),
    minSentences: min ?? 3,
    maxSentences: max ?? min ?? 5,
    tokensPerSecond: Number(env.SCALE_TOKENS_PER_S ?? 60),
    requestsInFlight: Number(env.SCALE_IN_FLIGHT ?? 3),
    maxBufferedAudioMs: env.SCALE_MAX_BUFFERED_MS ? Number(env.SCALE_MAX_BUFFERED_MS) : undefined,
    memoryAtMs: list(env.SCALE_MEMORY_AT, [2500, 5000]),
    profileUs: cpuProfDir ? 0 : Number(env.SCALE_PROFILE_US ?? 1000),
    hotspots: Number(env.SCALE_HOTSPOTS ?? 0),
    cpuProfDir,
    profileDir: env.SCALE_PROFILE_DIR || undefined,
    today: env.SCALE_TODAY === 'source' ? 'source' : 'bundle',
    todayPath: SOURCE,
    timeoutMs: Number(env.SCALE_TIMEOUT_MS ?? 90_000),
    seed: Number(env.SCALE_SEED ?? 1),
  };
}

const BASELINE = here('./baseline/core-fe4463e.js');
const SOURCE = here('../src/index.ts');
const BUNDLE_DIR = here('../node_modules/.cache/utter-scale/');

/**
 * Today's engine as the baseline is: an ESM bundle built by tsup with the package's own settings
 * (tsup.config.ts / tsup.base.ts), into node_modules/.cache (so `rxjs` and `zod` resolve as they do for
 * the baseline). Loading src/*.ts through tsx instead (SCALE_TODAY=source) adds a transpiler's module
 * shape to the comparison.
 */
async function bundleToday(): Promise<string> {
  const { build } = await import('tsup');
  // One file per bench process: two benches at once do not overwrite each other's engine.
  const name = `core-today-${process.pid}`;
  await build({
    entry: { [name]: SOURCE },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: false,
    sourcemap: false,
    clean: false,
    shims: true,
    splitting: false,
    treeshake: true,
    external: ['rxjs', 'zod', 'ws'],
    outDir: BUNDLE_DIR,
    silent: true,
    config: false,
  });
  return join(BUNDLE_DIR, `${name}.js`);
}

/** The node flags of the children: the parent's (tsx, conditions), with GC exposed, without --cpu-prof. */
function childExecArgv(extra: string[] = []): string[] {
  const argv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof'));
  if (!argv.includes('--expose-gc')) argv.unshift('--expose-gc');
  return [...argv, ...extra];
}

// ------------------------------------------------------------------ the server process

interface Server {
  readonly url: string;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

async function startServer(seed: number): Promise<Server> {
  const child = fork(here('./scale-server.ts'), [], { execArgv: childExecArgv(), env: { ...process.env, SCALE_SEED: String(seed) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { type?: string; port?: number }) => (m.type === 'listening' ? resolve(m.port as number) : reject(new Error('scale server: unexpected message'))));
    child.once('exit', (code) => reject(new Error(`scale server exited (${code}) before listening`)));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m: ServerStats) => resolve(m));
        child.send({ type: 'stats' });
      }),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
        setTimeout(() => child.kill(), 3000).unref();
      }),
  };
}

// ------------------------------------------------------------------ one measured run

/** A run's figures, merged over its client processes. Times in ms, memory in bytes per session. */
interface RunResult {
  readonly engine: EngineName;
  readonly sessions: number;
  readonly workers: number;
  readonly results: ClientResult[];
  readonly server: ServerStats;
  /** Wall time of the whole run (process start to exit). */
  readonly elapsedMs: number;
  /** The machine's 1-minute load average when the run started. */
  readonly load: number;
}

function forkClient(config: ClientConfig, cpuProfDir: string | undefined, name: string): ChildProcess {
  // A directory per run: node writes one profile per thread (tsx's loader runs in a thread of its own);
  // the main thread's is the largest file.
  const extra = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, name)}`, '--cpu-prof-interval=1000'] : [];
  return fork(here('./scale-client.ts'), [JSON.stringify(config)], { execArgv: childExecArgv(extra), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function runOnce(s: Settings, server: Server, engine: EngineName, sessions: number, workers: number): Promise<RunResult> {
  const startedAt = performance.now();
  const load = loadavg()[0] as number;
  await server.stats(); // resets the server's counters
  const per = Math.ceil(sessions / workers);
  const children: ChildProcess[] = [];
  const ready: Array<Promise<void>> = [];
  const results: Array<Promise<ClientResult>> = [];
  for (let w = 0; w < workers; w++) {
    const count = Math.min(per, sessions - w * per);
    const config: ClientConfig = {
      engine,
      enginePath: engine === 'baseline' ? BASELINE : s.todayPath,
      sessions: count,
      url: server.url,
      seed: s.seed,
      firstSession: w * per,
      utterances: s.utterances,
      minSentences: s.minSentences,
      maxSentences: s.maxSentences,
      tokensPerSecond: s.tokensPerSecond,
      requestsInFlight: s.requestsInFlight,
      maxBufferedAudioMs: s.maxBufferedAudioMs,
      memoryAtMs: s.memoryAtMs,
      profileUs: s.profileUs,
      hotspots: s.hotspots > 0 ? s.hotspots : 0,
      timeoutMs: s.timeoutMs,
      profileOut: s.profileDir ? join(s.profileDir, `scale-${engine}-${sessions}x${workers}-${w}.cpuprofile`) : undefined,
    };
    const child = forkClient(config, s.cpuProfDir, `scale-${engine}-${sessions}x${workers}-${w}`);
    children.push(child);
    ready.push(new Promise((resolve) => child.once('message', () => resolve())));
    results.push(
      new Promise((resolve, reject) => {
        child.on('message', (m: { type?: string }) => m.type === 'result' && resolve(m as ClientResult));
        child.once('exit', (code) => reject(new Error(`scale client (${engine}, ${sessions} sessions) exited with ${code} before its result`)));
      }),
    );
  }
  await Promise.all(ready);
  for (const child of children) child.send({ type: 'go' });
  const all = await Promise.all(results);
  await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((resolve) => c.once('exit', resolve)))));
  const server2 = await server.stats();
  return { engine, sessions, workers, results: all, server: server2, elapsedMs: performance.now() - startedAt, load };
}

// ------------------------------------------------------------------ figures

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
};
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const maxOf = (values: number[]): number => (values.length === 0 ? Number.NaN : Math.max(...values));

/** One row of the table: the label, how to print the value, and whether smaller is better. */
interface Metric {
  readonly label: string;
  readonly value: (r: RunResult) => number;
  readonly digits: number;
}

const METRICS: Metric[] = [
  { label: 'event-loop delay p50 (ms)', digits: 1, value: (r) => maxOf(r.results.map((c) => c.loop.p50)) },
  { label: 'event-loop delay p99 (ms)', digits: 1, value: (r) => maxOf(r.results.map((c) => c.loop.p99)) },
  { label: 'event-loop delay max (ms)', digits: 0, value: (r) => maxOf(r.results.map((c) => c.loop.max)) },
  { label: 'longest GC pause (ms)', digits: 1, value: (r) => maxOf(r.results.map((c) => c.gcMaxMs)) },
  { label: 'own-code stall: longest, on CPU (ms)', digits: 1, value: (r) => maxOf(r.results.map((c) => c.stretches?.cpuTop[0] ?? Number.NaN)) },
  { label: 'own-code stretches over 20 ms, on CPU', digits: 0, value: (r) => (r.results.some((c) => !c.stretches) ? Number.NaN : sum(r.results.map((c) => c.stretches?.cpuOver20 ?? 0))) },
  { label: 'own-code stall: longest, wall (ms)', digits: 1, value: (r) => maxOf(r.results.map((c) => c.stretches?.top[0] ?? Number.NaN)) },
  { label: 'own-code stretches over 20 ms, wall', digits: 0, value: (r) => (r.results.some((c) => !c.stretches) ? Number.NaN : sum(r.results.map((c) => c.stretches?.over20 ?? 0))) },
  { label: 'throughput, share of linear (%)', digits: 1, value: (r) => (100 * sum(r.results.map((c) => c.audioMs))) / sum(r.results.map((c) => c.playWallMs)) },
  { label: 'underruns per reply (ms of silence)', digits: 0, value: (r) => sum(r.results.map((c) => c.gapMs)) / replies(r) },
  { label: 'first audio p50 (ms)', digits: 0, value: (r) => percentile(r.results.flatMap((c) => c.firstAudioMs), 0.5) },
  { label: 'first audio p99 (ms)', digits: 0, value: (r) => percentile(r.results.flatMap((c) => c.firstAudioMs), 0.99) },
  { label: 'memory per idle session (KiB)', digits: 1, value: (r) => sum(r.results.map((c) => c.idleBytes)) / r.sessions / 1024 },
  {
    label: 'memory per active session (KiB) *',
    digits: 1,
    value: (r) => (r.results.some((c) => c.activeBytes === undefined) ? Number.NaN : sum(r.results.map((c) => c.activeBytes ?? 0)) / r.sessions / 1024),
  },
  { label: '  unplayed audio the caller held (KiB)', digits: 1, value: (r) => sum(r.results.map((c) => c.callerHeldBytes ?? Number.NaN)) / r.sessions / 1024 },
  { label: 'audio held inside utter p99 (KiB)', digits: 1, value: (r) => percentile(r.results.flatMap((c) => c.engineHeldBytes), 0.99) / 1024 },
  { label: 'audio held inside utter max (KiB)', digits: 1, value: (r) => maxOf(r.results.flatMap((c) => c.engineHeldBytes)) / 1024 },
  { label: 'CPU per utterance, process (ms)', digits: 2, value: (r) => sum(r.results.map((c) => c.cpuMs)) / replies(r) },
  { label: "  net of the bench's idle cost (ms)", digits: 2, value: (r) => sum(r.results.map((c) => c.cpuMs - c.overheadCpuMs)) / replies(r) },
  { label: "CPU per utterance, utter's code (ms)", digits: 2, value: (r) => sum(r.results.map((c) => c.ownCpuMs ?? Number.NaN)) / replies(r) },
  { label: 'GC share of CPU (%)', digits: 1, value: (r) => (100 * sum(r.results.map((c) => c.gcMs))) / sum(r.results.map((c) => c.cpuMs)) },
  { label: 'client CPU use (% of one core)', digits: 0, value: (r) => (100 * sum(r.results.map((c) => c.cpuMs))) / maxOf(r.results.map((c) => c.wallMs)) },
  {
    label: 'client waited for a CPU (% of wall) **',
    digits: 0,
    value: (r) => (r.results.some((c) => c.runQueueMs === undefined) ? Number.NaN : (100 * maxOf(r.results.map((c) => (c.runQueueMs ?? 0) / c.wallMs)))),
  },
  { label: 'server CPU use (% of one core)', digits: 0, value: (r) => (100 * r.server.cpuMs) / r.server.wallMs },
];

function replies(r: RunResult): number {
  return sum(r.results.map((c) => c.completed));
}

const fmt = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? (a / b).toFixed(2) : 'n/a');

function printRun(label: string, runs: RunResult[], s: Settings): void {
  const byEngine = new Map(runs.map((r) => [r.engine, r]));
  const base = byEngine.get('baseline');
  const today = byEngine.get('today');
  const any = (today ?? base) as RunResult;
  const audio = sum(any.results.map((c) => c.audioMs)) / Math.max(1, replies(any));
  console.log(`\n## ${label}: ${any.sessions * s.utterances} replies of ${s.minSentences}–${s.maxSentences} sentences (${(audio / 1000).toFixed(1)} s of audio on average), ~${s.tokensPerSecond} tokens/s, ${s.requestsInFlight} requests in flight per connection`);
  const cols = s.engines;
  const head = `${'metric'.padEnd(42)}${cols.map((e) => e.padStart(11)).join('')}${base && today ? 'base/today'.padStart(12) : ''}`;
  console.log(head);
  for (const m of METRICS) {
    const values = cols.map((e) => byEngine.get(e)).map((r) => (r ? m.value(r) : Number.NaN));
    const line = `${m.label.padEnd(42)}${values.map((v) => fmt(v, m.digits).padStart(11)).join('')}`;
    console.log(base && today ? `${line}${ratio(m.value(base), m.value(today)).padStart(12)}` : line);
  }
  for (const r of runs) {
    const failed = sum(r.results.map((c) => c.failed));
    const timedOut = r.results.some((c) => c.timedOut);
    const wall = maxOf(r.results.map((c) => c.wallMs));
    const errs = r.results.flatMap((c) => c.errors).slice(0, 3);
    console.log(
      `  ${r.engine}: ${replies(r)} replies completed, ${failed} failed${timedOut ? ', TIMED OUT' : ''}; replies ran ${(wall / 1000).toFixed(1)} s (run ${(r.elapsedMs / 1000).toFixed(1)} s, load average ${r.load.toFixed(1)});` +
        ` server: ${r.server.frames} frames, ${r.server.lateFrames} sent >20 ms late, wheel lag max ${r.server.maxLagMs.toFixed(0)} ms${errs.length ? `; errors: ${errs.join(' | ')}` : ''}`,
    );
    if (s.hotspots > 0) {
      for (const [i, c] of r.results.entries()) {
        if (c.stretches === undefined) continue;
        printProfileSummary(`  ${r.engine} profile${r.results.length > 1 ? ` (worker ${i})` : ''}`, {
          sampledMs: c.wallMs,
          ownMs: c.ownCpuMs ?? 0,
          gcMs: Number.NaN,
          idleMs: Number.NaN,
          stretches: c.stretches.top,
          cpuStretches: c.stretches.cpuTop,
          hotspots: c.hotspots,
          ownBreakdown: c.ownBreakdown,
        });
      }
    }
  }
  console.log('  * heap used + array buffers, minus the unplayed audio the player held (the line below), per session');
  console.log("  ** the client's main thread was ready to run but another process had the CPU (Linux schedstat): the machine, not utter");
}

/** Runs the scale bench and prints its tables. */
export async function runScaleBench(): Promise<void> {
  const s = settings();
  const startedAt = performance.now();
  const git = spawnSync('git', ['status', '--porcelain', '--', here('../src')], { encoding: 'utf8' });
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = git.status === 0 && git.stdout.trim() !== '' ? ' + uncommitted changes in packages/core/src' : '';
  console.log(`\n# Scale: sessions in one process against a real-time TTS server in another (baseline = engine at fe4463e, today = ${head.stdout.trim() || 'this tree'}${dirty})`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start; node ${process.version}`);
  if (s.engines.includes('today') && s.today === 'bundle') s.todayPath = await bundleToday();
  console.log(`today's engine: ${s.today === 'bundle' ? `src/ bundled by tsup at start (${s.todayPath.replace(/^.*\/packages\/core\//, '')}), as the baseline was` : 'src/*.ts through tsx'}`);
  const server = await startServer(s.seed);
  const all: RunResult[] = [];
  try {
    for (const sessions of s.sessions) {
      for (const workers of s.workers) {
        const runs: RunResult[] = [];
        for (const engine of s.engines) runs.push(await runOnce(s, server, engine, sessions, workers));
        all.push(...runs);
        printRun(`${sessions} sessions${workers > 1 ? ` over ${workers} client processes (cluster recipe)` : ', one process'}`, runs, s);
      }
    }
  } finally {
    await server.close();
    // Kept when profiles were kept: their frames point into it (scale-profile.ts maps its lines to src/).
    if (s.todayPath !== SOURCE && !s.profileDir && !s.cpuProfDir) rmSync(s.todayPath, { force: true });
  }
  printSummary(all);
  console.log(`\nload average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; scale bench: ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}

/** One compact table over every N (markdown, as docs/scaling.md shows it), and the issue's goals. */
function printSummary(all: RunResult[]): void {
  const pick = (label: string): Metric => METRICS.find((m) => m.label === label) as Metric;
  const cols: Array<[string, Metric]> = [
    ['loop p50/p99 ms', pick('event-loop delay p50 (ms)')],
    ['', pick('event-loop delay p99 (ms)')],
    ['longest own stretch ms', pick('own-code stall: longest, on CPU (ms)')],
    ['throughput % of linear', pick('throughput, share of linear (%)')],
    ['first audio p50/p99 ms', pick('first audio p50 (ms)')],
    ['', pick('first audio p99 (ms)')],
    ['KiB per active session', pick('memory per active session (KiB) *')],
    ['held in utter p99 KiB', pick('audio held inside utter p99 (KiB)')],
    ['CPU ms per utterance', pick('CPU per utterance, process (ms)')],
    ['GC % of CPU', pick('GC share of CPU (%)')],
  ];
  console.log('\n## Summary (markdown; "a → b" = baseline → today)\n');
  console.log(
    '| sessions | loop delay p50 / p99 (ms) | longest own-code stretch, on CPU (ms) | throughput (% of linear) | first audio p50 / p99 (ms) | KiB per active session | audio held in utter p99 (KiB) | CPU per utterance (ms) | GC (% of CPU) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const keys = [...new Set(all.map((r) => `${r.sessions}x${r.workers}`))];
  for (const key of keys) {
    const runs = all.filter((r) => `${r.sessions}x${r.workers}` === key);
    const cell = (m: Metric): string => runs.map((r) => fmt(m.value(r), m.digits)).join(' → ');
    const first = runs[0] as RunResult;
    const label = first.workers > 1 ? `${first.sessions} (${first.workers} processes)` : String(first.sessions);
    const c = cols.map(([, m]) => cell(m));
    console.log(`| ${label} | ${c[0]} / ${c[1]} | ${c[2]} | ${c[3]} | ${c[4]} / ${c[5]} | ${c[6]} | ${c[7]} | ${c[8]} | ${c[9]} |`);
  }
  const today = (n: number): RunResult | undefined => all.find((r) => r.engine === 'today' && r.sessions === n && r.workers === 1);
  const goals: string[] = [];
  const t500 = today(500);
  if (t500) goals.push(`no own-code stretch over 20 ms at 500 sessions: longest ${fmt(pick('own-code stall: longest, on CPU (ms)').value(t500), 1)} ms`);
  const t1000 = today(1000);
  if (t1000) goals.push(`CPU per utterance at 1,000 sessions at most 8.5 ms (2x below ~17): ${fmt(pick('CPU per utterance, process (ms)').value(t1000), 2)} ms`);
  const big = t1000 ?? t500;
  if (big) goals.push(`memory per active session under 100 KiB beyond unplayed audio at ${big.sessions}: ${fmt(pick('memory per active session (KiB) *').value(big), 1)} KiB`);
  if (goals.length > 0) console.log(`\nGoals (issue 15), today's engine: ${goals.join('; ')}.`);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain) await runScaleBench();
