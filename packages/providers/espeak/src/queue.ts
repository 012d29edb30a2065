/**
 * Which waiting synthesis an idle engine instance runs next: the scheduling policy of the eSpeak
 * worker pool, kept pure (time is an argument, no threads) so that it is unit-tested on its own
 * (`queue.test.ts`).
 *
 * Policy (`'priority'`, the default). Only the oldest waiting segment of each reply is a candidate
 * (a reply's segments run in the order they were queued). Candidates go in this order:
 *
 * 1. **Urgent** segments, most overdue first. A reply's later segment is urgent when the reply's
 *    audio will run out within {@link QueueOptions.leadMs} (default 1 s): played in real time from its
 *    first chunk, the audio produced for it so far ends at `first chunk time + produced ms`. A first
 *    segment is urgent once it has waited {@link QueueOptions.firstWaitMs} (default 3 s).
 * 2. **First segments** (index 0: replies waiting for their first audio), oldest first.
 * 3. **Later segments**, the reply whose audio runs out first, first.
 *
 * So new replies start before running replies are topped up, as long as no running reply is about to
 * run dry; when the engine cannot keep up, running replies about to run dry and replies that have
 * waited 3 s for their first audio share it, most overdue first. Nothing waits forever: a segment's
 * deadline (when it becomes urgent) does not move while it waits, and time does, so every segment
 * becomes urgent, and only segments with earlier deadlines, finitely many, go before an urgent one.
 * A reply whose previous segment is running but has produced no audio yet is not urgent (its audio
 * is imminent); one with nothing produced and nothing running (its first segment made no sound, or
 * it resumes after a reconnect) is urgent at once.
 *
 * `'fifo'` is the order before this policy (first queued, first run, across all replies); kept only
 * for side-by-side benchmarks.
 *
 * No heap (and so no priority-queue package): a waiting segment's rank changes while it waits (audio
 * keeps arriving for the segment in front of it; time makes it urgent), which a heap would have to
 * re-key. Choosing scans the replies that have work waiting, one candidate each: microseconds for
 * thousands of replies, against milliseconds for the synthesis it starts.
 * @internal
 */

/** `'priority'`: earliest deadline first (see the module comment). `'fifo'`: arrival order. @internal */
export type QueueOrder = 'priority' | 'fifo';

/** @internal */
export interface QueueOptions {
  /** Default `'priority'`. */
  readonly order?: QueueOrder;
  /**
   * A later segment is urgent once its reply's audio runs out within this many ms.
   * Default {@link DEFAULT_LEAD_MS}.
   */
  readonly leadMs?: number;
  /** A first segment is urgent once it has waited this many ms. Default {@link DEFAULT_FIRST_WAIT_MS}. */
  readonly firstWaitMs?: number;
}

/**
 * Default {@link QueueOptions.leadMs}, in ms. Starting a segment takes ~10-50 ms, but when many
 * replies start within a few seconds their later segments fall due together: topping replies up a
 * second ahead spreads that work out (see `bench/queue.sim.ts`). @internal
 */
export const DEFAULT_LEAD_MS = 1000;

/**
 * Default {@link QueueOptions.firstWaitMs}, in ms: how long new replies yield to running replies about
 * to run dry before they compete with them (see `bench/queue.sim.ts`). @internal
 */
export const DEFAULT_FIRST_WAIT_MS = 3000;

/** Where a segment belongs: its reply (any object that lives as long as the reply) and its index in it. @internal */
export interface SegmentPlace {
  readonly reply: object;
  readonly index: number;
}

interface Waiting<T> {
  readonly item: T;
  readonly index: number;
  /** When it was queued (ms, the caller's clock). */
  readonly at: number;
  /** Arrival order: ties and `'fifo'`. */
  readonly seq: number;
}

/** What the queue knows of a reply's audio. Lives (in a WeakMap) as long as the reply object. */
interface ReplyAudio {
  /** When the reply's first chunk came. */
  firstAudioAt: number | undefined;
  /** Audio produced for the reply so far, in ms. */
  producedMs: number;
  /** Its segments being synthesized now. */
  running: number;
}

/**
 * `[class, key, arrival order]`, compared in that order: 0 urgent (key: when it became urgent),
 * 1 first segment (key: when it was queued), 2 later segment (key: when it will become urgent).
 */
type Rank = readonly [number, number, number];

function before(a: Rank, b: Rank): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}

/** The waiting segments of one reply, oldest first. */
interface ReplyLine<T> {
  readonly reply: object;
  readonly waiting: Waiting<T>[];
}

