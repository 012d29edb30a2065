import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_MS, SynthesisQueue, type QueueOptions } from './queue.js';

/** A queue of labels such as `"a0"` (reply a, segment 0); replies are plain objects, time is explicit. */
function setup(options?: QueueOptions) {
  const queue = new SynthesisQueue<string>(options);
  const replies = new Map<string, object>();
  const reply = (name: string): object => {
    let key = replies.get(name);
    if (!key) {
      key = { name };
      replies.set(name, key);
    }
    return key;
  };
  /** Queues `"<reply><index>"`, e.g. `push('a1', 20)`. */
  const push = (label: string, now: number): void => {
    queue.push(label, { reply: reply(label.slice(0, 1)), index: Number(label.slice(1)) }, now);
  };
  /** Takes items until the queue is empty. */
  const drain = (): string[] => {
    const out: string[] = [];
    for (let item = queue.next(); item !== undefined; item = queue.next()) out.push(item);
    return out;
  };
  return { queue, reply, push, drain };
}

describe('SynthesisQueue', () => {
  it("'fifo' runs in arrival order across replies", () => {
    const { push, drain } = setup({ order: 'fifo' });
    push('a0', 0);
    push('a1', 0);
    push('b0', 5);
    push('a2', 6);
    push('c0', 7);
    expect(drain()).toEqual(['a0', 'a1', 'b0', 'a2', 'c0']);
  });

  it('runs waiting first segments before later segments of replies that have audio left', () => {
    const { queue, reply, push, drain } = setup();
    push('a0', 0);
    push('a1', 0);
    expect(queue.next()).toBe('a0');
    queue.audio(reply('a'), 3000, 10); // a has 3 s of audio, playing from t=10
    push('b0', 20);
    push('c0', 30);
    expect(drain()).toEqual(['b0', 'c0', 'a1']);
  });

  it('serves later segments earliest playback deadline first', () => {
    const { queue, reply, push, drain } = setup();
    for (const name of ['a', 'b', 'c']) push(`${name}0`, 0);
    expect(drain()).toEqual(['a0', 'b0', 'c0']);
    queue.audio(reply('a'), 5000, 10); // runs out at 5010
    queue.audio(reply('b'), 2000, 20); // runs out at 2020
    queue.audio(reply('c'), 1000, 30); // runs out at 1030...
    queue.audio(reply('c'), 2500, 40); // ... then at 3530
    push('a1', 50);
    push('b1', 51);
    push('c1', 52);
    expect(drain()).toEqual(['b1', 'c1', 'a1']);
  });

  it('keeps the order of segments within a reply', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    push('a1', 0);
    push('a2', 0);
    push('a3', 0);
    expect(queue.next()).toBe('a0');
    queue.audio(reply('a'), 100, 5); // about to run dry: a's next segment is urgent
    push('b0', 1000);
    queue.remove('a2');
    expect([queue.next(), queue.next(), queue.next()]).toEqual(['a1', 'a3', 'b0']);
  });

  it('does not let a reply whose first segment is still silent (running, no audio yet) pass new first segments', () => {
    const { queue, reply, push, drain } = setup();
    push('a0', 0);
    push('a1', 0);
    expect(queue.next()).toBe('a0');
    push('b0', 5000); // long after: a1 would win if its deadline were a1's queue time
    expect(queue.next()).toBe('b0');
    queue.audio(reply('a'), 2000, 5010);
    push('c0', 5020);
    expect(drain()).toEqual(['c0', 'a1']);
  });

  it('lets a reply that produced nothing and runs nothing wait like a first segment', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    expect(queue.next()).toBe('a0');
    queue.settled(reply('a')); // a0 ended without audio
    push('b0', 100);
    push('a1', 200);
    push('c0', 300);
    expect([queue.next(), queue.next(), queue.next()]).toEqual(['b0', 'a1', 'c0']);
  });

  it('lets a reply about to run dry pass first segments that have waited less than it is late', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    expect(queue.next()).toBe('a0');
    queue.audio(reply('a'), 1000, 0); // runs out at 1000; deadline 1000 - lead
    push('b0', 1000 - DEFAULT_LEAD_MS - 1); // waiting since before a's deadline: goes first
    push('a1', 900);
    push('c0', 1000 - DEFAULT_LEAD_MS + 1); // queued after a's deadline: a1 goes first
    expect([queue.next(), queue.next(), queue.next()]).toEqual(['b0', 'a1', 'c0']);
  });

  it('never starves a later segment under a continuous stream of new first segments', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    expect(queue.next()).toBe('a0');
    queue.audio(reply('a'), 1000, 0);
    push('a1', 0);
    // Every 10 ms, two new replies arrive and the engine starts one segment: the backlog only grows.
    let served = -1;
    let newest = 0;
    for (let step = 0, now = 0; step < 1000 && served < 0; step++, now += 10) {
      for (const _ of [1, 2]) queue.push(`new${newest++}`, { reply: {}, index: 0 }, now);
      if (queue.next() === 'a1') served = now;
    }
    // Served once every first segment queued before its deadline (1000 - lead) has been started.
    expect(served).toBeGreaterThan(0);
    const before = Math.ceil((1000 - DEFAULT_LEAD_MS) / 10) * 2; // first segments queued before its deadline
    expect(served).toBe(before * 10);
    expect(queue.size).toBeGreaterThan(0);
  });

  it('leaves nothing behind for removed (cancelled) segments', () => {
    const { queue, push } = setup();
    const labels = ['a0', 'a1', 'b0', 'c0', 'c1', 'c2'];
    for (const label of labels) push(label, 0);
    expect(queue.size).toBe(6);
    expect(queue.replies).toBe(3);
    for (const label of labels) expect(queue.remove(label)).toBe(true);
    expect(queue.remove('a0')).toBe(false);
    expect(queue.size).toBe(0);
    expect(queue.replies).toBe(0);
    expect(queue.next()).toBeUndefined();
  });

  it('clear() returns what was waiting, in arrival order, and empties the queue', () => {
    const { queue, push } = setup();
    push('a0', 0);
    push('b0', 1);
    push('a1', 2);
    expect(queue.clear()).toEqual(['a0', 'b0', 'a1']);
    expect(queue.size).toBe(0);
    expect(queue.replies).toBe(0);
  });
});
