/**
 * Reply input: tokens to segments. Reads the reply's {@link SpeechInput}, keeps its original text,
 * feeds it to the segmenter and hands out the released segments, cut to the provider's text limit.
 *
 * The text-cutting policy is the segmenter's: the engine passes the smallest `maxCharsPerRequest` of
 * its providers as the segmenter's `maxLength`, so segments are cut at the best clause or word
 * boundary. Only a segment the segmenter keeps whole (a code block read aloud) can still exceed the
 * limit; {@link fitToLimit} cuts it at word boundaries as a last resort.
 *
 * Large input never blocks the event loop: text is segmented at most {@link SLICE_CHARS} characters
 * per scheduler turn, and input beyond `maxInputChars` ends the reply with a typed error.
 * @internal
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { SpeechError } from '../errors.js';
import { createSegmenter, type Segment, type Segmenter, type SegmenterOptions } from '../segmenter/index.js';
import { startInput, type InputHandle } from './input.js';
import { startSoon } from './start-gate.js';
import { timer } from './time.js';
import type { SpeechInput } from './types.js';

/** Characters segmented per scheduler turn (about 1-2 ms of work), so a huge string never stalls the loop. */
export const SLICE_CHARS = 16_384;

/**
 * Benchmark probe: called when the segmenter has released segments, before the engine handles them
 * (so the bench can tell segmentation time from engine time). @internal
 */
export const releaseProbe: { onRelease: (() => void) | undefined } = { onRelease: undefined };

/** Where a reply's input goes. @internal */
export interface ReplyInputSink {
  /** Segments whose boundary became certain (already cut to the text limit). */
  segments(list: readonly Segment[]): void;
  /** The input ended and every segment was handed out. */
  end(): void;
  /** The input failed, was invalid or too large. */
  error(error: SpeechError): void;
}

/** Settings of a reply's input. @internal */
export interface ReplyInputOptions {
  /** Release pending text this long after its first character when nothing was released yet (false: never). */
  readonly firstSegmentMs: number | false;
  /** Release pending text when the input has been silent this long (false: never). */
  readonly idleMs: number | false;
  readonly segmenter: SegmenterOptions | undefined;
  /** Largest speakable text per request (the providers' smallest `maxCharsPerRequest`). */
  readonly maxChars: number | undefined;
  /** Largest reply, in UTF-16 code units. */
  readonly maxInputChars: number;
  readonly scheduler: SchedulerLike;
}

/** Reads one reply's input into segments. @internal */
export class ReplyInput {
  /** Everything the input said so far. */
  original = '';
  /** When the first non-empty delta arrived (scheduler time). */
  firstDeltaAt: number | undefined;
  private readonly segmenter: Segmenter;
  private handle: InputHandle | undefined;
  private readonly queue: string[] = [];
  private queued = 0;
  private inputEnded = false;
  private turn: Subscription | undefined;
  private over = false;
  /** Deadline bookkeeping: the pending text's first speakable offset, since when, and the timer. */
  private pendingOffset: number | undefined;
  private pendingAt = 0;
  private lastDeltaAt = 0;
  private released = 0;
  private deadline: Subscription | undefined;
  private deadlineAt = 0;

  constructor(
    private readonly options: ReplyInputOptions,
    private readonly sink: ReplyInputSink,
  ) {
    const max = options.maxChars;
    const base = options.segmenter ?? {};
    const maxLength = max === undefined ? base.maxLength : Math.max(8, Math.min(base.maxLength ?? 200, max));
    this.segmenter = createSegmenter(maxLength === undefined ? base : { ...base, maxLength });
  }

  /** Starts reading `source`. Segments may be handed out synchronously. */
  start(source: SpeechInput): void {
    this.handle = startInput(source, {
      next: (delta) => this.onDelta(delta),
      end: () => {
        this.inputEnded = true;
        this.handle = undefined;
        if (this.turn === undefined) this.drain();
      },
      error: (error) => this.fail(error),
    });
  }

  /** Stops reading (cancellation or failure). Idempotent. */
  stop(): void {
    this.over = true;
    this.handle?.stop();
    this.handle = undefined;
    this.turn?.unsubscribe();
    this.turn = undefined;
    this.deadline?.unsubscribe();
    this.deadline = undefined;
  }

  private onDelta(delta: string): void {
    if (this.over || delta.length === 0) return;
    this.lastDeltaAt = this.options.scheduler.now();
    this.firstDeltaAt ??= this.lastDeltaAt;
    if (this.original.length + this.queued + delta.length > this.options.maxInputChars) {
      this.fail(
        new SpeechError('invalid-input', `The reply is longer than maxInputChars (${this.options.maxInputChars} characters); split it or raise the option.`, { retryable: false }),
      );
      return;
    }
    this.queue.push(delta);
    this.queued += delta.length;
    if (this.turn === undefined) this.drain();
  }

  /** Segments queued text, at most SLICE_CHARS now; the rest on later scheduler turns. */
  private drain(): void {
    this.turn = undefined;
    let budget = SLICE_CHARS;
    while (!this.over && budget > 0 && this.queue.length > 0) {
      const head = this.queue[0] as string;
      const take = head.length <= budget ? head : head.slice(0, safeCut(head, budget));
      if (take.length === head.length) this.queue.shift();
      else this.queue[0] = head.slice(take.length);
      this.queued -= take.length;
      budget -= take.length;
      this.original += take;
      if (!this.release(() => this.segmenter.push(take))) return;
    }
    if (this.over) return;
    if (this.queue.length > 0) {
      this.turn = timer(this.options.scheduler, 0, () => this.drain());
      return;
    }
    if (this.inputEnded) {
      this.deadline?.unsubscribe();
      if (!this.release(() => this.segmenter.end())) return;
      if (!this.over) this.sink.end();
      return;
    }
    this.armDeadline();
  }

