import { describe, expect, it, afterEach } from 'vitest';
import WebSocket from 'ws';
import { BaseTestServer, type TestConnection } from './server.js';
import type { ReceivedMessage } from './recorder.js';
import type { BaseServerOptions } from './server.js';
import { bytesToPcm, charsForSamples, chunkPcm, expectedSamples, generatePcm, pcmToBytes, wavHeader } from './pcm.js';

/** A tiny protocol: `{"say": text}` -> binary audio chunks, then `{"done": true}`. */
class EchoServer extends BaseTestServer<{ said: number }> {
  readonly name = 'echo';
  protected readonly path = '/v1/echo';
  protected override readonly hasAppHandshake = true;
  protected createState(): { said: number } {
    return { said: 0 };
  }
  protected onOpen(conn: TestConnection<{ said: number }>): void {
    this.afterHandshakeDelay(conn, () => this.send(conn, { ready: true }));
  }
  protected onMessage(conn: TestConnection<{ said: number }>, message: ReceivedMessage): void {
    const json = message.json as { say?: unknown } | undefined;
    if (typeof json?.say !== 'string') {
      this.violation(conn, 'unknown-message', message.text);
      return;
    }
    const err = this.countText(conn);
    if (err) {
      this.send(conn, { error: err });
      return;
    }
    conn.state.said++;
    const pcm = generatePcm(json.say, { msPerChar: this.msPerChar });
    const gen = this.startGeneration(conn, json.say, pcm.length);
    const frames = chunkPcm(pcm, 24_000, this.chunkMs).map((c) => ({ data: pcmToBytes(c), samples: c.length }));
    void this.streamAudio(conn, gen, frames).then((outcome) => {
      if (outcome === 'complete') {
        this.endGeneration(gen, 'complete');
        this.send(conn, { done: true });
      }
    });
  }
}

