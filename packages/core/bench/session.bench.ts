/**
 * Session engine overhead. Run all core benches with `pnpm bench` (or this one alone from
 * packages/core: `node --expose-gc --conditions=@utter/source --import tsx bench/session.bench.ts`).
 *
 * Two zero-latency providers, the same conversations (sentence segmentation, text pushed 8 characters
 * at a time, 6 segments per reply, 5 frames of 20 ms PCM per segment), at 1 session and at 200
 * concurrent sessions in one process, pushed either every event-loop turn ("burst": the loop is never
 * idle) or every 40 ms per session ("paced": ~50 tokens/s, session starts spread over one reply):
 *
 * 1. In-process provider (engine only): "wire" is the connection's `send()` call, and frames are emitted
 *    synchronously from a provider callback. Every microsecond measured is the engine's own.
 * 2. Loopback WebSocket (./loopback-provider.ts): a `ws` server on 127.0.0.1 that answers each text
 *    message at once with binary PCM frames and a `done` message, and an adapter built on core's
 *    `connectWebSocket`; one socket per session (200 sockets). "Wire" is the server's receipt of the text
 *    message; frames are timed from the server's `ws.send` of a segment's first frame. These figures add
 *    the adapter, JSON, ws framing, the kernel's loopback and — mostly, with 200 sessions — waiting for the
 *    shared event loop (client and server run in this one process), not only the engine. Each path is
 *    also split at the adapter ("of which engine": release -> adapter send(), adapter receipt -> event).
 *
 * Timed, per segment (matched by reply id and segment index, so every segment counts, including the first
 * of each reply, which the engine sends after an await):
 * - release -> wire: from the segmenter handing the segment to the engine (`releaseProbe`; segmentation
 *   itself excluded) to the wire as defined above;
 * - frame -> event: from the provider's first audio frame of the segment to the subscriber's `audio` event.
 * Plus heap per idle warm session (with the WebSocket: both socket ends, as both live in this process).
 * Goal (issue 4): < 1 ms median and < 5 ms p99 added with 200 sessions.
 */
import { performance } from 'node:perf_hooks';
import { Subject } from 'rxjs';
import { createSpeechSession } from '../src/index.js';
import type { ConnectionEvent, SpeechConnection, SpeechProvider, SpeechSession } from '../src/index.js';
import { connectWebSocket, type WebSocketConnection } from '../src/kit.js';
import { releaseProbe } from '../src/session/reply-input.js';
import { loopbackProvider, startLoopbackServer } from './loopback-provider.js';

const FRAME = new Int16Array(480); // 20 ms at 24 kHz
const FRAMES_PER_SEGMENT = 5;
const IDLE_SESSIONS_IN_PROCESS = 500;
const IDLE_SESSIONS_WS = 200;
const PACE_MS = 40;

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog. ',
  'Streaming speech should start while the model is still writing. ',
  'Each segment goes to the provider as soon as its boundary is certain. ',
  'Audio comes back in order, whole, and exactly once. ',
  'Interruptions stop the output at once. ',
  'That is all for this reply.',
];
const DELTA_CHARS = 8;
const DELTAS_PER_REPLY = SENTENCES.reduce((n, s) => n + Math.ceil(s.length / DELTA_CHARS), 0);

const key = (utteranceId: string, segmentId: number): string => `${utteranceId}:${segmentId}`;

/** Where the provider side records its timestamps, by `key(utteranceId, segmentId)`. */
interface Taps {
  /** The segment's text reached the wire. */
  readonly wire: Map<string, number>;
  /** The provider produced the segment's first audio frame. */
  readonly firstFrame: Map<string, number>;
  /** WebSocket only: the adapter handed the segment's text to the socket. */
  readonly clientSend: Map<string, number>;
  /** WebSocket only: the segment's first audio frame came off the client socket, in the adapter. */
  readonly clientFrame: Map<string, number>;
}

const newTaps = (): Taps => ({ wire: new Map(), firstFrame: new Map(), clientSend: new Map(), clientFrame: new Map() });

