/**
 * Which waiting synthesis an idle engine instance runs next: the scheduling policy of the eSpeak
 * worker pool, kept pure (time is an argument, no threads) so that it is unit-tested on its own
 * (`queue.test.ts`).
 *
 * Policy (`'priority'`, the default): every waiting segment has a deadline, and the earliest
 * deadline runs first (ties: the one queued first).
 *
 * - A reply's **first segment** (index 0): the time it was queued. Its listener is already waiting.
 * - A **later segment**: the moment its reply's audio runs out, i.e. when the reply's first chunk
 *   came plus the audio produced for the reply so far (played in real time from its first chunk),
 *   minus {@link QueueOptions.leadMs} (time to get the next audio going). A reply whose previous
 *   segment is still running and has produced no audio yet is not urgent (its audio is imminent):
 *   infinite deadline until its first chunk. A reply with nothing produced and nothing running waits
 *   like a first segment (the time it was queued).
 *
 * So first segments go before later segments of replies that still have audio to play (their
 * deadlines are in the future), later segments are served earliest-running-out first, and a reply
 * about to run dry competes with waiting first segments by how long each has been waiting. Deadlines
 * do not move while a segment waits, and time moves on: nothing waits forever behind a stream of new
 * work (new first segments get later deadlines than a waiting later segment once its deadline has
 * come). Within a reply, segments run in the order they were queued: only the oldest waiting segment
 * of each reply is a candidate.
 *
 * `'fifo'` is the order before this policy (first queued, first run, across all replies); kept only
 * for side-by-side benchmarks.
 *
 * Not a binary heap: deadlines of waiting replies change while they wait (audio keeps arriving for
 * the segment in front of them), which a heap would have to re-key. Choosing scans the replies that
 * have work waiting, one candidate each: a few microseconds for thousands of replies, against several
 * milliseconds for any synthesis it starts.
 * @internal
 */

/** `'priority'`: earliest deadline first (see the module comment). `'fifo'`: arrival order. @internal */
export type QueueOrder = 'priority' | 'fifo';

/** @internal */
export interface QueueOptions {
  /** Default `'priority'`. */
  readonly order?: QueueOrder;
  /**
   * A later segment's deadline is this long before its reply's audio runs out: the time a free
   * instance needs to start it and send its first chunk, plus margin. Default {@link DEFAULT_LEAD_MS}.
   */
  readonly leadMs?: number;
}

/** Default {@link QueueOptions.leadMs}, in ms. @internal */
export const DEFAULT_LEAD_MS = 250;

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

/** The waiting segments of one reply, oldest first. */
interface ReplyLine<T> {
  readonly reply: object;
  readonly waiting: Waiting<T>[];
}

/** A queue of synthesis requests with the policy above. @internal */
export class SynthesisQueue<T> {
  private readonly order: QueueOrder;
  private readonly leadMs: number;
  /** Replies with at least one waiting segment. */
  private readonly lines = new Map<object, ReplyLine<T>>();
  /** Waiting item -> its reply's line (for removal). */
  private readonly where = new Map<T, ReplyLine<T>>();
  private readonly audioOf = new WeakMap<object, ReplyAudio>();
  private seq = 0;

  constructor(options: QueueOptions = {}) {
    this.order = options.order ?? 'priority';
    this.leadMs = options.leadMs ?? DEFAULT_LEAD_MS;
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
   * Takes the item to run now, or undefined when none waits. The caller reports its audio with
   * {@link audio} and its end with {@link settled}. (Deadlines are absolute times: which one is
   * earliest does not depend on the current time, so none is needed here.)
   */
  next(): T | undefined {
    let best: ReplyLine<T> | undefined;
    let bestKey = Number.POSITIVE_INFINITY;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const line of this.lines.values()) {
      const head = line.waiting[0];
      if (!head) continue;
      const key = this.order === 'fifo' ? head.seq : this.deadline(line.reply, head);
      if (best === undefined || key < bestKey || (key === bestKey && head.seq < bestSeq)) {
        best = line;
        bestKey = key;
        bestSeq = head.seq;
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

  /** The deadline of a reply's oldest waiting segment (see the module comment). */
  private deadline(reply: object, head: Waiting<T>): number {
    if (head.index === 0) return head.at;
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
