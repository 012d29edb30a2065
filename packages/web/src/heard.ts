/**
 * What a listener heard of a reply, from the reply's word timings and segment ends, at a played
 * position: used where the speech session cannot answer — by the server link when the browser stops
 * a reply the server had finished sending, and by the browser in HTTP mode (no way back to the
 * server). Counts words as the session does: a whitespace-delimited word of the original text is
 * heard once its audio has played to its end; a segment played to its end is heard whole.
 * @internal
 */
import type { InterruptedMessage, WithoutVersion } from './wire.js';

/** The events the tracker reads (core `SpeechEvent`s and wire messages both fit). @internal */
export type HeardInput =
  | { readonly type: 'segment'; readonly utteranceId: string; readonly segmentId: number; readonly text: string; readonly start: number }
  | { readonly type: 'audio'; readonly utteranceId: string; readonly segmentId: number; readonly offsetMs: number }
  | { readonly type: 'word'; readonly utteranceId: string; readonly end?: number | undefined; readonly endMs: number }
  | { readonly type: 'segment-end'; readonly utteranceId: string; readonly segmentId: number; readonly audioMs: number }
  | { readonly type: 'utterance-end'; readonly utteranceId: string; readonly text: string }
  | { readonly type: 'interrupted'; readonly utteranceId: string };

interface Reply {
  text: string;
  complete: boolean;
  /** Original end offset and reply-time end (ms) of every word and every fully timed segment. */
  readonly marks: { end: number; endMs: number }[];
  readonly segmentStartMs: Map<number, number>;
  readonly segmentEnd: Map<number, number>;
}

/** How many replies are remembered. */
const KEEP = 4;

/** Remembers the last few replies, to say what was heard of one at a played position. @internal */
export class HeardTracker {
  private readonly replies = new Map<string, Reply>();

  /** Records what is needed from each event. */
  observe(event: HeardInput): void {
    let reply = this.replies.get(event.utteranceId);
    if (!reply) {
      reply = { text: '', complete: false, marks: [], segmentStartMs: new Map(), segmentEnd: new Map() };
      this.replies.set(event.utteranceId, reply);
      if (this.replies.size > KEEP) this.replies.delete(this.replies.keys().next().value as string);
    }
    switch (event.type) {
      case 'segment':
        if (!reply.complete) reply.text = reply.text.slice(0, event.start).padEnd(event.start, ' ') + event.text;
        reply.segmentEnd.set(event.segmentId, event.start + event.text.trimEnd().length);
        return;
      case 'audio':
        if (!reply.segmentStartMs.has(event.segmentId)) reply.segmentStartMs.set(event.segmentId, event.offsetMs);
        return;
      case 'word':
        if (event.end !== undefined) reply.marks.push({ end: event.end, endMs: event.endMs });
        return;
      case 'segment-end': {
        const start = reply.segmentStartMs.get(event.segmentId);
        const end = reply.segmentEnd.get(event.segmentId);
        if (start !== undefined && end !== undefined) reply.marks.push({ end, endMs: start + event.audioMs });
        return;
      }
      case 'utterance-end':
        reply.text = event.text;
        reply.complete = true;
        return;
      case 'interrupted':
        this.replies.delete(event.utteranceId);
        return;
    }
  }

  /**
   * The heard text of a reply stopped at `playedMs` (and forgets the reply), or undefined if the
   * reply is unknown or, with `completeOnly`, not completely sent yet.
   */
  heard(utteranceId: string, playedMs: number, completeOnly: boolean): WithoutVersion<InterruptedMessage> | undefined {
    const reply = this.replies.get(utteranceId);
    if (!reply || (completeOnly && !reply.complete)) return undefined;
    this.replies.delete(utteranceId);
    let heard = 0;
    for (const mark of reply.marks) if (mark.endMs <= playedMs) heard = Math.max(heard, mark.end);
    const end = wordBoundaryBefore(reply.text, heard);
    return { type: 'interrupted', utteranceId, spokenText: reply.text.slice(0, end), spokenEnd: end, playedMs, basis: 'playback' };
  }
}

/** The end of the last whitespace-delimited word that ends at or before `position`. @internal */
export function wordBoundaryBefore(text: string, position: number): number {
  if (position >= text.length) return text.trimEnd().length;
  let best = 0;
  for (const match of text.matchAll(/\S+/g)) {
    const end = match.index + match[0].length;
    if (end > position) break;
    best = end;
  }
  return best;
}
