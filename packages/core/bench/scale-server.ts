/**
 * The scale bench's mock TTS service, run as its own process (`child_process.fork` from
 * ./scale.bench.ts): a `ws` server on 127.0.0.1, ephemeral port reported to the parent over IPC.
 * Protocol in ./scale-protocol.ts: one request per segment, any number in flight per connection, each
 * request's audio streamed in REAL time and interleaved with the other requests' audio.
 *
 * Like real services, it is not tidy:
 * - time to first byte 60–180 ms per request;
 * - frames of about 40 ms of audio (1,920 bytes of 24 kHz PCM16), but 15 % are 20 ms and 15 % 60–80 ms;
 * - each frame leaves on its real-time schedule plus jitter of −5..+10 ms, and 1 % of frames are
 *   held 30–100 ms more (a hiccup); frames never leave before the previous one;
 * - audio length follows the text at about 15 characters a second, ±10 %.
 *
 * Frames are sent from one 5 ms timer wheel (not a timer per frame). IPC from the parent:
 * `{type:'stats'}` -> `{type:'stats', ...}` (and resets the counters); `{type:'close'}` exits.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { FRAME_HEADER_BYTES, SCALE_SAMPLE_RATE, clientMessage, type ServerMessage } from './scale-protocol.js';
import { prng } from './scale-replies.js';

/** What the server reports to the parent after a run. */
export interface ServerStats {
  readonly type: 'stats';
  /** CPU of the server process (user + system) since the last report, in ms. */
  readonly cpuMs: number;
  /** Wall time since the last report, in ms. */
  readonly wallMs: number;
  readonly frames: number;
  readonly requests: number;
  /** Largest lateness of the server's own 5 ms wheel, in ms (is the server keeping up?). */
  readonly maxLagMs: number;
  /** Frames sent more than 20 ms after their (jittered) due time. */
  readonly lateFrames: number;
  readonly peakConnections: number;
  readonly peakStreams: number;
}

const CHARS_PER_SECOND = 15;
const SLOT_MS = 5;
const SAMPLES_PER_MS = SCALE_SAMPLE_RATE / 1000;

/** Seeded, so runs are comparable. */
const random = prng(Number(process.env.SCALE_SEED ?? 1));

/** One request being streamed. */
interface Stream {
  readonly socket: WebSocket;
  readonly rid: number;
  readonly key: string;
  /** Audio samples still to send. */
  samplesLeft: number;
  /** Real-time position: when the next frame is due without jitter. */
  nominalAt: number;
  /** When the next frame actually leaves. */
  sendAt: number;
  cancelled: boolean;
}

const wheel = new Map<number, Stream[]>();
const streams = new Map<string, Stream>();
let lastSlot = Math.floor(performance.now() / SLOT_MS);

const stats = { frames: 0, requests: 0, maxLagMs: 0, lateFrames: 0, peakConnections: 0, peakStreams: 0 };
let statsCpu = process.cpuUsage();
let statsAt = performance.now();

function schedule(stream: Stream): void {
  const slot = Math.max(lastSlot + 1, Math.floor(stream.sendAt / SLOT_MS));
  const list = wheel.get(slot);
  if (list) list.push(stream);
  else wheel.set(slot, [stream]);
}

/** Frame length in ms: mostly 40, sometimes 20 or 60–80. */
function frameMs(): number {
  const r = random();
  if (r < 0.15) return 20;
  if (r < 0.3) return 60 + Math.floor(random() * 21);
  return 40;
}

