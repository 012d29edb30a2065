/**
 * utter across processes with Node's `cluster`: the primary forks one worker per core, spreads the
 * sessions over them (as a cluster's shared port spreads incoming calls), starts them together and
 * prints what each worker and the whole reached. Offline, on the embedded engine by default.
 *
 * Run: pnpm --filter @utter/example-cluster start [-- --sessions 40 --workers 2 --engine espeak|paced]
 *
 * `--engine paced` replaces synthesis with an in-process stand-in for a remote service (silence paced
 * in real time), so that 1,000 sessions fit on a small machine. Per-key provider limits are per
 * process unless the sessions share a limit store: see docs/limits.md.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { runWorker, type WorkerReport, type WorkerTask } from './worker.js';

if (cluster.isPrimary) await primary();
else await worker();

async function primary(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '40' },
      workers: { type: 'string', default: String(availableParallelism()) },
      engine: { type: 'string', default: 'espeak' },
    },
  });
  const sessions = Number(values.sessions);
  const workers = Math.max(1, Math.min(Number(values.workers), sessions));
  const engine = values.engine === 'paced' ? 'paced' : 'espeak';
  console.log(`${sessions} sessions over ${workers} worker process${workers > 1 ? 'es' : ''}, engine ${engine}; every session starts a reply at once`);

  const per = Math.ceil(sessions / workers);
  const reports = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const task: WorkerTask = { sessions: Math.min(per, sessions - w * per), engine, firstSession: w * per };
      const child = cluster.fork({ UTTER_CLUSTER_TASK: JSON.stringify(task) });
      return {
        ready: new Promise<void>((resolve) => child.once('message', () => resolve())),
        report: new Promise<WorkerReport>((resolve, reject) => {
          child.on('message', (m: { type?: string; report?: WorkerReport }) => m.type === 'report' && resolve(m.report as WorkerReport));
          child.once('exit', (code) => reject(new Error(`worker ${w + 1} exited with ${code}`)));
        }),
        child,
      };
    }),
  ).then(async (forked) => {
    await Promise.all(forked.map((f) => f.ready)); // every worker connected: start together
    for (const f of forked) f.child.send('go');
    return Promise.all(forked.map((f) => f.report));
  });

  const rows = reports.map((r, i) => row(`worker ${i + 1}`, [r]));
  console.log(['', 'sessions', 'replies ok', 'first audio p50/p99 ms', 'loop delay p99/max ms', 'throughput %', 'CPU ms/reply', 'heap MiB'].join('\t'));
  for (const line of rows) console.log(line);
  if (reports.length > 1) console.log(row('all', reports));
}

function row(label: string, reports: WorkerReport[]): string {
  const sum = (f: (r: WorkerReport) => number): number => reports.reduce((n, r) => n + f(r), 0);
  const first = reports.flatMap((r) => r.firstAudioMs).sort((a, b) => a - b);
  const at = (p: number): number => first[Math.min(first.length - 1, Math.floor(p * first.length))] ?? Number.NaN;
  const completed = sum((r) => r.completed);
  return [
    label,
    sum((r) => r.sessions),
    completed,
    `${at(0.5).toFixed(0)} / ${at(0.99).toFixed(0)}`,
    `${Math.max(...reports.map((r) => r.loopP99Ms)).toFixed(0)} / ${Math.max(...reports.map((r) => r.loopMaxMs)).toFixed(0)}`,
    ((100 * sum((r) => r.audioMs)) / sum((r) => r.playWallMs)).toFixed(1),
    (sum((r) => r.cpuMs) / Math.max(1, completed)).toFixed(1),
    sum((r) => r.heapMiB).toFixed(0),
  ].join('\t');
}

async function worker(): Promise<void> {
  const task = JSON.parse(process.env.UTTER_CLUSTER_TASK ?? '{}') as WorkerTask;
  const ready = (): Promise<void> =>
    new Promise((resolve) => {
      process.once('message', () => resolve());
      process.send?.({ type: 'ready' });
    });
  const report = await runWorker(task, ready);
  process.send?.({ type: 'report', report }, () => process.exit(0));
}