  /**
   * The first-audio and input-idle deadlines: text the segmenter holds (no certain boundary yet) is
   * released at its best clause or word boundary when the first segment has waited `firstSegmentMs`,
   * or when the input has been silent for `idleMs` (an LLM pausing for a tool call).
   */
  private armDeadline(): void {
    const pending = this.segmenter.firstPendingSpeakable();
    if (pending === undefined) {
      this.pendingOffset = undefined;
      this.deadline?.unsubscribe();
      this.deadline = undefined;
      return;
    }
    const { scheduler } = this.options;
    if (pending !== this.pendingOffset) {
      this.pendingOffset = pending;
      this.pendingAt = scheduler.now();
    }
    const due = this.dueAt();
    // One timer per wait, not one per delta: a timer that fires early re-arms itself for the rest.
    if (this.deadline !== undefined && this.deadlineAt <= due) return;
    this.deadline?.unsubscribe();
    this.deadline = undefined;
    if (due === Number.POSITIVE_INFINITY) return;
    this.deadlineAt = due;
    // Deadlines of many replies fall due together: their releases (and first sends) share the
    // start gate's per-turn budget instead of running back to back in one timers phase.
    const fire = (): void => {
      if (this.deadline !== fired) return;
      this.deadline = undefined;
      if (this.over || this.turn !== undefined) return;
      if (scheduler.now() < this.dueAt()) return this.armDeadline();
      const before = this.released;
      // Without a boundary to cut at yet, the next delta re-arms the deadline.
      if (this.release(() => this.segmenter.releaseNow()) && this.released > before) this.armDeadline();
    };
    const fired: Subscription = timer(scheduler, due - scheduler.now(), () => startSoon(fire));
    this.deadline = fired;
  }

  /** When the held text is due for release (first-segment or idle deadline, whichever is first). */
  private dueAt(): number {
    const { firstSegmentMs, idleMs } = this.options;
    return Math.min(
      firstSegmentMs === false || this.released > 0 ? Number.POSITIVE_INFINITY : this.pendingAt + firstSegmentMs,
      idleMs === false ? Number.POSITIVE_INFINITY : this.lastDeltaAt + idleMs,
    );
  }

  private release(run: () => Segment[]): boolean {
    let list: Segment[];
    try {
      list = run();
    } catch (err) {
      this.fail(SpeechError.from(err, 'invalid-input', { retryable: false }));
      return false;
    }
    if (list.length === 0) return true;
    this.released += list.length;
    releaseProbe.onRelease?.();
    const max = this.options.maxChars;
    this.sink.segments(max === undefined ? list : list.flatMap((s) => fitToLimit(s, max, this.original)));
    return !this.over;
  }

  private fail(error: SpeechError): void {
    if (this.over) return;
    this.stop();
    this.sink.error(error);
  }
}

/** A cut position at or below `at` that does not split a surrogate pair. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/**
 * Cuts a segment whose speakable text is longer than `maxChars` at word boundaries (or hard, for a
 * single over-long word), keeping exact original offsets for each piece. @internal
 */
export function fitToLimit(segment: Segment, maxChars: number, original: string): Segment[] {
  const { speakable } = segment;
  if (speakable.length <= maxChars) return [segment];
  const cuts: Array<[number, number]> = [];
  let from = 0;
  while (speakable.length - from > maxChars) {
    let cut = speakable.lastIndexOf(' ', from + maxChars);
    if (cut <= from) cut = safeCut(speakable, from + maxChars);
    else while (cut < speakable.length && /\s/.test(speakable[cut] ?? '')) cut++;
    cuts.push([from, cut]);
    from = cut;
  }
  cuts.push([from, speakable.length]);
  let prevEnd = segment.start;
  return cuts.map(([a, b], i): Segment => {
    const last = i === cuts.length - 1;
    const start = prevEnd;
    const end = last ? segment.end : Math.max(start, segment.toOriginal(b));
    prevEnd = end;
    const toOriginal = (offset: number): number => (offset >= b - a ? end : Math.max(start, Math.min(end, segment.toOriginal(a + offset))));
    return {
      index: segment.index,
      text: original.slice(start, end),
      start,
      end,
      reason: last ? segment.reason : 'max-length',
      speakable: speakable.slice(a, b),
      speakableMap: anchorsOf(b - a, toOriginal),
      toOriginal,
    };
  });
}

/** Anchor triples (see `Segment.speakableMap`) of a piece, from its offset function. */
function anchorsOf(length: number, toOriginal: (offset: number) => number): Uint32Array {
  const triples: number[] = [];
  for (let s = 0; s < length; s++) {
    const o = toOriginal(s);
    const last = triples.length - 3;
    if (last >= 0 && (triples[last + 1] as number) + (triples[last + 2] as number) === o && (triples[last] as number) + (triples[last + 2] as number) === s) {
      triples[last + 2] = (triples[last + 2] as number) + 1;
    } else triples.push(s, o, 1);
  }
  return Uint32Array.from(triples);
}