/** A provider under test, with what it needs torn down. */
interface Rig {
  readonly label: string;
  readonly provider: SpeechProvider;
  /** The server's URL, when there is one. */
  readonly url?: string;
  /** Open sockets at the server, when there is one. */
  readonly connections?: () => number;
  close(): Promise<void>;
}

// ------------------------------------------------------------------ in-process provider

/** Zero-latency in-process provider: contexts + segment acks, replies synthesized on the next turn. */
function inProcessProvider(taps: Taps): SpeechProvider {
  return {
    name: 'zero',
    capabilities: {
      textInput: 'context',
      segmentAcks: true,
      cancel: 'native',
      wordTimestamps: false,
      sampleRate: 24_000,
      sampleRates: [24_000],
      encodings: ['pcm16'],
    },
    async connect(): Promise<SpeechConnection> {
      const events = new Subject<ConnectionEvent>();
      const queue: Array<{ utteranceId: string; segmentId: number }> = [];
      const finished = new Set<string>();
      let busy = false;
      const work = (): void => {
        const job = queue.shift();
        if (!job) {
          busy = false;
          for (const id of finished) events.next({ type: 'utterance-done', utteranceId: id });
          finished.clear();
          return;
        }
        for (let i = 0; i < FRAMES_PER_SEGMENT; i++) {
          if (i === 0) taps.firstFrame.set(key(job.utteranceId, job.segmentId), performance.now());
          events.next({ type: 'audio', utteranceId: job.utteranceId, segmentId: job.segmentId, pcm: FRAME, sampleRate: 24_000 });
        }
        events.next({ type: 'segment-done', utteranceId: job.utteranceId, segmentId: job.segmentId });
        setImmediate(work);
      };
      const kick = (): void => {
        if (!busy) {
          busy = true;
          setImmediate(work);
        }
      };
      return {
        events,
        send(r) {
          taps.wire.set(key(r.utteranceId, r.segmentId), performance.now());
          queue.push({ utteranceId: r.utteranceId, segmentId: r.segmentId });
          kick();
        },
        finish(id) {
          finished.add(id);
          kick();
        },
        cancel() {},
        close() {
          events.next({ type: 'closed' });
          events.complete();
        },
      };
    },
  };
}

async function inProcessRig(taps: Taps): Promise<Rig> {
  return { label: 'in-process', provider: inProcessProvider(taps), close: async () => {} };
}

async function webSocketRig(taps: Taps): Promise<Rig> {
  const server = await startLoopbackServer({
    framesPerSegment: FRAMES_PER_SEGMENT,
    samplesPerFrame: FRAME.length,
    probe: {
      onText: (id, seg, at) => taps.wire.set(key(id, seg), at),
      onFirstFrame: (id, seg, at) => taps.firstFrame.set(key(id, seg), at),
    },
  });
  const provider = loopbackProvider(server.url, {
    onSend: (id, seg, at) => taps.clientSend.set(key(id, seg), at),
    onFirstFrame: (id, seg, at) => taps.clientFrame.set(key(id, seg), at),
  });
  return { label: 'WebSocket', provider, url: server.url, connections: server.connections, close: () => server.close() };
}

// ------------------------------------------------------------------ conversations

/** One reply as the bench drives it: release times in release order (one per released segment). */
interface Reply {
  id: string | undefined;
  readonly releases: number[];
  /** Releases that produced more than one segment at once (then times cannot be paired by index). */
  multi: number;
}

/** The reply whose text is being pushed right now (pushes are synchronous). */
let pushing: Reply | undefined;
let strayReleases = 0;

/** How text arrives: a delta every event-loop turn (`undefined`), or every `intervalMs` from `startMs`. */
interface Pace {
  readonly intervalMs: number;
  readonly startMs: number;
}

const turn = (pace: Pace | undefined): Promise<void> =>
  new Promise((resolve) => (pace ? setTimeout(resolve, pace.intervalMs) : setImmediate(resolve)));

