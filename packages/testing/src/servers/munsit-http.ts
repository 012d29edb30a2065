/**
 * Munsit's HTTP streaming endpoint as a test server: `POST /api/v1/text-to-speech/{model_id}` with
 * the header `x-api-key`, answering raw PCM16 with
 * `Content-Type: audio/raw;codec=pcm16;rate=24000;channels=1`, and the errors 400/401/402/404/429/500
 * with `{errorCode, errorMessage}` bodies. Bound to 127.0.0.1 on an ephemeral port.
 */
import { listenOnLoopback } from '../base/loopback.js';
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { generatePcm, pcmToBytes } from '../base/pcm.js';
import { pcm16ChunkBytes, splitAudioBytes } from '../base/chunks.js';
import type { Generation, Violation } from '../base/recorder.js';

/** Models the test server knows; others get 404. */
export const MUNSIT_TEST_MODELS = ['faseeh-mini-v1-preview', 'faseeh-v1-preview'] as const;
/** Sample rates the HTTP endpoint accepts in `sample_rate`. */
export const MUNSIT_HTTP_SAMPLE_RATES = [8000, 16000, 22050, 24000] as const;

/** The HTTP statuses the endpoint documents, as faults. */
export type MunsitHttpErrorStatus = 400 | 401 | 402 | 404 | 429 | 500;

/** Faults of the HTTP endpoint. */
export interface MunsitHttpFaults {
  /** Answer with this error status (and Munsit's error body). */
  readonly status?: MunsitHttpErrorStatus;
  /** Destroy the response after this many audio chunks. */
  readonly dropAfterChunks?: number;
  /** Send about half the audio, then nothing (the response never ends). */
  readonly neverEnd?: boolean;
  /** Apply the faults to the first N requests only. Default: all. */
  readonly faultyRequests?: number;
}

/** One request the HTTP endpoint received. */
export interface MunsitHttpRequestRecord {
  readonly id: number;
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, when it was JSON. */
  readonly body: unknown;
  /** The status answered. */
  status: number;
}

/** Options of {@link MunsitHttpTestServer}. */
export interface MunsitHttpServerOptions {
  readonly apiKey: string;
  readonly chunkMs?: number;
  readonly msPerChar?: number;
  readonly faults?: MunsitHttpFaults;
  /** Cut the body's writes at odd byte counts (inside a sample), as the service does. Default true. */
  readonly oddChunks?: boolean;
  /** Where generations are recorded (shared with the WebSocket server). */
  readonly generations?: Generation[];
  /** Where violations are recorded (shared with the WebSocket server). */
  readonly violations?: Violation[];
  /** Called on every change (for `waitFor`). */
  readonly onChange?: () => void;
}

const HttpBody = z.object({
  voice_id: z.string().min(1),
  text: z.string().min(1),
  streaming: z.boolean().optional(),
  stability: z.number().min(0).max(1).optional(),
  similarity_boost: z.number().min(0).max(1).optional(),
  speed: z.number().min(0.7).max(1.2).optional(),
  sample_rate: z.number().int().optional(),
  dialect: z.string().optional(),
});

const ERROR_BODIES: Record<MunsitHttpErrorStatus, { errorCode: number; errorMessage: string }> = {
  400: { errorCode: 40001, errorMessage: 'Invalid request' },
  401: { errorCode: 40101, errorMessage: 'Unauthorized: invalid API key' },
  402: { errorCode: 40201, errorMessage: 'Insufficient wallet balance' },
  404: { errorCode: 40401, errorMessage: 'Model not found' },
  429: { errorCode: 42901, errorMessage: 'Rate limit exceeded' },
  500: { errorCode: 50001, errorMessage: 'Internal server error' },
};

/** The Munsit HTTP streaming test server. Usually created by the Munsit WebSocket test server. */
export class MunsitHttpTestServer {
  /** Requests received, in order. */
  readonly requests: MunsitHttpRequestRecord[] = [];
  /** Faults in force; may be replaced between tests. */
  faults: MunsitHttpFaults;
  readonly generations: Generation[];
  readonly violations: Violation[];
  private readonly server: http.Server;
  private readonly options: MunsitHttpServerOptions;
  private readonly startedAt = performance.now();
  private readonly emitter = new EventEmitter();
  private port = 0;

