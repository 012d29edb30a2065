/**
 * A stand-in for a remote TTS service, in process and nearly free: one request per segment (up to 3 in
 * flight), each answered with silence in 40 ms frames paced in real time (about 15 characters a second
 * of audio, 80 ms to the first frame). It lets the recipe be measured at 1,000 sessions on a small
 * machine, where the embedded engine's synthesis would need the CPU of ~10 cores. All frames of the
 * process are sent from one 20 ms timer.
 */
import { Subject } from 'rxjs';
import type { ConnectionEvent, SpeechConnection, SpeechProvider } from '@utter/core';

const RATE = 24_000;
const FRAME = new Int16Array((RATE / 1000) * 40);

interface Stream {
  readonly events: Subject<ConnectionEvent>;
  readonly utteranceId: string;
  readonly segmentId: number;
  readonly done: () => void;
  /** Frames left to send. */
  left: number;
  /** When the next frame is due (performance.now()). */
  dueAt: number;
  cancelled: boolean;
}

const streams = new Set<Stream>();
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  const now = performance.now();
  for (const s of streams) {
    while (!s.cancelled && s.left > 0 && s.dueAt <= now) {
      s.events.next({ type: 'audio', utteranceId: s.utteranceId, segmentId: s.segmentId, pcm: FRAME, sampleRate: RATE });
      s.left--;
      s.dueAt += 40;
    }
    if (s.cancelled || s.left === 0) {
      streams.delete(s);
      if (!s.cancelled) s.done();
    }
  }
  if (streams.size === 0) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** The paced provider: request mode, segment acks, native cancel. */
export function pacedProvider(): SpeechProvider {
  return {
    name: 'paced',
    capabilities: { textInput: 'request', segmentAcks: true, cancel: 'native', wordTimestamps: false, sampleRate: RATE, sampleRates: [RATE], encodings: ['pcm16'], maxConcurrentRequests: 3 },
    async connect(): Promise<SpeechConnection> {
      const events = new Subject<ConnectionEvent>();
      const open = new Map<string, { streams: Set<Stream>; finishing: boolean }>();
      const replyDone = (utteranceId: string): void => {
        open.delete(utteranceId);
        events.next({ type: 'utterance-done', utteranceId });
      };
      return {
        events,
        send({ utteranceId, segmentId, text }) {
          const reply = open.get(utteranceId) ?? { streams: new Set<Stream>(), finishing: false };
          open.set(utteranceId, reply);
          const stream: Stream = {
            events,
            utteranceId,
            segmentId,
            left: Math.max(5, Math.round(text.length / 15 / 0.04)),
            dueAt: performance.now() + 80,
            cancelled: false,
            done: () => {
              events.next({ type: 'segment-done', utteranceId, segmentId });
              reply.streams.delete(stream);
              if (reply.finishing && reply.streams.size === 0) replyDone(utteranceId);
            },
          };
          reply.streams.add(stream);
          streams.add(stream);
          timer ??= setInterval(tick, 20);
        },
        finish(utteranceId) {
          const reply = open.get(utteranceId);
          if (!reply || reply.streams.size === 0) replyDone(utteranceId);
          else reply.finishing = true;
        },
        cancel(utteranceId) {
          for (const s of open.get(utteranceId)?.streams ?? []) s.cancelled = true;
          open.delete(utteranceId);
        },
        close() {
          for (const reply of open.values()) for (const s of reply.streams) s.cancelled = true;
          open.clear();
          events.next({ type: 'closed' });
          events.complete();
        },
      };
    },
  };
}