function sendJson(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function sendFrame(stream: Stream, now: number): void {
  const samples = Math.min(stream.samplesLeft, frameMs() * SAMPLES_PER_MS);
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + samples * 2);
  frame.writeUInt32LE(stream.rid, 0);
  // A little non-silent signal so nothing downstream can special-case zeros.
  for (let i = FRAME_HEADER_BYTES; i < frame.length; i += 64) frame[i] = (i >>> 6) & 0xff;
  if (now - stream.sendAt > 20) stats.lateFrames++;
  stream.socket.send(frame, { binary: true });
  stats.frames++;
  stream.samplesLeft -= samples;
  stream.nominalAt += samples / SAMPLES_PER_MS;
  if (stream.samplesLeft <= 0) {
    streams.delete(stream.key);
    sendJson(stream.socket, { type: 'done', rid: stream.rid });
    return;
  }
  const hiccup = random() < 0.01 ? 30 + random() * 70 : 0;
  stream.sendAt = Math.max(stream.sendAt, stream.nominalAt - 5 + random() * 15 + hiccup);
  schedule(stream);
}

function tick(): void {
  const now = performance.now();
  const slot = Math.floor(now / SLOT_MS);
  stats.maxLagMs = Math.max(stats.maxLagMs, now - tickDueAt);
  for (let s = lastSlot + 1; s <= slot; s++) {
    const due = wheel.get(s);
    if (due === undefined) continue;
    wheel.delete(s);
    lastSlot = s; // frames rescheduled now land after this slot
    for (const stream of due) {
      if (stream.cancelled || stream.socket.readyState !== stream.socket.OPEN) {
        streams.delete(stream.key);
        continue;
      }
      sendFrame(stream, now);
    }
  }
  lastSlot = slot;
  nextTick();
}

let tickDueAt = 0;
function nextTick(): void {
  tickDueAt = performance.now() + SLOT_MS;
  setTimeout(tick, SLOT_MS);
}

let connectionIds = 0;

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (socket: WebSocket) => {
  const conn = connectionIds++;
  stats.peakConnections = Math.max(stats.peakConnections, wss.clients.size);
  socket.on('error', () => {});
  socket.on('message', (raw, isBinary) => {
    let json: unknown;
    try {
      json = isBinary ? undefined : JSON.parse(String(raw));
    } catch {
      json = undefined;
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) return sendJson(socket, { type: 'error', message: 'bad message' });
    const m = parsed.data;
    const key = `${conn}:${m.rid}`;
    if (m.type === 'cancel') {
      const stream = streams.get(key);
      if (stream) stream.cancelled = true;
      streams.delete(key);
      return;
    }
    if (streams.has(key)) return sendJson(socket, { type: 'error', rid: m.rid, message: 'duplicate request id' });
    const audioMs = Math.max(300, (m.text.length / CHARS_PER_SECOND) * 1000 * (0.9 + random() * 0.2));
    const startAt = performance.now() + 60 + random() * 120;
    const stream: Stream = {
      socket,
      rid: m.rid,
      key,
      samplesLeft: Math.round(audioMs * SAMPLES_PER_MS),
      nominalAt: startAt,
      sendAt: startAt,
      cancelled: false,
    };
    streams.set(key, stream);
    stats.requests++;
    stats.peakStreams = Math.max(stats.peakStreams, streams.size);
    schedule(stream);
  });
  socket.on('close', () => {
    for (const [key, stream] of streams) if (stream.socket === socket) (stream.cancelled = true), streams.delete(key);
  });
});

wss.once('listening', () => {
  nextTick();
  process.send?.({ type: 'listening', port: (wss.address() as AddressInfo).port });
});

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stats') {
    const cpu = process.cpuUsage(statsCpu);
    const now = performance.now();
    const report: ServerStats = { type: 'stats', cpuMs: (cpu.user + cpu.system) / 1000, wallMs: now - statsAt, ...stats };
    process.send?.(report);
    statsCpu = process.cpuUsage();
    statsAt = now;
    Object.assign(stats, { frames: 0, requests: 0, maxLagMs: 0, lateFrames: 0, peakConnections: wss.clients.size, peakStreams: streams.size });
  } else if (message?.type === 'close') {
    for (const client of wss.clients) client.terminate();
    wss.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