/** A queue of synthesis requests with the policy above. @internal */
export class SynthesisQueue<T> {
  private readonly order: QueueOrder;
  private readonly leadMs: number;
  private readonly firstWaitMs: number;
  /** Replies with at least one waiting segment. */
  private readonly lines = new Map<object, ReplyLine<T>>();
  /** Waiting item -> its reply's line (for removal). */
  private readonly where = new Map<T, ReplyLine<T>>();
  private readonly audioOf = new WeakMap<object, ReplyAudio>();
  private seq = 0;

  constructor(options: QueueOptions = {}) {
    this.order = options.order ?? 'priority';
    this.leadMs = options.leadMs ?? DEFAULT_LEAD_MS;
    this.firstWaitMs = options.firstWaitMs ?? DEFAULT_FIRST_WAIT_MS;
  }

  /** Segments waiting. */
  get size(): number {
    return this.where.size;
  }

  /** Replies with segments waiting (diagnostics and tests). */
  get replies(): number {
    return this.lines.size;
  }

  /** Queues `item` (at most once) behind the waiting segments of its reply. */
  push(item: T, place: SegmentPlace, now: number): void {
    if (this.where.has(item)) return;
    let line = this.lines.get(place.reply);
    if (!line) {
      line = { reply: place.reply, waiting: [] };
      this.lines.set(place.reply, line);
    }
    line.waiting.push({ item, index: place.index, at: now, seq: this.seq++ });
    this.where.set(item, line);
  }

  /** Drops a waiting item (cancelled). Returns whether it was waiting. */
  remove(item: T): boolean {
    const line = this.where.get(item);
    if (!line) return false;
    this.where.delete(item);
    const position = line.waiting.findIndex((waiting) => waiting.item === item);
    if (position >= 0) line.waiting.splice(position, 1);
    if (line.waiting.length === 0) this.lines.delete(line.reply);
    return true;
  }

  /**
   * Takes the item to run at `now`, or undefined when none waits. The caller reports its audio
   * with {@link audio} and its end with {@link settled}.
   */
  next(now: number): T | undefined {
    let best: ReplyLine<T> | undefined;
    let bestRank: Rank = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    for (const line of this.lines.values()) {
      const head = line.waiting[0];
      if (!head) continue;
      const rank = this.rank(line.reply, head, now);
      if (best === undefined || before(rank, bestRank)) {
        best = line;
        bestRank = rank;
      }
    }
    if (!best) return undefined;
    const head = best.waiting.shift();
    if (!head) return undefined;
    if (best.waiting.length === 0) this.lines.delete(best.reply);
    this.where.delete(head.item);
    this.stats(best.reply).running++;
    return head.item;
  }

  /** `ms` of audio was produced for `reply` (delivered at `now`). */
  audio(reply: object, ms: number, now: number): void {
    const stats = this.stats(reply);
    stats.firstAudioAt ??= now;
    stats.producedMs += ms;
  }

  /** A segment of `reply` taken by {@link next} ended (done, failed or aborted). */
  settled(reply: object): void {
    const stats = this.audioOf.get(reply);
    if (stats && stats.running > 0) stats.running--;
  }

  /** Empties the queue; returns what was waiting, in arrival order. */
  clear(): T[] {
    const all = [...this.lines.values()].flatMap((line) => line.waiting).sort((a, b) => a.seq - b.seq);
    this.lines.clear();
    this.where.clear();
    return all.map((waiting) => waiting.item);
  }

  /** Where a reply's oldest waiting segment goes (see the module comment); lower runs first. */
  private rank(reply: object, head: Waiting<T>, now: number): Rank {
    if (this.order === 'fifo') return [0, head.seq, head.seq];
    const urgentAt = this.urgentAt(reply, head);
    if (urgentAt <= now) return [0, urgentAt, head.seq];
    return head.index === 0 ? [1, head.at, head.seq] : [2, urgentAt, head.seq];
  }

  /** When a reply's oldest waiting segment becomes urgent. */
  private urgentAt(reply: object, head: Waiting<T>): number {
    if (head.index === 0) return head.at + this.firstWaitMs;
    const stats = this.audioOf.get(reply);
    if (stats?.firstAudioAt !== undefined) return stats.firstAudioAt + stats.producedMs - this.leadMs;
    if (stats && stats.running > 0) return Number.POSITIVE_INFINITY;
    return head.at;
  }

  private stats(reply: object): ReplyAudio {
    let stats = this.audioOf.get(reply);
    if (!stats) {
      stats = { firstAudioAt: undefined, producedMs: 0, running: 0 };
      this.audioOf.set(reply, stats);
    }
    return stats;
  }
}
