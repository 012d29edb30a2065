/**
 * Decodes what a listener heard from a reply spoken by the fake provider, and judges it: every
 * generation's audio must start at its first sample (no splice), and the heard text must cover the
 * reply with no gap and at most one word said twice at each resume. Test-only.
 */
import type { SegmentEvent, SpeechEvent } from '../events.js';
import type { TextRequest } from '../provider.js';
import { synthSample } from './fake-provider.js';

/** One stretch of heard audio: a generation's sends, and how many of their characters were heard. */
interface Run {
  readonly sends: readonly TextRequest[];
  readonly heardChars: number;
}

/** The verdict. */
export interface HeardVerdict {
  /** Problems found (empty when the listener heard the reply correctly). */
  readonly problems: string[];
  /** Speakable ranges heard per segment, in order. */
  readonly ranges: ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>;
}

/** Matches `heard` from `at` against the concatenated synth of `texts`; returns the samples matched. */
function matchPrefix(heard: Int16Array, at: number, texts: readonly string[], spc: number): number {
  let n = 0;
  for (const text of texts) {
    const total = text.length * spc;
    for (let k = 0; k < total; k++, n++) {
      if (at + n >= heard.length || heard[at + n] !== synthSample(text, k, spc)) return n;
    }
  }
  return n;
}

/**
 * Judges a reply. `sends` are the fake's sends in order; `acks` whether audio is attributed per
 * segment (then each send is its own run within its segment). `repeatWords`: how many words may be
 * said twice at a resume (1, the cut word, with word timings; 2 where the resume point is estimated,
 * which errs towards repeating a word rather than losing one).
 */
export function judgeHeard(events: readonly SpeechEvent[], sends: readonly TextRequest[], spc: number, acks: boolean, complete: boolean, repeatWords = 1): HeardVerdict {
  const problems: string[] = [];
  const segments = new Map<number, SegmentEvent>();
  for (const e of events) if (e.type === 'segment') segments.set(e.segmentId, e);
  const ranges = new Map<number, Array<[number, number]>>();
  const addRange = (send: TextRequest, chars: number): void => {
    const seg = segments.get(send.segmentId);
    if (!seg || chars <= 0) return;
    const from = seg.speakable.length - send.text.length;
    const list = ranges.get(send.segmentId) ?? [];
    list.push([from, from + chars]);
    ranges.set(send.segmentId, list);
  };
  const judgeStream = (heard: Int16Array, runs: readonly (readonly TextRequest[])[], label: string): void => {
    let at = 0;
    for (const group of runs) {
      if (at >= heard.length) break;
      const matched = matchPrefix(heard, at, group.map((s) => s.text), spc);
      if (matched === 0) continue; // a generation nobody heard
      let chars = Math.floor(matched / spc);
      for (const send of group) {
        const take = Math.min(chars, send.text.length);
        addRange(send, take);
        chars -= take;
      }
      at += matched;
    }
    if (at < heard.length) problems.push(`${label}: ${heard.length - at} samples of audio that no generation produced from its start (a splice or foreign audio)`);
  };
  if (acks) {
    for (const [id] of segments) {
      const pcm = events.flatMap((e) => (e.type === 'audio' && e.segmentId === id ? [e.pcm] : []));
      const heard = concat(pcm);
      judgeStream(heard, sends.filter((s) => s.segmentId === id).map((s) => [s]), `segment ${id}`);
    }
  } else {
    const byGen = new Map<string, TextRequest[]>();
    for (const s of sends) byGen.set(s.utteranceId, [...(byGen.get(s.utteranceId) ?? []), s]);
    judgeStream(concat(events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : []))), [...byGen.values()], 'reply');
  }
  for (const [id, seg] of segments) {
    const list = ranges.get(id) ?? [];
    const text = seg.speakable;
    const needed = text.trimEnd().length;
    let covered = 0;
    for (const [from, to] of list) {
      if (from > covered && text.slice(covered, from).trim().length > 0) problems.push(`segment ${id}: "${text.slice(covered, from)}" never heard`);
      if (from < covered) {
        const repeated = text.slice(from, covered).trim();
        if (repeated.split(/\s+/).length > repeatWords) problems.push(`segment ${id}: "${repeated}" heard twice (more than ${repeatWords} word(s))`);
      }
      covered = Math.max(covered, to);
    }
    if (complete && covered < needed && text.slice(covered).trim().length > 0) problems.push(`segment ${id}: "${text.slice(covered)}" never heard`);
  }
  return { problems, ranges };
}

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
