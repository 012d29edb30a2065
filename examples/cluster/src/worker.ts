/**
 * One worker process of the cluster recipe: its share of the sessions, each a conversation speaking
 * one reply while simulated LLM tokens arrive (~60 a second), played in real time by a simulated
 * player that reports its position to the session. Reports what it measured to the primary.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Subject } from 'rxjs';
import { createSpeechSession, type SpeechProvider, type SpeechSession } from '@utter/core';
import { espeak } from '@utter/espeak';
import { pacedProvider } from './paced.js';

/** What the primary gives a worker. */
export interface WorkerTask {
  readonly sessions: number;
  readonly engine: 'espeak' | 'paced';
  /** Index of the worker's first session among all (the replies differ per session). */
  readonly firstSession: number;
}

/** What a worker sends back. Times in ms. */
export interface WorkerReport {
  readonly sessions: number;
  readonly completed: number;
  readonly failed: number;
  readonly firstAudioMs: number[];
  /** Audio played, and reply start -> end of playback, summed over replies. */
  readonly audioMs: number;
  readonly playWallMs: number;
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  /** CPU of this process (user + system) while the replies ran. */
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly heapMiB: number;
}

const SENTENCES = [
  'Sure, I can help you with that.',
  'Your order shipped this morning and should arrive by Thursday.',
  'The train leaves at 9:45 from platform two.',
  'Dr. Patel has an opening at 3 p.m. tomorrow.',
  'Would you like me to book it for you?',
  'The forecast says light rain until noon.',
  'I found three flights under five hundred dollars.',
  'Is there anything else I can do for you?',
];

function reply(i: number): string[] {
  const sentences = Array.from({ length: 3 + (i % 3) }, (_, k) => SENTENCES[(i * 7 + k * 3) % SENTENCES.length] as string);
  return sentences.join(' ').match(/\s*\S+/g) ?? [];
}

/** Speaks one reply on `session`; resolves with (first audio, audio played, start -> end of playback) in ms. */
function converse(session: SpeechSession, tokens: string[]): Promise<{ firstAudio: number; audio: number; wall: number } | undefined> {
  return new Promise((resolve) => {
    const startAt = performance.now();
    const input = new Subject<string>();
    let utteranceId: string | undefined;
    let firstAudioAt: number | undefined;
    let playEnd = 0;
    let audio = 0;
    // The player: plays each chunk after the previous one (or at once after an underrun) and reports.
    const report = setInterval(() => {
      if (utteranceId !== undefined) session.reportPlayback(utteranceId, Math.max(0, audio - Math.max(0, playEnd - performance.now())));
    }, 200);
    session.say(input).subscribe({
      next: (event) => {
        if (event.type !== 'audio') return;
        const now = performance.now();
        utteranceId = event.utteranceId;
        firstAudioAt ??= now;
        const ms = (event.pcm.length * 1000) / event.sampleRate;
        playEnd = Math.max(playEnd, now) + ms;
        audio += ms;
      },
      error: () => {
        clearInterval(report);
        resolve(undefined);
      },
      complete: () => {
        clearInterval(report);
        resolve(firstAudioAt === undefined ? undefined : { firstAudio: firstAudioAt - startAt, audio, wall: playEnd - startAt });
      },
    });
    let next = 0;
    const push = (): void => {
      if (next === tokens.length) return input.complete();
      input.next(tokens[next++] as string);
      setTimeout(push, 8 + Math.random() * 17); // ~60 tokens a second
    };
    push();
  });
}

/** Runs a worker's share: connect, wait for `go`, speak, measure. */
export async function runWorker(task: WorkerTask, ready: () => Promise<void>): Promise<WorkerReport> {
  // One provider per process: for the embedded engine, one synthesis thread per worker process.
  const provider: SpeechProvider = task.engine === 'espeak' ? espeak({ poolSize: 1 }) : pacedProvider();
  await provider.warmup?.();
  const sessions = Array.from({ length: task.sessions }, () => createSpeechSession({ provider }));
  await Promise.all(sessions.map((s) => s.warmup()));
  await ready();

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const startedAt = performance.now();
  const results = await Promise.all(sessions.map((s, i) => converse(s, reply(task.firstSession + i))));
  const wallMs = performance.now() - startedAt;
  const used = process.cpuUsage(cpu);
  loop.disable();
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  await Promise.all(sessions.map((s) => s.close()));
  await provider.close?.();

  const done = results.filter((r) => r !== undefined);
  return {
    sessions: task.sessions,
    completed: done.length,
    failed: results.length - done.length,
    firstAudioMs: done.map((r) => r.firstAudio),
    audioMs: done.reduce((n, r) => n + r.audio, 0),
    playWallMs: done.reduce((n, r) => n + r.wall, 0),
    // Node 20 records the timer's whole interval: the delay is what exceeds the 10 ms resolution.
    loopP99Ms: Math.max(0, loop.percentile(99) / 1e6 - 10),
    loopMaxMs: Math.max(0, loop.max / 1e6 - 10),
    cpuMs: (used.user + used.system) / 1000,
    wallMs,
    heapMiB,
  };
}
