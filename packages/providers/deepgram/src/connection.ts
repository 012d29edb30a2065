/**
 * The handlers of one Deepgram connection: segments go out as `Speak`, `Flush` makes the server
 * synthesize what it has, `Flushed{sequence_id}` follows the last audio byte of that flush.
 *
 * Flush policy (Deepgram allows 20 `Flush` per 60 s and refuses more with a `Warning`): each segment
 * is flushed on its own while the budget has more than a reserve left — so each flush group is one
 * segment and its `Flushed` ends exactly that segment (`segment-done`). When the budget runs low, or a
 * segment is shorter than `flushMinChars` (the first of a reply excepted), segments wait and are
 * flushed together: after `flushIdleMs` without more text, once `flushMinChars` are waiting, and at the
 * end of the reply (a required flush, which waits for the 60 s window when the budget is spent). All
 * timing runs on the scheduler.
 *
 * Audio (binary frames, no id) belongs to the oldest segment not done. Inside a group of several
 * segments, the segment boundaries are estimated from the samples per character measured on this
 * connection's single-segment groups; the group's `Flushed` ends them all.
 */
import { asyncScheduler, type Subscription } from 'rxjs';
import { SegmentQueue, createPcm16Decoder, decodeAlaw, decodeMulaw, type ConnectionContext, type ConnectionHandlers } from '@utter/core/provider';
import { FlushBudget } from './flush.js';
import { DEEPGRAM_FLUSH_WINDOW_MS, type ResolvedDeepgramOptions } from './options.js';
import { errorFromMessage, isFlushRateWarning, type DeepgramClientMessage, type DeepgramServerMessage } from './protocol.js';

/** A segment in flight. */
interface Seg {
  readonly utteranceId: string;
  readonly segmentId: number;
  readonly chars: number;
  /** Samples attributed so far. */
  emitted: number;
  /** The flush group (sequence id) it belongs to, once flushed. */
  group: number | undefined;
}

