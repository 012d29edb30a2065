/**
 * Reading V8 CPU profiles (the `Profiler` domain's format, as `node --cpu-prof` writes) for the scale
 * bench: how long utter's own code ran without a break (its synchronous stretches), how much CPU it
 * took, and its top functions by self time.
 *
 * Run alone on a `.cpuprofile` (e.g. from `SCALE_CPU_PROF_DIR=/tmp/prof pnpm bench:scale`):
 *   node --import tsx bench/scale-profile.ts /tmp/prof/CPU.*.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The subset of a V8 CPU profile read here. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }>;
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Whether a script URL is utter's own code: today's source or bundle, or the vendored baseline bundle. */
export const isOwnUrl = (url: string): boolean =>
  url.includes('/packages/core/src/') || url.includes('/bench/baseline/core-') || url.includes('/.cache/utter-scale/');

/** Bundles (tsup/esbuild) mark each module with a `// src/....ts` line: the source file of a bundle line. */
const bundleModules = new Map<string, Array<{ line: number; file: string }>>();
function sourceFileOf(url: string, line: number): string | undefined {
  if (!url.endsWith('.js')) return undefined;
  let marks = bundleModules.get(url);
  if (marks === undefined) {
    marks = [];
    try {
      const lines = readFileSync(fileURLToPath(url), 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const m = /^\/\/ (src\/\S+\.ts)$/.exec(lines[i] as string);
        if (m) marks.push({ line: i, file: m[1] as string });
      }
    } catch {
      // not a readable file: no mapping
    }
    bundleModules.set(url, marks);
  }
  let found: string | undefined;
  for (const mark of marks) {
    if (mark.line > line) break;
    found = mark.file;
  }
  return found;
}

/** What {@link analyzeProfile} finds. All times in ms. */
export interface ProfileSummary {
  /** Wall time the profile covers. */
  readonly sampledMs: number;
  /**
   * Time with utter's code anywhere on the stack (what it called included: rxjs, zod, the caller's
   * subscriber). This and the other sums count each sample's gap at most {@link OFF_CPU_GAP}
   * intervals (time on the CPU, not time preempted).
   */
  readonly ownMs: number;
  /** Time in the garbage collector. */
  readonly gcMs: number;
  /** Time the thread was idle (nothing to run). */
  readonly idleMs: number;
  /** Every maximal stretch of consecutive samples with utter's code on the stack, longest first (wall time). */
  readonly stretches: number[];
  /**
   * The same stretches, utter's code only, on CPU: collections inside a stretch are left out (they are
   * the GC's pauses, reported apart), and each gap between samples counts at most
   * {@link OFF_CPU_GAP} sampling intervals — a longer gap means the thread was not running (preempted
   * by another process: no sample is taken while the thread is off the CPU), not that utter's code was.
   */
  readonly cpuStretches: number[];
  /** Own functions by self time, largest first. */
  readonly hotspots: Array<{ readonly name: string; readonly selfMs: number }>;
  /** Self time under utter's frames by where the leaf frame is (own, rxjs, zod, node internals, ...). */
  readonly ownBreakdown: Array<{ readonly where: string; readonly ms: number }>;
}

const packageOf = (url: string): string => {
  if (url === '') return 'native/builtin';
  if (isOwnUrl(url)) return 'utter';
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench (caller, adapter)';
  return url.split('/').slice(-2).join('/');
};

/** Shortens a script URL to its path inside the repository. */
export const shortUrl = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*\/packages\/core\//, '');

/** A gap between two samples longer than this many sampling intervals is time off the CPU. */
export const OFF_CPU_GAP = 3;

/**
 * Stretches: a run of samples with an own frame on the stack; garbage-collector samples inside a run
 * (between two own samples) belong to it — the collection was paid for by that stretch's allocations
 * and the event loop was blocked all the same. A run lasts from its first own sample to the first
 * sample after it that is neither own nor bridged; the error is one sampling interval.
 */
