import { describe, expect, it } from 'vitest';
import { DEFAULT_FIRST_WAIT_MS, DEFAULT_LEAD_MS, SynthesisQueue, type QueueOptions } from './queue.js';

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
  /** Queues `"<reply><index>"` at `now`, e.g. `push('a1', 20)`. */
  const push = (label: string, now: number): void => {
    queue.push(label, { reply: reply(label.slice(0, 1)), index: Number(label.slice(1)) }, now);
  };
  /** Takes items at `now` until the queue is empty. */
  const drain = (now: number): string[] => {
    const out: string[] = [];
    for (let item = queue.next(now); item !== undefined; item = queue.next(now)) out.push(item);
    return out;
  };
  return { queue, reply, push, drain };
}

describe('SynthesisQueue', () => {
  it('defaults: a later segment is urgent 1 s before its reply runs dry, a first segment after waiting 3 s', () => {
    expect(DEFAULT_LEAD_MS).toBe(1000);
    expect(DEFAULT_FIRST_WAIT_MS).toBe(3000);
  });

  it("'fifo' runs in arrival order across replies", () => {
    const { push, drain } = setup({ order: 'fifo' });
    push('a0', 0);
    push('a1', 0);
    push('b0', 5);
    push('a2', 6);
    push('c0', 7);
    expect(drain(10_000)).toEqual(['a0', 'a1', 'b0', 'a2', 'c0']);
  });

  it('runs waiting first segments before later segments of replies that have audio left', () => {
    const { queue, reply, push, drain } = setup();
    push('a0', 0);
    push('a1', 0);
    expect(queue.next(0)).toBe('a0');
    queue.audio(reply('a'), 3000, 10); // a has 3 s of audio, playing from t=10
    push('b0', 20);
    push('c0', 30);
    expect(drain(40)).toEqual(['b0', 'c0', 'a1']);
  });

  it('serves later segments by when their reply runs out of audio', () => {
    const { queue, reply, push, drain } = setup();
    for (const name of ['a', 'b', 'c']) push(`${name}0`, 0);
    expect(drain(0)).toEqual(['a0', 'b0', 'c0']);
    queue.audio(reply('a'), 5000, 10); // runs out at 5010
    queue.audio(reply('b'), 2000, 20); // runs out at 2020
    queue.audio(reply('c'), 1000, 30); // runs out at 1030...
    queue.audio(reply('c'), 2500, 40); // ... then at 3530
    push('a1', 50);
    push('b1', 51);
    push('c1', 52);
    expect(drain(60)).toEqual(['b1', 'c1', 'a1']);
  });

  it('keeps the order of segments within a reply', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    push('a1', 0);
    push('a2', 0);
    push('a3', 0);
    expect(queue.next(0)).toBe('a0');
    queue.audio(reply('a'), 100, 5); // about to run dry: a's next segments are urgent
    push('b0', 1000);
    queue.remove('a2');
    expect([queue.next(1000), queue.next(1000), queue.next(1000)]).toEqual(['a1', 'a3', 'b0']);
  });

  it('lets a running reply about to run dry go before new first segments', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    expect(queue.next(0)).toBe('a0');
    queue.audio(reply('a'), 3000, 0); // runs out at 3000: urgent from 3000 - lead
    push('a1', 100);
    push('b0', 1000);
    expect(queue.next(3000 - DEFAULT_LEAD_MS - 1)).toBe('b0'); // a1 not urgent yet
    push('c0', 1500);
    expect(queue.next(3000 - DEFAULT_LEAD_MS)).toBe('a1');
    expect(queue.next(3000 - DEFAULT_LEAD_MS)).toBe('c0');
  });

  it('serves urgent segments most overdue first, first segments that have waited too long included', () => {
    // b0 is urgent from 0 + first wait; a1 from when a runs dry minus the lead.
    for (const [audioMs, expected] of [
      [DEFAULT_FIRST_WAIT_MS + DEFAULT_LEAD_MS + 500, ['b0', 'a1']], // a1 urgent 500 ms after b0
      [DEFAULT_FIRST_WAIT_MS + DEFAULT_LEAD_MS - 500, ['a1', 'b0']], // a1 urgent 500 ms before b0
    ] as const) {
      const { queue, reply, push } = setup();
      push('a0', 0);
      expect(queue.next(0)).toBe('a0');
      push('b0', 0);
      push('a1', 0);
      queue.audio(reply('a'), audioMs, 0);
      // No instance was free until now: both are urgent.
      const now = DEFAULT_FIRST_WAIT_MS + 1000;
      expect([queue.next(now), queue.next(now)]).toEqual(expected);
    }
  });

  it('does not let a reply whose segment is still silent (running, no audio yet) pass new first segments', () => {
    const { queue, reply, push, drain } = setup();
    push('a0', 0);
    push('a1', 0);
    expect(queue.next(0)).toBe('a0');
    push('b0', 5000); // long after: a1 would be urgent if it counted from its queue time
    expect(queue.next(5000)).toBe('b0');
    queue.audio(reply('a'), 3000, 5010);
    push('c0', 5020);
    expect(drain(5030)).toEqual(['c0', 'a1']);
  });

  it('treats a reply with nothing produced and nothing running (silent first segment, resumed reply) as urgent', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    expect(queue.next(0)).toBe('a0');
    queue.settled(reply('a')); // a0 ended without audio
    push('b0', 100);
    push('a1', 200);
    push('c0', 300);
    expect([queue.next(300), queue.next(300), queue.next(300)]).toEqual(['a1', 'b0', 'c0']);
  });

  it('never starves a later segment under a continuous stream of new first segments', () => {
    const { queue, reply, push } = setup();
    push('a0', 0);
    expect(queue.next(0)).toBe('a0');
    queue.audio(reply('a'), 3000, 0);
    push('a1', 0);
    // Every 10 ms two new replies arrive and the engine starts one segment: the backlog only grows.
    let served = -1;
    let newest = 0;
    for (let now = 0; now < 100_000 && served < 0; now += 10) {
      for (const _ of [1, 2]) queue.push(`new${newest++}`, { reply: {}, index: 0 }, now);
      if (queue.next(now) === 'a1') served = now;
    }
    // Served as soon as a has less than the lead of audio left.
    expect(served).toBe(3000 - DEFAULT_LEAD_MS);
    expect(queue.size).toBeGreaterThan(0);
  });

  it('never starves a first segment under a continuous stream of urgent later segments', () => {
    const { queue, push } = setup();
    push('b0', 0); // urgent from 0 + first wait
    let served = -1;
    let newest = 0;
    for (let now = 0; now < 100_000 && served < 0; now += 10) {
      // Every 10 ms, two replies whose audio ran out 500 ms ago want their next segment.
      for (const _ of [1, 2]) {
        const key = { n: newest++ };
        queue.audio(key, 500, now - 1000);
        queue.push(`later${newest}`, { reply: key, index: 1 }, now);
      }
      if (queue.next(now) === 'b0') served = now;
    }
    // Urgent since the first wait; served after the later segments urgent before it (since queue time - 500 - lead:
    // those queued before first wait + 500 + lead), the engine taking one every 10 ms.
    const dueBefore = ((DEFAULT_FIRST_WAIT_MS + 500 + DEFAULT_LEAD_MS) / 10) * 2;
    expect(served).toBe(dueBefore * 10);
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
    expect(queue.next(0)).toBeUndefined();
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