/** The handlers of one connection. */
export function deepgramConnection(ctx: ConnectionContext<ResolvedDeepgramOptions>): ConnectionHandlers<DeepgramServerMessage> {
  const o = ctx.options;
  const scheduler = o.scheduler ?? asyncScheduler;
  const budget = new FlushBudget(o.maxFlushesPerMinute, DEEPGRAM_FLUSH_WINDOW_MS, scheduler);
  const reserve = Math.max(1, Math.floor(o.maxFlushesPerMinute / 4));
  const queue = new SegmentQueue<Seg>(ctx);
  /** Sent, not yet flushed, oldest first. */
  const waiting: Seg[] = [];
  const groups = new Map<number, Seg[]>();
  const finished = new Set<string>();
  const flushedOnce = new Set<string>();
  const pcm16 = o.encoding === 'linear16' ? createPcm16Decoder() : undefined;
  let samplesPerChar: number | undefined;
  let nextSequence = 0;
  let clearing = 0;
  let idleTimer: Subscription | undefined;
  let waitTimer: Subscription | undefined;

  const send = (message: DeepgramClientMessage): void => ctx.send(message);
  const stopIdle = (): void => {
    idleTimer?.unsubscribe();
    idleTimer = undefined;
  };
  const waitingChars = (): number => waiting.reduce((n, s) => n + s.chars, 0);
  const forget = (utteranceId: string): void => {
    if (!ctx.isRetired(utteranceId)) return;
    finished.delete(utteranceId);
    flushedOnce.delete(utteranceId);
  };

  /** Flushes the waiting segments when the budget allows (keeping a reserve unless `required`). */
  const flush = (required: boolean): void => {
    if (waiting.length === 0) return;
    if (!budget.canSpend(required ? 0 : reserve)) {
      if (required && waitTimer === undefined) {
        waitTimer = scheduler.schedule(() => {
          waitTimer = undefined;
          flush(waiting.some((s) => finished.has(s.utteranceId)));
        }, Math.max(1, budget.waitMs()));
      }
      return;
    }
    stopIdle();
    budget.spend();
    const sequence = nextSequence++;
    const group = waiting.splice(0);
    for (const seg of group) {
      seg.group = sequence;
      flushedOnce.add(seg.utteranceId);
    }
    groups.set(sequence, group);
    send({ type: 'Flush' });
  };

  /** Audio of the oldest segment; inside a multi-segment group, move on at the estimated boundary. */
  const onAudio = (bytes: Uint8Array): void => {
    if (!ctx.isReady) return ctx.protocolError('Deepgram sent audio before Metadata.');
    if (clearing > 0) return; // audio of a cancelled reply, until Cleared
    let pcm = pcm16 ? pcm16.push(bytes) : o.encoding === 'mulaw' ? decodeMulaw(bytes) : decodeAlaw(bytes);
    while (pcm.length > 0) {
      const head = queue.head;
      if (head === undefined) return ctx.protocolError('Deepgram sent audio while no text was waiting for it.');
      const group = head.group === undefined ? undefined : groups.get(head.group);
      const last = group === undefined || group.at(-1) === head;
      const room = last || samplesPerChar === undefined ? pcm.length : Math.max(0, Math.round(head.chars * samplesPerChar) - head.emitted);
      if (room === 0) {
        queue.done(head);
        continue;
      }
      const part = room >= pcm.length ? pcm : pcm.subarray(0, room);
      head.emitted += part.length;
      ctx.emit({ type: 'audio', utteranceId: head.utteranceId, segmentId: head.segmentId, pcm: part, sampleRate: o.sampleRate });
      pcm = pcm.subarray(part.length);
    }
  };

  const onFlushed = (sequence: number): void => {
    // The n-th Flush of the connection is answered with n. Groups of cancelled replies stay known, so
    // their late Flushed is matched and ignored; an unknown id is taken for the oldest live group.
    const live = [...groups.keys()].filter((k) => groups.get(k)?.some((s) => !ctx.isRetired(s.utteranceId)));
    const id = groups.has(sequence) ? sequence : Math.min(...live);
    const group = groups.get(id);
    if (group === undefined) return;
    groups.delete(id);
    const only = group.length === 1 ? group[0] : undefined;
    if (only !== undefined && only.emitted > 0 && only.chars > 0) {
      const measured = only.emitted / only.chars;
      samplesPerChar = samplesPerChar === undefined ? measured : (samplesPerChar + measured) / 2;
    }
    for (const seg of group) {
      queue.done(seg); // segments of a cancelled reply are no longer queued
      if (!queue.has(seg.utteranceId)) forget(seg.utteranceId);
    }
    pcm16?.reset();
  };

  return {
    message(msg) {
      switch (msg.type) {
        case 'Metadata':
          return ctx.ready();
        case 'Flushed':
          return onFlushed(msg.sequence_id);
        case 'Cleared':
          clearing = Math.max(0, clearing - 1);
          pcm16?.reset();
          return;
        case 'Warning': {
          if (!isFlushRateWarning(msg)) return; // other warnings change nothing for the reply
          // The last Flush was refused (no Flushed follows): its segments wait again, and the budget
          // is closed for a whole window.
          budget.refused();
          const sequence = nextSequence - 1;
          const group = groups.get(sequence);
          if (group === undefined) return;
          groups.delete(sequence);
          nextSequence--;
          const live = group.filter((s) => !ctx.isRetired(s.utteranceId));
          for (const seg of live) seg.group = undefined;
          waiting.unshift(...live);
          flush(true);
          return;
        }
        case 'Error':
          return ctx.fail(errorFromMessage(msg));
      }
    },
    binary: onAudio,
    send({ utteranceId, segmentId, text }) {
      const seg: Seg = { utteranceId, segmentId, chars: text.length, emitted: 0, group: undefined };
      queue.add(seg);
      waiting.push(seg);
      send({ type: 'Speak', text });
      if (!flushedOnce.has(utteranceId) || waitingChars() >= o.flushMinChars) flush(false);
      if (waiting.length > 0) {
        stopIdle();
        idleTimer = scheduler.schedule(() => {
          idleTimer = undefined;
          flush(false);
        }, o.flushIdleMs);
      }
    },
    finish(utteranceId) {
      finished.add(utteranceId);
      flush(true);
      queue.finish(utteranceId);
      forget(utteranceId);
    },
    cancel(utteranceId) {
      const dropped = queue.drop(utteranceId);
      for (let i = waiting.length - 1; i >= 0; i--) if (waiting[i]?.utteranceId === utteranceId) waiting.splice(i, 1);
      finished.delete(utteranceId);
      flushedOnce.delete(utteranceId);
      if (dropped.length === 0) return;
      stopIdle();
      // Clear drops the text and audio buffers; audio until Cleared belongs to the cancelled reply.
      clearing++;
      send({ type: 'Clear' });
    },
    beforeClose: () => send({ type: 'Close' }),
    dispose() {
      stopIdle();
      waitTimer?.unsubscribe();
      waitTimer = undefined;
    },
  };
}
