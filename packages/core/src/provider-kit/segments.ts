/**
 * `SegmentQueue`: the bookkeeping of segments in flight that every segment-acknowledging adapter needs —
 * `segment-done` when a segment's audio is complete, `utterance-done` once a finished reply has no
 * segment left.
 */
import type { ConnectionEvent } from '../provider.js';

/** A segment in flight: which reply and which segment. Adapters extend it with their own state. */
export interface SegmentRef {
  readonly utteranceId: string;
  readonly segmentId: number;
}

/** The reply-scoped connection events (everything but `error` and `closed`). */
export type ReplyEvent = Exclude<ConnectionEvent, { type: 'error' } | { type: 'closed' }>;

/** Where a {@link SegmentQueue} reports (a connection context's `emit`). */
export interface ReplyEventSink {
  emit(event: ReplyEvent): void;
}

/**
 * Segments in flight on one connection, oldest first.
 *
 * - Sequential protocols (one generation at a time, audio without ids) attribute audio to `head` and
 *   complete segments from the head (`done(head)`, `doneWhile(...)`).
 * - Concurrent protocols find the segment by their own request id and `done(segment)` it in any order
 *   (the core puts segments back in order).
 * - `finish(utteranceId)` marks a reply as finished; `utterance-done` follows as soon as none of its
 *   segments is left (at once when there is none).
 *
 * Events for cancelled replies are dropped by the connection, not here: a cancelled reply's segments may
 * stay queued to absorb what the server still sends for them.
 */
export class SegmentQueue<S extends SegmentRef> {
  readonly #sink: ReplyEventSink;
  readonly #items: S[] = [];
  readonly #finishing = new Set<string>();

  constructor(sink: ReplyEventSink) {
    this.#sink = sink;
  }

  /** The oldest segment in flight. */
  get head(): S | undefined {
    return this.#items[0];
  }

  /** Every segment in flight, oldest first. */
  get items(): readonly S[] {
    return this.#items;
  }

  /** How many segments are in flight. */
  get length(): number {
    return this.#items.length;
  }

  /** Adds a segment (sent, or about to be). */
  add(segment: S): void {
    this.#items.push(segment);
  }

  /** Whether a segment of this reply is in flight. */
  has(utteranceId: string): boolean {
    return this.#items.some((s) => s.utteranceId === utteranceId);
  }

  /** A segment's audio is complete: removes it, emits `segment-done`, and `utterance-done` when due. */
  done(segment: S): void {
    const at = this.#items.indexOf(segment);
    if (at < 0) return;
    this.#items.splice(at, 1);
    this.#sink.emit({ type: 'segment-done', utteranceId: segment.utteranceId, segmentId: segment.segmentId });
    this.#settle(segment.utteranceId);
  }

  /** Completes segments from the head, in order, while `predicate` holds. */
  doneWhile(predicate: (segment: S) => boolean): void {
    for (let head = this.head; head !== undefined && predicate(head); head = this.head) this.done(head);
  }

  /** No more segments for this reply: `utterance-done` once none of its segments is in flight. */
  finish(utteranceId: string): void {
    this.#finishing.add(utteranceId);
    this.#settle(utteranceId);
  }

  /** Forgets a reply (cancelled or failed): removes its segments without events and returns them. */
  drop(utteranceId: string): S[] {
    this.#finishing.delete(utteranceId);
    const dropped: S[] = [];
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const item = this.#items[i] as S;
      if (item.utteranceId !== utteranceId) continue;
      this.#items.splice(i, 1);
      dropped.unshift(item);
    }
    return dropped;
  }

  #settle(utteranceId: string): void {
    if (!this.#finishing.has(utteranceId) || this.has(utteranceId)) return;
    this.#finishing.delete(utteranceId);
    this.#sink.emit({ type: 'utterance-done', utteranceId });
  }
}
