import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTimeScheduler } from 'rxjs';
import { advanceVirtualTime, collectConnectionEvents, connectTo, createDeepgramServer, eventually, expectedSamples, type DeepgramServerOptions, type DeepgramTestServer } from '@utter/testing';
import { FlushBudget } from './flush.js';
import { deepgram, type DeepgramOptions } from './index.js';

const servers: DeepgramTestServer[] = [];
async function server(options: DeepgramServerOptions = {}): Promise<DeepgramTestServer> {
  const s = await createDeepgramServer({ msPerChar: 5, ...options });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const flushes = (s: DeepgramTestServer) => s.received.filter((m) => (m.json as { type?: string }).type === 'Flush').length;
const open = (s: DeepgramTestServer, scheduler: VirtualTimeScheduler, options: DeepgramOptions = {}) =>
  connectTo(deepgram({ apiKey: s.apiKey, baseUrl: s.baseUrl, scheduler, ...options }));

describe('FlushBudget', () => {
  it('counts flushes in a sliding window on the scheduler clock, and backs off a whole window after a refusal', () => {
    const scheduler = new VirtualTimeScheduler();
    const budget = new FlushBudget(3, 60_000, scheduler);
    expect(budget.canSpend(1)).toBe(true);
    budget.spend();
    scheduler.frame = 10_000;
    budget.spend();
    expect(budget.canSpend(1)).toBe(false); // the last one is kept for an end of reply
    expect(budget.canSpend(0)).toBe(true);
    budget.spend();
    expect(budget.canSpend(0)).toBe(false);
    expect(budget.waitMs()).toBe(50_000);
    scheduler.frame = 60_000;
    expect(budget.used).toBe(2);
    expect(budget.canSpend(0)).toBe(true);
    budget.refused();
    expect(budget.canSpend(0)).toBe(false);
    expect(budget.waitMs()).toBe(60_000);
  });
});

describe('deepgram flush policy (virtual time)', () => {
  it('coalesces segments shorter than flushMinChars: first segment at once, then every flushMinChars, then at the end', async () => {
    const s = await server();
    const conn = await open(s, new VirtualTimeScheduler(), { flushMinChars: 120 });
    const c = collectConnectionEvents(conn);
    const segments = Array.from({ length: 10 }, (_, i) => `Sentence number ${i} has some words in it. `);
    for (const [i, text] of segments.entries()) conn.send({ utteranceId: 'u', segmentId: i, text });
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    const text = segments.join('');
    expect(c.samples('u')).toBe(s.generations.reduce((n, g) => n + expectedSamples(g.text, { msPerChar: 5 }), 0));
    expect(s.generations.map((g) => g.text).join('')).toBe(text);
    // Segment 0 at once, then after segments 3, 6 and 9 (120 characters each time); the last one ends the reply: 4, not 10.
    expect(flushes(s)).toBe(4);
    // Each segment's audio is attributed to it, also inside groups (boundaries from the measured rate).
    for (const [i, seg] of segments.entries()) expect(c.samples('u', i), `segment ${i}`).toBe(expectedSamples(seg, { msPerChar: 5 }));
    expect(c.events.filter((e) => e.type === 'segment-done')).toHaveLength(10);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('flushes text that waits flushIdleMs without more text (an LLM pause)', async () => {
    const s = await server();
    const scheduler = new VirtualTimeScheduler();
    const conn = await open(s, scheduler, { flushIdleMs: 1000, flushMinChars: 200 });
    const c = collectConnectionEvents(conn);
    conn.send({ utteranceId: 'u', segmentId: 0, text: 'First. ' });
    conn.send({ utteranceId: 'u', segmentId: 1, text: 'Then a pause.' });
    await s.waitFor(() => s.generations.length === 1 && s.generations[0]?.status === 'complete');
    await advanceVirtualTime(scheduler, 999);
    expect(flushes(s)).toBe(1);
    await advanceVirtualTime(scheduler, 1);
    expect(flushes(s)).toBe(2);
    await s.waitFor(() => s.generations.length === 2);
    conn.finish('u');
    await c.until((e) => e.type === 'utterance-done');
    expect(flushes(s)).toBe(2); // nothing left to flush at the end: the last Flushed ends the reply
    conn.close();
  });

  it('never exceeds maxFlushesPerMinute: an end-of-reply flush waits for the window', async () => {
    const s = await server();
    const scheduler = new VirtualTimeScheduler();
    const conn = await open(s, scheduler, { maxFlushesPerMinute: 3 });
    const c = collectConnectionEvents(conn);
    for (let i = 0; i < 3; i++) {
      conn.send({ utteranceId: `u${i}`, segmentId: 0, text: `Reply ${i}.` });
      conn.finish(`u${i}`);
      await c.until((e) => e.type === 'utterance-done' && e.utteranceId === `u${i}`);
    }
    expect(flushes(s)).toBe(3);
    conn.send({ utteranceId: 'u3', segmentId: 0, text: 'Reply 3.' });
    conn.finish('u3');
    await advanceVirtualTime(scheduler, 59_999);
    expect(flushes(s)).toBe(3);
    expect(c.events.some((e) => e.type === 'audio' && e.utteranceId === 'u3')).toBe(false);
    await advanceVirtualTime(scheduler, 1);
    await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'u3');
    expect(flushes(s)).toBe(4);
    expect(s.violations).toEqual([]);
    conn.close();
  });

  it('after a flush-rate Warning (EXCESSIVE_FLUSH), backs off a window and flushes again', async () => {
    for (const warningShape of ['warn', 'documented'] as const) {
      const s = await server({ flushLimit: 2, warningShape });
      const scheduler = new VirtualTimeScheduler();
      const conn = await open(s, scheduler);
      const c = collectConnectionEvents(conn);
      for (let i = 0; i < 2; i++) {
        conn.send({ utteranceId: `u${i}`, segmentId: 0, text: `Reply ${i}.` });
        conn.finish(`u${i}`);
        await c.until((e) => e.type === 'utterance-done' && e.utteranceId === `u${i}`);
      }
      conn.send({ utteranceId: 'u2', segmentId: 0, text: 'Reply 2.' });
      conn.finish('u2');
      await s.waitFor(() => s.violations.some((v) => v.rule === 'excessive-flush'));
      await eventually(() => flushes(s) === 3);
      await advanceVirtualTime(scheduler, 30_000);
      expect(flushes(s)).toBe(3);
      // The server's own window is real time: let it forget the two flushes before the retry.
      s.faults = {};
      (s as unknown as { flushLimit: number }).flushLimit = 20;
      await advanceVirtualTime(scheduler, 30_000);
      await c.until((e) => e.type === 'utterance-done' && e.utteranceId === 'u2');
      expect(flushes(s)).toBe(4);
      expect(c.errors()).toEqual([]);
      conn.close();
    }
  });
});
