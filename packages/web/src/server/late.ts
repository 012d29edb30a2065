/**
 * Interruptions that arrive after the server has sent a whole reply (the browser is still playing
 * its buffered audio, the session already considers it complete): what was heard is worked out from
 * the reply's word timings and segment ends the link relayed, at the position the player reported.
 * @internal
 */
import type { SpeechEvent } from '@utter/core';
import type { InterruptedMessage, WithoutVersion } from '../wire.js';

interface Reply {
  text: string;
  complete: boolean;
  /** Original end offset and reply-time end (ms) of every word and fully-timed segment. */
  readonly marks: { end: number; endMs: number }[];
  readonly segmentStartMs: Map<number, number>;
  readonly segmentEnd: Map<number, number>;
}

/** How many finished replies are remembered. */
const KEEP = 4;

/** Remembers the last few replies relayed, to answer late interruptions. @internal */
export class LateInterruptions {
  private readonly replies = new Map<string, Reply>();

  /** Records what is needed from each relayed event. */
  observe(event: SpeechEvent): void {
    let reply = this.replies.get(event.utteranceId);
    if (!reply) {
      reply = { text: '', complete: false, marks: [], segmentStartMs: new Map(), segmentEnd: new Map() };
      this.replies.set(event.utteranceId, reply);
      if (this.replies.size > KEEP) this.replies.delete(this.replies.keys().next().value as string);
    }
    switch (event.type) {
      case 'segment':
        reply.segmentEnd.set(event.segmentId, trimEnd(event.text, event.start));
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

  /** The heard text of a completed reply stopped at `playedMs`, or undefined if the reply is unknown. */
  interrupt(utteranceId: string, playedMs: number): WithoutVersion<InterruptedMessage> | undefined {
    const reply = this.replies.get(utteranceId);
    if (!reply?.complete) return undefined;
    this.replies.delete(utteranceId);
    let heard = 0;
    for (const mark of reply.marks) if (mark.endMs <= playedMs) heard = Math.max(heard, mark.end);
    const end = wordBoundaryBefore(reply.text, heard);
    return { type: 'interrupted', utteranceId, spokenText: reply.text.slice(0, end), spokenEnd: end, playedMs, basis: 'playback' };
  }
}

/** The end of the last whitespace-delimited word that ends at or before `position` (as the session counts words). */
function wordBoundaryBefore(text: string, position: number): number {
  if (position >= text.length) return text.trimEnd().length;
  let best = 0;
  for (const match of text.matchAll(/\S+/g)) {
    const end = match.index + match[0].length;
    if (end > position) break;
    best = end;
  }
  return best;
}

function trimEnd(text: string, start: number): number {
  return start + text.trimEnd().length;
}