const servers: EchoServer[] = [];
async function start(options?: BaseServerOptions): Promise<EchoServer> {
  const s = await new EchoServer(options).listen();
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function until(fn: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !fn(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(fn()).toBe(true);
}

function open(url: string): Promise<{ ws: WebSocket; frames: (string | Buffer)[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: (string | Buffer)[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d, binary) => frames.push(binary ? (d as Buffer) : d.toString()));
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('pcm', () => {
  it('is deterministic and follows the text length', () => {
    const a = generatePcm('hello');
    expect(a).toEqual(generatePcm('hello'));
    expect(a.length).toBe(expectedSamples('hello'));
    expect(a.length).toBe(Math.round(5 * 0.06 * 24_000));
    expect(charsForSamples(a.length)).toBeCloseTo(5);
    expect(Math.max(...a)).toBeLessThanOrEqual(1000);
    expect(bytesToPcm(pcmToBytes(a))).toEqual(a);
    expect(chunkPcm(a, 24_000, 40).reduce((n, c) => n + c.length, 0)).toBe(a.length);
    expect(countAscii(wavHeader(24_000), 0, 4)).toBe('RIFF');
  });
});

function countAscii(b: Buffer, from: number, to: number): string {
  return b.subarray(from, to).toString('ascii');
}

describe('BaseTestServer', () => {
  it('binds 127.0.0.1 on an ephemeral port and serves the real path', async () => {
    const s = await start();
    expect(s.baseUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(s.url).toBe(`${s.baseUrl}/v1/echo`);
    const c = await open(s.url);
    c.ws.send(JSON.stringify({ say: 'hi there' }));
    await s.waitFor(() => s.generations[0]?.status === 'complete');
    await until(() => c.frames.some((f) => f === '{"done":true}'));
    const audio = c.frames.filter((f): f is Buffer => Buffer.isBuffer(f)).reduce((n, b) => n + b.length / 2, 0);
    expect(audio).toBe(expectedSamples('hi there'));
    expect(s.received).toHaveLength(1);
    expect(s.received[0]?.json).toEqual({ say: 'hi there' });
    c.ws.send('nonsense');
    await s.waitFor(() => s.violations.length === 1);
    expect(s.violations[0]?.rule).toBe('unknown-message');
    c.ws.close();
  });

  it('rejects a wrong path with 404 and records a violation', async () => {
    const s = await start();
    await expect(open(`${s.baseUrl}/wrong`)).rejects.toThrow('HTTP 404');
    expect(s.violations[0]?.rule).toBe('wrong-path');
  });

  it('answers the upgrade with 401/429 when told to, for the first N connections', async () => {
    const s = await start({ faults: { upgradeStatus: 429, faultyConnections: 1 } });
    await expect(open(s.url)).rejects.toThrow('HTTP 429');
    const c = await open(s.url);
    c.ws.close();
    expect(s.upgrades.map((u) => u.status)).toEqual([429, 101]);
  });

  it('drops after N chunks, stalls with neverEnd, injects errors and malformed frames', async () => {
    const s = await start({ faults: { dropAfterChunks: 2 } });
    const c = await open(s.url);
    c.ws.send(JSON.stringify({ say: 'a long enough sentence' }));
    expect(await c.closed).toBe(1006);
    expect(s.generations[0]?.status).toBe('dropped');

    s.faults = { neverEnd: true, malformedFrame: true, error: { kind: 'rate-limit', onText: 2 } };
    const d = await open(s.url);
    d.ws.send(JSON.stringify({ say: 'abcdefghij' }));
    await s.waitFor(() => s.generations[1]?.status === 'stalled');
    await until(() => d.frames.length >= 2);
    expect(d.frames[1]).toBe('{"audio": "AAAA", "trunc');
    d.ws.send(JSON.stringify({ say: 'x' }));
    await until(() => d.frames.includes('{"error":"rate-limit"}'));
    d.ws.close();
  });

  it('sends an error mid-audio with error.afterChunks (by default a 1011 close), and not on a text message', async () => {
    const s = await start({ faults: { error: { kind: 'server', afterChunks: 3 } } });
    const c = await open(s.url);
    c.ws.send(JSON.stringify({ say: 'a sentence long enough for several chunks' }));
    expect(await c.closed).toBe(1011);
    expect(s.generations[0]?.status).toBe('error');
    expect(c.frames.filter((f) => Buffer.isBuffer(f))).toHaveLength(3);
    expect(c.frames.some((f) => typeof f === 'string' && f.includes('error'))).toBe(false);
  });

  it('tags audio with the generation and cuts payloads at odd byte counts through audioChunks', async () => {
    class OddServer extends EchoServer {
      protected override onMessage(conn: TestConnection<{ said: number }>, message: ReceivedMessage): void {
        const { generation, pcm } = this.synthesize(conn, String((message.json as { say: string }).say), 24_000);
        const frames = this.audioChunks(pcm, 24_000).map((c) => ({ data: c.data, samples: c.samples }));
        void this.streamAudio(conn, generation, frames).then(() => this.send(conn, { done: true }));
      }
    }
    const s = await new OddServer().listen();
    servers.push(s);
    const c = await open(s.url);
    c.ws.send(JSON.stringify({ say: 'odd chunks' }));
    await until(() => c.frames.includes('{"done":true}'));
    const chunks = c.frames.filter((f): f is Buffer => Buffer.isBuffer(f));
    expect(chunks.slice(0, -1).every((f, i) => chunks.slice(0, i + 1).reduce((n, x) => n + x.length, 0) % 2 === 1)).toBe(true);
    expect(bytesToPcm(Buffer.concat(chunks))).toEqual(generatePcm('odd chunks', { generation: 1 }));
    expect(s.generations[0]?.samplesSent).toBe(expectedSamples('odd chunks'));
    c.ws.close();
  });

  it('withholds or delays the handshake, closes idle connections, drops after N ms', async () => {
    const s = await start({ faults: { withholdHandshake: true, idleCloseMs: 30 } });
    const c = await open(s.url);
    expect(await c.closed).toBe(1000);
    expect(c.frames).toEqual([]);
    s.faults = { dropAfterMs: 10, handshakeDelayMs: 1 };
    const d = await open(s.url);
    expect(await d.closed).toBe(1006);
  });
});
