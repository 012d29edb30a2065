import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnginePool, type JobHandlers } from './pool.js';
import type { SegmentPlace } from './queue.js';

const CHUNK = 2205 * 2; // the engine calls back about every 100 ms of audio; allow some slack

let pool: EnginePool;

beforeAll(async () => {
  pool = new EnginePool({ voice: 'en-us', rate: 175, pitch: 50, size: 1, warmText: 'Ready.' });
  await pool.start();
});

afterAll(async () => {
  await pool.close();
});

function run(text: string, log: string[], name: string, place?: SegmentPlace, on: EnginePool = pool): Promise<number> {
  return new Promise((resolve, reject) => {
    const handlers: JobHandlers = {
      chunk: () => log.push(`${name}:chunk`),
      done: (samples) => {
        log.push(`${name}:done`);
        resolve(samples);
      },
      error: reject,
    };
    on.submit(text, handlers, place);
  });
}

const SENTENCE = 'The first sentence of a reply, long enough to give a few seconds of audio to play.';


describe('EnginePool', () => {
  it('runs queued jobs in order on one instance', async () => {
    const log: string[] = [];
    await Promise.all(['One.', 'Two words.', 'Three words here.'].map((text, i) => run(text, log, `j${i}`)));
    const order = log.filter((entry) => entry.endsWith(':done'));
    expect(order).toEqual(['j0:done', 'j1:done', 'j2:done']);
    // No interleaving with one instance: each job's chunks precede the next job's.
    expect(log.indexOf('j1:chunk')).toBeGreaterThan(log.indexOf('j0:done'));
    expect(log.indexOf('j2:chunk')).toBeGreaterThan(log.indexOf('j1:done'));
  });

  it('aborts a running synthesis within one engine callback and stays reusable', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `This is sentence number ${i + 1} of a rather long reply.`).join(' ');
    let afterCancel = 0;
    let received = 0;
    const aborted = await new Promise<number>((resolve, reject) => {
      const job = pool.submit(long, {
        chunk: (samples) => {
          if (job.state === 'cancelled') afterCancel++;
          received += samples.length;
          // Cancel from the main thread while the worker is still synthesizing.
          pool.cancel(job);
        },
        done: () => reject(new Error('done after cancel')),
        error: reject,
        aborted: resolve,
      });
    });
    expect(afterCancel).toBe(0);
    // The engine stopped soon after the flag was set: far less than the ~3 minutes of the text.
    expect(aborted).toBeGreaterThanOrEqual(received);
    // (Typically one chunk, 0.1-0.2 s; the bound leaves room for a slow, busy CI main thread.)
    expect(aborted / 22050).toBeLessThan(30);
    const log: string[] = [];
    expect(await run('Reusable.', log, 'next')).toBeGreaterThan(CHUNK);
  });

  it('drops queued jobs that are cancelled before they start', async () => {
    const log: string[] = [];
    const first = run('First.', log, 'a');
    const dropped = pool.submit('Dropped.', {
      chunk: () => log.push('dropped:chunk'),
      done: () => log.push('dropped:done'),
      error: () => log.push('dropped:error'),
    });
    pool.cancel(dropped);
    await Promise.all([first, run('Last.', log, 'c')]);
    expect(log.some((entry) => entry.startsWith('dropped'))).toBe(false);
    expect(dropped.state).toBe('cancelled');
    expect(pool.waiting).toBe(0);
  });

  it("starts waiting replies' first segments before later segments of a reply that has audio, each reply in order", async () => {
    const log: string[] = [];
    const [a, b, c] = [{}, {}, {}];
    // a0 runs at once (one idle instance); everything else waits behind it.
    const jobs = [
      run(SENTENCE, log, 'a0', { reply: a, index: 0 }),
      run('Second sentence of the first reply.', log, 'a1', { reply: a, index: 1 }),
      run('Third.', log, 'a2', { reply: a, index: 2 }),
      run('Another reply starts.', log, 'b0', { reply: b, index: 0 }),
      run('And one more.', log, 'c0', { reply: c, index: 0 }),
    ];
    expect(pool.waiting).toBe(4);
    await Promise.all(jobs);
    const order = log.filter((entry) => entry.endsWith(':done')).map((entry) => entry.slice(0, 2));
    // a has seconds of audio to play when a0 ends: b and c start first, then a1 and a2, in order.
    expect(order).toEqual(['a0', 'b0', 'c0', 'a1', 'a2']);
    expect(pool.waiting).toBe(0);
  });

  it("keeps the old first-in-first-out order with order: 'fifo' (benchmarks only)", async () => {
    const fifo = new EnginePool({ voice: 'en-us', rate: 175, pitch: 50, size: 1, warmText: 'Ready.', order: 'fifo' });
    try {
      await fifo.start();
      const log: string[] = [];
      const [a, b] = [{}, {}];
      await Promise.all([
        run(SENTENCE, log, 'a0', { reply: a, index: 0 }, fifo),
        run('Second sentence.', log, 'a1', { reply: a, index: 1 }, fifo),
        run('Another reply.', log, 'b0', { reply: b, index: 0 }, fifo),
      ]);
      expect(log.filter((entry) => entry.endsWith(':done')).map((entry) => entry.slice(0, 2))).toEqual(['a0', 'a1', 'b0']);
    } finally {
      await fifo.close();
    }
  });
});