async function conversation(session: SpeechSession, replies: number, pace: Pace | undefined, firstAudio: Map<string, number>, out: Reply[]): Promise<void> {
  if (pace) await new Promise((resolve) => setTimeout(resolve, pace.startMs));
  for (let r = 0; r < replies; r++) {
    const reply: Reply = { id: undefined, releases: [], multi: 0 };
    out.push(reply);
    const input = new Subject<string>();
    const done = new Promise<void>((resolve, reject) => {
      session.say(input).subscribe({
        next: (e) => {
          if (e.type === 'audio') {
            const k = key(e.utteranceId, e.segmentId);
            if (!firstAudio.has(k)) firstAudio.set(k, performance.now());
          }
          reply.id ??= e.utteranceId;
        },
        error: reject,
        complete: resolve,
      });
    });
    const push = (deliver: () => void): void => {
      pushing = reply;
      const before = reply.releases.length;
      deliver();
      pushing = undefined;
      if (reply.releases.length > before + 1) reply.multi++;
    };
    for (const sentence of SENTENCES) {
      for (let i = 0; i < sentence.length; i += DELTA_CHARS) {
        await turn(pace);
        push(() => input.next(sentence.slice(i, i + DELTA_CHARS)));
      }
    }
    push(() => input.complete());
    await done;
  }
}

// ------------------------------------------------------------------ statistics

interface Stats {
  readonly n: number;
  readonly median: number;
  readonly p99: number;
  readonly max: number;
}

function stats(values: number[]): Stats {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number));
  return { n: sorted.length, median: at(0.5), p99: at(0.99), max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number) };
}

/** Milliseconds as µs, right-aligned. */
const us = (ms: number, width = 8): string => (Number.isNaN(ms) ? 'n/a' : (ms * 1000).toFixed(1)).padStart(width);

function row(label: string, s: Stats): string {
  return `${label.padEnd(40)} n=${String(s.n).padStart(6)}  median ${us(s.median)} µs  p99 ${us(s.p99)} µs  max ${us(s.max)} µs`;
}

interface ScenarioResult {
  readonly releaseToWire: Stats;
  readonly releaseToWireFirst: Stats;
  readonly frameToEvent: Stats;
  readonly segments: number;
  /** Segments with no release -> wire sample (ambiguous multi-segment releases, or never sent). */
  readonly unmatched: number;
  readonly sockets: number | undefined;
  readonly elapsedMs: number;
  /** Event-loop utilization while the conversations ran (1 = never idle). */
  readonly busy: number;
  /** WebSocket only: the two paths split at the adapter. */
  readonly parts?: {
    /** release -> adapter hands the text to the socket (engine + adapter). */
    readonly engineOut: Stats;
    /** adapter send -> server receipt (ws framing both ends, kernel loopback, waiting for the loop). */
    readonly socketOut: Stats;
    /** server send of the first frame -> adapter receipt (same, the other way). */
    readonly socketIn: Stats;
    /** adapter receipt of the first frame -> `audio` event (adapter decode + engine). */
    readonly engineIn: Stats;
  };
}