  constructor(options: MunsitHttpServerOptions) {
    this.options = options;
    this.faults = options.faults ?? {};
    this.generations = options.generations ?? [];
    this.violations = options.violations ?? [];
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  /** `http://127.0.0.1:PORT`: pass as the adapter's `httpBaseUrl`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening. */
  async listen(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  /** Stops the server, cutting open responses. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private now(): number {
    return performance.now() - this.startedAt;
  }

  private changed(): void {
    this.options.onChange?.();
    this.emitter.emit('change');
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void this.respond(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  }

  private async respond(req: http.IncomingMessage, res: http.ServerResponse, bodyText: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: unknown;
    try {
      body = bodyText ? JSON.parse(bodyText) : undefined;
    } catch {
      body = undefined;
    }
    const record: MunsitHttpRequestRecord = {
      id: this.requests.length + 1,
      at: this.now(),
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      status: 0,
    };
    this.requests.push(record);
    const faulty = this.faults.faultyRequests === undefined || record.id <= this.faults.faultyRequests;
    const faults = faulty ? this.faults : {};
    const violation = (rule: string, message: string): void => {
      this.violations.push({ connectionId: 0, at: this.now(), rule, message });
    };
    const fail = (status: MunsitHttpErrorStatus, message?: string): void => {
      record.status = status;
      const errorBody = { ...ERROR_BODIES[status], ...(message ? { errorMessage: message } : {}) };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody));
      this.changed();
    };

    const match = /^\/api\/v1\/text-to-speech\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      violation('wrong-path', `HTTP ${record.method} ${url.pathname}, expected POST /api/v1/text-to-speech/{model_id}`);
      fail(404, 'Not found');
      return;
    }
    if (record.method !== 'POST') {
      violation('wrong-method', `HTTP ${record.method}, expected POST`);
      res.writeHead(405).end();
      record.status = 405;
      this.changed();
      return;
    }
    for (const key of url.searchParams.keys()) {
      if (/key|token/i.test(key)) violation('key-in-query', 'the HTTP endpoint takes the key in the x-api-key header, not in the URL');
    }
    if (req.headers['x-api-key'] !== this.options.apiKey) {
      fail(401);
      return;
    }
    if (faults.status !== undefined) {
      fail(faults.status);
      return;
    }
    const model = decodeURIComponent(match[1] ?? '');
    if (!(MUNSIT_TEST_MODELS as readonly string[]).includes(model)) {
      fail(404, `Model ${model} not found`);
      return;
    }
    const parsed = HttpBody.safeParse(body);
    if (!parsed.success) {
      violation('invalid-body', `invalid request body: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      fail(400);
      return;
    }
    const request = parsed.data;
    if (request.sample_rate !== undefined && !(MUNSIT_HTTP_SAMPLE_RATES as readonly number[]).includes(request.sample_rate)) {
      violation('invalid-sample-rate', `sample_rate ${request.sample_rate} is not supported`);
      fail(400, 'Unsupported sample_rate');
      return;
    }
    const rate = request.sample_rate ?? 24_000;
    const id = this.generations.length + 1;
    const pcm = generatePcm(request.text, { sampleRate: rate, msPerChar: this.options.msPerChar ?? 60, generation: id });
    const gen: Generation = { id, connectionId: 0, key: `http-${record.id}`, text: request.text, samples: pcm.length, samplesSent: 0, status: 'streaming' };
    this.generations.push(gen);
    record.status = 200;
    res.writeHead(200, { 'content-type': `audio/raw;codec=pcm16;rate=${rate};channels=1` });
    this.changed();
    const frames = splitAudioBytes(pcmToBytes(pcm), { chunkBytes: pcm16ChunkBytes(rate, this.options.chunkMs ?? 40), oddSplits: this.options.oddChunks ?? true });
    const limit = faults.neverEnd ? Math.max(1, Math.ceil(frames.length / 2)) : frames.length;
    let aborted = false;
    res.on('close', () => {
      aborted = !res.writableFinished;
    });
    for (let i = 0; i < limit; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (aborted || res.destroyed) {
        gen.status = 'cancelled';
        this.changed();
        return;
      }
      const frame = frames[i];
      if (!frame) break;
      res.write(frame.data);
      gen.samplesSent += frame.samples;
      this.changed();
      if (faults.dropAfterChunks !== undefined && i + 1 >= faults.dropAfterChunks) {
        gen.status = 'dropped';
        res.socket?.destroy();
        this.changed();
        return;
      }
    }
    if (limit < frames.length) {
      gen.status = 'stalled';
      this.changed();
      return;
    }
    gen.status = 'complete';
    res.end();
    this.changed();
  }
}