export function analyzeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map<number, CpuProfile['nodes'][number]>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const own = new Map<number, boolean>();
  const isOwn = (id: number): boolean => {
    const known = own.get(id);
    if (known !== undefined) return known;
    const chain: number[] = [];
    let cur: number | undefined = id;
    let result = false;
    while (cur !== undefined) {
      const k = own.get(cur);
      if (k !== undefined) {
        result = k;
        break;
      }
      chain.push(cur);
      if (isOwnUrl(byId.get(cur)?.callFrame.url ?? '')) {
        result = true;
        break;
      }
      cur = parent.get(cur);
    }
    for (const c of chain) own.set(c, result);
    return result;
  };
  const nameOf = (id: number): string => byId.get(id)?.callFrame.functionName ?? '';

  const { samples, timeDeltas } = profile;
  const times: number[] = new Array(samples.length);
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    times[i] = t;
  }
  const durationOf = (i: number): number => (i + 1 < samples.length ? (times[i + 1] as number) - (times[i] as number) : 0);
  // The sampling interval: the median gap.
  const gaps = Float64Array.from(timeDeltas.slice(1, 20_001)).sort();
  const interval = gaps.length > 0 ? (gaps[gaps.length >> 1] as number) : 1000;
  const onCpu = (d: number): number => Math.min(d, OFF_CPU_GAP * interval);

  let ownUs = 0;
  let gcUs = 0;
  let idleUs = 0;
  const self = new Map<string, number>();
  const breakdown = new Map<string, number>();
  const stretches: number[] = [];
  const cpuStretches: number[] = [];
  let runStart: number | undefined;
  let runCpu = 0;
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const name = nameOf(id);
    // Time on the CPU: a gap longer than OFF_CPU_GAP intervals was the thread preempted.
    const d = onCpu(durationOf(i));
    if (name === '(garbage collector)') gcUs += d;
    else if (name === '(idle)') idleUs += d;
    if (isOwn(id)) {
      ownUs += d;
      runStart ??= times[i];
      runCpu += d;
      const frame = byId.get(id)?.callFrame;
      const where = packageOf(frame?.url ?? '');
      breakdown.set(where, (breakdown.get(where) ?? 0) + d);
      if (frame && isOwnUrl(frame.url)) {
        // A bundle's line maps to its source file; tsx's transform of a .ts file keeps no useful line.
        const where = frame.url.endsWith('.ts') ? shortUrl(frame.url) : `${sourceFileOf(frame.url, frame.lineNumber) ?? '?'} (${shortUrl(frame.url).split('/').pop()}:${frame.lineNumber + 1})`;
        const key = `${frame.functionName || '(anonymous)'}  ${where}`;
        self.set(key, (self.get(key) ?? 0) + d);
      }
      continue;
    }
    if (runStart === undefined) continue;
    if (name === '(garbage collector)') {
      // Bridge only when an own sample follows the collection.
      let j = i;
      while (j < samples.length && nameOf(samples[j] as number) === '(garbage collector)') j++;
      if (j < samples.length && isOwn(samples[j] as number)) continue;
    }
    stretches.push(((times[i] as number) - runStart) / 1000);
    cpuStretches.push(runCpu / 1000);
    runStart = undefined;
    runCpu = 0;
  }
  if (runStart !== undefined) {
    stretches.push(((times[samples.length - 1] as number) - runStart) / 1000);
    cpuStretches.push(runCpu / 1000);
  }
  stretches.sort((a, b) => b - a);
  cpuStretches.sort((a, b) => b - a);
  const hotspots = [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, selfMs: us / 1000 }));
  const ownBreakdown = [...breakdown].sort((a, b) => b[1] - a[1]).map(([where, us]) => ({ where, ms: us / 1000 }));
  return {
    sampledMs: ((times[samples.length - 1] ?? profile.startTime) - profile.startTime) / 1000,
    ownMs: ownUs / 1000,
    gcMs: gcUs / 1000,
    idleMs: idleUs / 1000,
    stretches,
    cpuStretches,
    hotspots,
    ownBreakdown,
  };
}

/** Prints a profile's summary (the CLI of this file). */
export function printProfileSummary(label: string, s: ProfileSummary): void {
  const gc = Number.isFinite(s.gcMs) ? `, GC ${s.gcMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms` : '';
  console.log(`\n${label}: ${(s.sampledMs / 1000).toFixed(1)} s sampled, utter on the stack ${s.ownMs.toFixed(0)} ms${gc}`);
  console.log(`  longest stretches of utter's code, wall: ${s.stretches.slice(0, 5).map((x) => `${x.toFixed(1)} ms`).join(', ') || 'none'}`);
  console.log(`  longest stretches of utter's code, on CPU: ${s.cpuStretches.slice(0, 5).map((x) => `${x.toFixed(1)} ms`).join(', ') || 'none'}`);
  console.log(`  under utter's frames, self time by leaf: ${s.ownBreakdown.slice(0, 6).map((b) => `${b.where} ${b.ms.toFixed(0)} ms`).join(', ')}`);
  console.log('  top self time in utter:');
  for (const h of s.hotspots) console.log(`    ${h.selfMs.toFixed(1).padStart(8)} ms  ${h.name}`);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain) {
  const files = process.argv.slice(2).filter((a) => a.endsWith('.cpuprofile'));
  const top = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 15);
  for (const file of files) printProfileSummary(file, analyzeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top));
}