async function scenario(makeRig: (taps: Taps) => Promise<Rig>, sessions: number, replies: number, intervalMs?: number): Promise<ScenarioResult> {
  const taps = newTaps();
  const rig = await makeRig(taps);
  const list = Array.from({ length: sessions }, () => createSpeechSession({
      provider: rig.provider,
      segmenter: { granularity: 'sentence' },
      // Releases are timed from a push; the time-based release deadlines (their own timers) are off.
      release: { firstSegmentMs: false, idleMs: false },
    }));
  await Promise.all(list.map((s) => s.warmup()));
  const sockets = rig.connections?.();
  const firstAudio = new Map<string, number>();
  const all: Reply[] = [];
  strayReleases = 0;
  const eluBefore = performance.eventLoopUtilization();
  const startedAt = performance.now();
  try {
    // Paced sessions start spread evenly over one reply's duration: they all speak the same text, so a
    // narrower spread would make their segment releases (and the audio coming back) arrive in bursts.
    const replyMs = (intervalMs ?? 0) * DELTAS_PER_REPLY;
    const pace = (i: number): Pace | undefined => (intervalMs === undefined ? undefined : { intervalMs, startMs: (i * replyMs) / sessions });
    await Promise.all(list.map((s, i) => conversation(s, replies, pace(i), firstAudio, all)));
  } finally {
    await Promise.all(list.map((s) => s.close()));
    await rig.close();
  }
  const elapsedMs = performance.now() - startedAt;
  const busy = performance.eventLoopUtilization(eluBefore).utilization;
  if (strayReleases > 0) throw new Error(`${strayReleases} segment releases happened outside a push; the bench cannot attribute them.`);

  const releaseAt = new Map<string, number>();
  const releaseToWire: number[] = [];
  const releaseToWireFirst: number[] = [];
  let segments = 0;
  let unmatched = 0;
  for (const reply of all) {
    if (reply.id === undefined) throw new Error('A reply produced no events.');
    let count = 0;
    while (taps.wire.has(key(reply.id, count))) count++;
    segments += count;
    // Segments are released in index order; pair the k-th release with segment k, unless a release
    // produced several segments at once (then its segments share one release time we cannot place).
    if (count !== reply.releases.length || reply.multi > 0) {
      unmatched += count;
      continue;
    }
    for (let seg = 0; seg < count; seg++) {
      releaseAt.set(key(reply.id, seg), reply.releases[seg] as number);
      const d = (taps.wire.get(key(reply.id, seg)) as number) - (reply.releases[seg] as number);
      releaseToWire.push(d);
      if (seg === 0) releaseToWireFirst.push(d);
    }
  }
  const frameToEvent: number[] = [];
  for (const [k, sentAt] of taps.firstFrame) {
    const eventAt = firstAudio.get(k);
    if (eventAt === undefined) throw new Error(`No audio event for segment ${k}.`);
    frameToEvent.push(eventAt - sentAt);
  }
  /** `to - from` for every segment both maps timed. */
  const between = (from: Map<string, number>, to: Map<string, number>): Stats | undefined => {
    if (from.size === 0) return undefined;
    const out: number[] = [];
    for (const [k, at] of from) {
      const end = to.get(k);
      if (end !== undefined) out.push(end - at);
    }
    return stats(out);
  };
  const parts = taps.clientSend.size === 0 ? undefined : {
    engineOut: stats([...taps.clientSend].map(([k, at]) => at - (releaseAt.get(k) ?? Number.NaN)).filter((d) => !Number.isNaN(d))),
    socketOut: between(taps.clientSend, taps.wire) as Stats,
    socketIn: between(taps.firstFrame, taps.clientFrame) as Stats,
    engineIn: between(taps.clientFrame, firstAudio) as Stats,
  };
  return {
    releaseToWire: stats(releaseToWire),
    releaseToWireFirst: stats(releaseToWireFirst),
    frameToEvent: stats(frameToEvent),
    segments,
    unmatched,
    sockets,
    elapsedMs,
    busy,
    ...(parts ? { parts } : {}),
  };
}

// ------------------------------------------------------------------ memory

const gc = (globalThis as { gc?: () => void }).gc;

interface Memory {
  readonly heap: number;
  readonly external: number;
}

function snapshot(): Memory {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

const perItem = (before: Memory, after: Memory, count: number): Memory => ({
  heap: (after.heap - before.heap) / count,
  external: (after.external - before.external) / count,
});

/** Turns the event loop until `ready()` or a bounded number of turns. */
async function settle(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function idleSessions(rig: Rig, count: number): Promise<Memory> {
  await new Promise((resolve) => setTimeout(resolve, 20)); // let earlier sockets finish closing
  const before = snapshot();
  const sessions: SpeechSession[] = [];
  for (let i = 0; i < count; i++) sessions.push(createSpeechSession({ provider: rig.provider }));
  await Promise.all(sessions.map((s) => s.warmup()));
  await settle(() => (rig.connections?.() ?? count) >= count);
  const after = snapshot();
  await Promise.all(sessions.map((s) => s.close()));
  await settle(() => (rig.connections?.() ?? 0) === 0);
  return perItem(before, after, count);
}

interface Footprint {
  readonly inProcess: Memory;
  readonly webSocket: Memory;
  /** A bare `connectWebSocket` client + its server end, no session: the socket's share of `webSocket`. */
  readonly bareSocket: Memory;
}

async function idleMemory(): Promise<Footprint> {
  const taps = newTaps();
  const local = await inProcessRig(taps);
  await idleSessions(local, 50); // warm-up: lazily created state is not per-session memory
  const inProcess = await idleSessions(local, IDLE_SESSIONS_IN_PROCESS);
  await local.close();

  const ws = await webSocketRig(taps);
  await idleSessions(ws, 20);
  const webSocket = await idleSessions(ws, IDLE_SESSIONS_WS);
  await bareSockets(ws, 20);
  const bareSocket = await bareSockets(ws, IDLE_SESSIONS_WS);
  await ws.close();
  return { inProcess, webSocket, bareSocket };
}

/** Heap per open `connectWebSocket` client (subscribed, as an adapter would be) plus its server end. */
async function bareSockets(rig: Rig, count: number): Promise<Memory> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const before = snapshot();
  const sockets: WebSocketConnection[] = [];
  for (let i = 0; i < count; i++) sockets.push(await connectWebSocket(rig.url as string, { implementation: 'ws' }));
  for (const s of sockets) s.messages.subscribe(() => {});
  await settle(() => (rig.connections?.() ?? 0) >= count);
  const after = snapshot();
  for (const s of sockets) s.close();
  await Promise.all(sockets.map((s) => s.closed));
  await settle(() => (rig.connections?.() ?? 0) === 0);
  return perItem(before, after, count);
}


// ------------------------------------------------------------------ report

const KiB = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function section(title: string, r: ScenarioResult): void {
  const sockets = r.sockets === undefined ? '' : `, ${r.sockets} sockets open`;
  console.log(`\n## ${title} (${(r.elapsedMs / 1000).toFixed(1)} s, event loop busy ${(r.busy * 100).toFixed(0)}%${sockets})`);
  console.log(row('segment release -> wire (all segments)', r.releaseToWire));
  console.log(row('  of which first segment of each reply', r.releaseToWireFirst));
  if (r.parts) {
    console.log(row('  split: release -> adapter send()', r.parts.engineOut));
    console.log(row('         adapter send() -> server receipt', r.parts.socketOut));
  }
  console.log(row('first audio frame -> audio event', r.frameToEvent));
  if (r.parts) {
    console.log(row('  split: server send -> adapter receipt', r.parts.socketIn));
    console.log(row('         adapter receipt -> audio event', r.parts.engineIn));
  }
  if (r.unmatched > 0) console.log(`  (${r.unmatched} of ${r.segments} segments not timed: released together with another segment)`);
}

/** Runs the session bench and prints both tables, then a side-by-side summary. */
export async function runSessionBench(): Promise<void> {
  const startedAt = performance.now();
  releaseProbe.onRelease = () => {
    if (pushing) pushing.releases.push(performance.now());
    else strayReleases++;
  };
  // `burst`: every session pushes a delta on every event-loop turn, as fast as the process can go (the
  // loop is never idle: with 200 sessions over WebSocket, latencies there are mostly queueing).
  // `paced`: a delta of 8 characters every 40 ms per session (~200 characters or ~50 tokens a second,
  // a fast LLM), session starts spread over one reply — the load the goal is about.
  const plans: ReadonlyArray<{ sessions: number; replies: number; intervalMs?: number; label: string }> = [
    { sessions: 1, replies: 200, label: '1 session, burst' },
    { sessions: 200, replies: 5, label: '200 sessions, burst' },
    { sessions: 200, replies: 2, intervalMs: PACE_MS, label: '200 sessions, paced' },
  ];
  const rigs = [
    { name: 'in-process', title: 'Session engine overhead — zero-latency in-process provider (engine only)', make: inProcessRig },
    {
      name: 'WebSocket',
      title: 'Loopback WebSocket — zero-latency ws server on 127.0.0.1 (engine + adapter + JSON + ws framing + kernel loopback + shared event loop)',
      make: webSocketRig,
    },
  ] as const;
  const results = new Map<string, ScenarioResult>();
  for (const rig of rigs) {
    console.log(`\n# ${rig.title}`);
    await scenario(rig.make, 1, 20); // JIT warm-up
    for (const plan of plans) {
      const r = await scenario(rig.make, plan.sessions, plan.replies, plan.intervalMs);
      results.set(`${rig.name}/${plan.label}`, r);
      const pace = plan.intervalMs === undefined ? 'a delta every event-loop turn' : `a delta every ${plan.intervalMs} ms per session`;
      section(`${plan.sessions} session${plan.sessions > 1 ? 's' : ''} x ${plan.replies} replies, ${pace}`, r);
    }
  }
  releaseProbe.onRelease = undefined;

  const mem = await idleMemory();
  const gcNote = gc ? '' : ' (run with --expose-gc for exact figures)';
  console.log(`\n# Memory per idle warm session${gcNote}`);
  console.log(`in-process provider:          heap ${KiB(mem.inProcess.heap)}, external ${KiB(mem.inProcess.external)}  (${IDLE_SESSIONS_IN_PROCESS} sessions)`);
  console.log(
    `WebSocket, incl. its socket:  heap ${KiB(mem.webSocket.heap)}, external ${KiB(mem.webSocket.external)}  (${IDLE_SESSIONS_WS} sessions; both socket ends, as the server is in this process; kernel buffers not included)`,
  );
  console.log(`  of which a bare socket pair: heap ${KiB(mem.bareSocket.heap)}, external ${KiB(mem.bareSocket.external)}  (connectWebSocket client + ws server end, no session)`);

  // Side by side.
  const cell = (s: Stats | undefined): string => (s ? `${us(s.median, 7)} ${us(s.p99, 8)} ${us(s.max, 9)}` : 'n/a');
  const head = `${'median'.padStart(7)} ${'p99'.padStart(8)} ${'max'.padStart(9)}`;
  console.log('\n# Side by side (µs; first audio frame of each segment)');
  console.log(`${''.padEnd(44)}${'in-process: engine only'.padEnd(26)}  | loopback WebSocket: engine + ws + kernel + event loop`);
  console.log(`${''.padEnd(44)}${head}  | ${head}`);
  for (const { label } of plans) {
    const a = results.get(`in-process/${label}`);
    const b = results.get(`WebSocket/${label}`);
    console.log(`${label.padEnd(22)}${'release -> wire'.padEnd(22)}${cell(a?.releaseToWire)}  | ${cell(b?.releaseToWire)}`);
    if (b?.parts) console.log(`${''.padEnd(22)}${'  of which engine'.padEnd(22)}${''.padEnd(26)}  | ${cell(b.parts.engineOut)}`);
    console.log(`${''.padEnd(22)}${'frame -> audio event'.padEnd(22)}${cell(a?.frameToEvent)}  | ${cell(b?.frameToEvent)}`);
    if (b?.parts) console.log(`${''.padEnd(22)}${'  of which engine'.padEnd(22)}${''.padEnd(26)}  | ${cell(b.parts.engineIn)}`);
  }
  console.log(`${'idle warm session memory'.padEnd(44)}${`heap ${KiB(mem.inProcess.heap)}`.padEnd(26)}  | heap ${KiB(mem.webSocket.heap)} + external ${KiB(mem.webSocket.external)} (incl. both socket ends)`);
  console.log(`\nsession bench: ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '');
if (isMain) await runSessionBench();
