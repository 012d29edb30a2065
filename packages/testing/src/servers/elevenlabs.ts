/**
 * An ElevenLabs realtime TTS test server: `/v1/text-to-speech/{voice_id}/multi-stream-input` (a context per
 * reply, at most 5 open; a sixth closes the socket with 1008) or `.../stream-input` (one text stream per
 * socket, ended by `""`). Faithful to the documented protocol and its quirks:
 *
 * - key in the `xi-api-key` header (a wrong one: HTTP 401), or else in the first message of each context
 *   (`xi_api_key`; `xi-api-key` on `stream-input`), otherwise an error and close 1008;
 * - the `" "` opener; settings (`voice_settings`, `generation_config`, dictionaries) on a context's first
 *   message only (later: error + 1008); text buffered by `chunk_length_schedule` (default
 *   [120,160,250,290]) or, with `auto_mode`, generated up to the last word boundary; the last word waits for
 *   more text or a `flush`;
 * - `{audio, alignment, normalizedAlignment, contextId}` with a character alignment (relative to the
 *   chunk) on every chunk, audio cut at odd byte counts; `{isFinal: true, contextId}` per context once it
 *   is closed and drained (after `contextReleaseDelayMs`); `close_context` without a flush drops the text
 *   not yet generated while the generation already running plays to its end; a context counts against the
 *   limit until its `isFinal`;
 * - close 1008 after `inactivity_timeout` (query, default 20 s) without a text message; errors as
 *   `{message, error, code}` followed by the close.
 */
import type http from 'node:http';
import { BaseTestServer, type BaseServerOptions, type TestConnection, type UpgradeRejection } from '../base/server.js';
import type { Generation, ReceivedMessage } from '../base/recorder.js';
import type { ProviderErrorKind } from '../base/faults.js';
import {
  DEFAULT_CHUNK_LENGTH_SCHEDULE,
  ElevenLabsClientMessage,
  chunkAlignment,
  encodeG711,
  errorPayload,
  hasFirstMessageSettings,
  parseQuery,
  type ElevenLabsQuery,
  type ErrorPayload,
} from './elevenlabs-wire.js';

export { ELEVENLABS_SERVER_FORMATS, MAX_CONTEXTS_MESSAGE, DEFAULT_CHUNK_LENGTH_SCHEDULE } from './elevenlabs-wire.js';

/** The voice id the test server serves (the path's `{voice_id}`) unless told otherwise. */
export const ELEVENLABS_TEST_VOICE = 'utterTestVoice01';

/** Options of {@link ElevenLabsTestServer}. */
export interface ElevenLabsServerOptions extends BaseServerOptions {
  /** `'multi'` (default): `multi-stream-input`; `'single'`: `stream-input`. */
  readonly mode?: 'multi' | 'single';
  /** The voice id in the path. Default {@link ELEVENLABS_TEST_VOICE}. */
  readonly voiceId?: string;
  /** Contexts allowed open at once on one socket. Default 5. */
  readonly maxContexts?: number;
  /** Spelling of the context id in output. Default `'contextId'` (the AsyncAPI spec; LiveKit reports `context_id` live). */
  readonly contextIdField?: 'contextId' | 'context_id';
  /** Spelling of the end flag. Default `'isFinal'`. */
  readonly finalField?: 'isFinal' | 'is_final';
  /** Delay between a closed context's last audio and its `isFinal` (server-side cleanup lag), ms. Default 0. */
  readonly contextReleaseDelayMs?: number;
  /** Accept text and never answer with audio or `isFinal` (a silent service). */
  readonly silent?: boolean;
}

/** One context (or the single stream). */
export interface ElevenLabsContext {
  readonly id: string;
  buffer: string;
  /** Pieces of text to synthesize, in order, each marked whether it was flushed (survives `close_context`). */
  readonly queue: { text: string; flushed: boolean }[];
  generating: boolean;
  scheduleIndex: number;
  closed: boolean;
  /** The isFinal is due (sent after `contextReleaseDelayMs`). */
  finalDue: boolean;
  /** The isFinal was sent: the context no longer counts against the limit. */
  finalSent: boolean;
  readonly schedule: readonly number[];
}

/** Per-connection state. */
export interface ElevenLabsConnectionState {
  readonly query: ElevenLabsQuery;
  readonly headerAuth: boolean;
  readonly contexts: Map<string, ElevenLabsContext>;
  /** Messages received (the first one matters on `stream-input`). */
  messages: number;
  stalled: boolean;
  closing: boolean;
  inactivity: NodeJS.Timeout | undefined;
}

type Conn = TestConnection<ElevenLabsConnectionState>;
const SINGLE = '';

/** The ElevenLabs test server. Start with {@link createElevenLabsServer}. */
export class ElevenLabsTestServer extends BaseTestServer<ElevenLabsConnectionState> {
  readonly name = 'elevenlabs';
  /** `'multi'` or `'single'`. */
  readonly mode: 'multi' | 'single';
  /** The voice id in the path (pass it as the adapter's `voiceId`). */
  readonly voiceId: string;
  protected readonly path: string;
  protected override readonly pingResetsIdle = false;
  private readonly maxContexts: number;
  private readonly contextIdField: 'contextId' | 'context_id';
  private readonly finalField: 'isFinal' | 'is_final';
  private readonly releaseDelayMs: number;
  private readonly silent: boolean;
  /** The most contexts ever open at once on one connection. */
  maxOpenContexts = 0;

  constructor(options: ElevenLabsServerOptions = {}) {
    super(options);
    this.mode = options.mode ?? 'multi';
    this.voiceId = options.voiceId ?? ELEVENLABS_TEST_VOICE;
    this.path = `/v1/text-to-speech/${this.voiceId}/${this.mode === 'multi' ? 'multi-stream-input' : 'stream-input'}`;
    this.maxContexts = options.maxContexts ?? 5;
    this.contextIdField = options.contextIdField ?? 'contextId';
    this.finalField = options.finalField ?? 'isFinal';
    this.releaseDelayMs = options.contextReleaseDelayMs ?? 0;
    this.silent = options.silent ?? false;
  }

  protected override authenticateUpgrade(req: http.IncomingMessage, url: URL): UpgradeRejection | undefined {
    const header = req.headers['xi-api-key'];
    if (header !== undefined && header !== this.apiKey) {
      return { status: 401, body: JSON.stringify({ detail: { status: 'invalid_api_key', message: 'Invalid API key' } }) };
    }
    const query = parseQuery(url.searchParams);
    const problem = typeof query === 'string' ? query : query.encoding === 'other' ? `the test server synthesizes PCM or G.711 only, not ${query.format}` : undefined;
    if (problem !== undefined) {
      const id = this.upgrades.at(-1)?.connectionId ?? 0;
      this.violations.push({ connectionId: id, at: this.now(), rule: 'bad-query-parameter', message: problem });
      return { status: 400, body: JSON.stringify({ detail: { status: 'invalid_request', message: problem } }) };
    }
    return undefined;
  }

  protected createState(conn: Omit<Conn, 'state'>): ElevenLabsConnectionState {
    const query = parseQuery(conn.query) as ElevenLabsQuery; // validated at the upgrade
    return { query, headerAuth: conn.headers['xi-api-key'] === this.apiKey, contexts: new Map(), messages: 0, stalled: false, closing: false, inactivity: undefined };
  }

  protected onOpen(conn: Conn): void {
    this.armInactivity(conn);
  }

  /** The service's inactivity close: 1008 after `inactivity_timeout` s without a text message (or `faults.idleCloseMs`). */
  private armInactivity(conn: Conn): void {
    if (this.faultsFor(conn).idleCloseMs !== undefined) return; // the base class runs the fault's idle timer
    const st = conn.state;
    this.clearTimer(conn, st.inactivity);
    st.inactivity = this.setTimer(conn, st.query.inactivityTimeoutS * 1000, () => this.onIdle(conn));
  }

  protected override onIdle(conn: Conn): void {
    // Inactivity is the client's: the time the server spends streaming its own audio does not count.
    if ([...conn.state.contexts.values()].some((c) => c.generating)) {
      this.setTimer(conn, 10, () => this.onIdle(conn));
      return;
    }
    const s = conn.state.query.inactivityTimeoutS;
    conn.ws.close(1008, `Have not received a new text input within the timeout of ${s} seconds. Streaming input terminated.`);
  }

  /** A provider error in the middle of a generation (the `error` fault with `afterChunks`): the error frame, then the close. */
  protected override streamError(conn: Conn, kind: ProviderErrorKind, _gen: Generation): void {
    this.fail(conn, errorPayload(kind));
  }

  private fail(conn: Conn, payload: ErrorPayload): void {
    this.send(conn, payload.body);
    conn.ws.close(payload.close, payload.body.message.slice(0, 120));
    conn.state.closing = true;
  }

  protected onMessage(conn: Conn, message: ReceivedMessage): void {
    const st = conn.state;
    if (st.closing) return;
    this.armInactivity(conn);
    const first = st.messages++ === 0;
    const parsed = message.binary ? undefined : ElevenLabsClientMessage.safeParse(message.json);
    if (parsed === undefined || !parsed.success) {
      this.violation(conn, 'invalid-message', `not a valid ElevenLabs message: ${message.text.slice(0, 200)}`);
      return this.fail(conn, errorPayload('bad-message'));
    }
    const msg = parsed.data;
    if (this.mode === 'single') return this.onSingle(conn, msg, first);
    if (msg.close_socket === true) return this.closeSocket(conn);
    if (msg.context_id === undefined) {
      if (msg.text === '' && msg.flush !== true) return; // a socket keep-alive with no context [inferred]
      this.violation(conn, 'no-context-id', 'a message without context_id (the default context) from a client that uses contexts');
      return;
    }
    let c = st.contexts.get(msg.context_id);
    if (c === undefined || c.finalSent) {
      if (msg.close_context === true || msg.flush === true || (msg.text === '' && !hasFirstMessageSettings(msg))) {
        // The service opens a context for these too (a "phantom" context that counts against the limit).
        this.violation(conn, 'phantom-context', `${msg.close_context ? 'close_context' : msg.flush ? 'flush' : 'keep-alive'} for context ${msg.context_id}, which is not open`);
      }
      const open = [...st.contexts.values()].filter((x) => !x.finalSent).length;
      if (open >= this.maxContexts) {
        this.violation(conn, 'max-contexts', `a context opened while ${open} were open`);
        return this.fail(conn, errorPayload('max-contexts'));
      }
      if (!st.headerAuth && !this.keyOk(msg.xi_api_key ?? msg.authorization)) return this.fail(conn, errorPayload('bad-key'));
      c = this.newContext(msg.context_id, msg.generation_config?.chunk_length_schedule);
      st.contexts.set(c.id, c);
      this.maxOpenContexts = Math.max(this.maxOpenContexts, open + 1);
    } else if (hasFirstMessageSettings(msg)) {
      this.violation(conn, 'settings-after-first', `settings on a later message of context ${c.id}`);
      return this.fail(conn, errorPayload('first-message-only', 'voice_settings'));
    }
    this.onContextMessage(conn, c, msg);
  }

  private keyOk(key: string | undefined): boolean {
    return key === this.apiKey || key === `Bearer ${this.apiKey}`;
  }

  private newContext(id: string, schedule: readonly number[] | undefined): ElevenLabsContext {
    return { id, buffer: '', queue: [], generating: false, scheduleIndex: 0, closed: false, finalDue: false, finalSent: false, schedule: schedule ?? DEFAULT_CHUNK_LENGTH_SCHEDULE };
  }

  private onSingle(conn: Conn, msg: ElevenLabsClientMessage, first: boolean): void {
    const st = conn.state;
    if (msg.context_id !== undefined || msg.close_context !== undefined || msg.close_socket !== undefined) {
      this.violation(conn, 'multi-field-on-single', 'context fields on a stream-input socket');
      return this.fail(conn, errorPayload('bad-message'));
    }
    if (first) {
      if (msg.text !== ' ') this.violation(conn, 'no-opener', 'the first message of a stream-input socket is not the " " opener');
      if (!st.headerAuth && !this.keyOk(msg['xi-api-key'] ?? msg.xi_api_key ?? msg.authorization)) return this.fail(conn, errorPayload('bad-key'));
      st.contexts.set(SINGLE, this.newContext(SINGLE, msg.generation_config?.chunk_length_schedule));
    } else if (hasFirstMessageSettings(msg)) {
      this.violation(conn, 'settings-after-first', 'settings on a later message of the stream');
      return this.fail(conn, errorPayload('first-message-only', 'voice_settings'));
    }
    const c = st.contexts.get(SINGLE) as ElevenLabsContext;
    if (c.closed) {
      this.violation(conn, 'text-after-eos', 'a message after the end of the stream ("")');
      return;
    }
    if (msg.text === '') {
      c.closed = true; // EOS: flush, isFinal, close
      this.flush(conn, c);
      return;
    }
    if (msg.text !== undefined) this.addText(conn, c, msg.text, msg.flush === true);
    else if (msg.flush === true) this.flush(conn, c);
  }

  private onContextMessage(conn: Conn, c: ElevenLabsContext, msg: ElevenLabsClientMessage): void {
    if (c.closed) {
      this.violation(conn, 'message-after-close', `a message for context ${c.id} after close_context`);
      return;
    }
    if (msg.text !== undefined && msg.text !== '') this.addText(conn, c, msg.text, msg.flush === true);
    else if (msg.flush === true) this.flush(conn, c);
    if (msg.close_context === true) {
      c.closed = true;
      c.buffer = ''; // text never flushed is dropped
      for (let i = c.queue.length - 1; i >= 0; i--) if (!c.queue[i]?.flushed) c.queue.splice(i, 1);
      this.drain(conn, c);
    }
  }

  private addText(conn: Conn, c: ElevenLabsContext, text: string, flush: boolean): void {
    if (text.trim() === '') {
      if (flush) this.flush(conn, c);
      return; // the opener, or a keep-alive: nothing to say
    }
    const injected = this.countText(conn);
    if (injected !== undefined) return this.fail(conn, errorPayload(injected));
    c.buffer += text;
    if (flush) return this.flush(conn, c);
    const st = conn.state;
    const threshold = c.schedule[Math.min(c.scheduleIndex, c.schedule.length - 1)] ?? 120;
    if (!st.query.autoMode && c.buffer.length < threshold) return;
    const cut = lastBoundary(c.buffer);
    if (cut <= 0) return; // one unfinished word: wait for more text
    c.queue.push({ text: c.buffer.slice(0, cut), flushed: false });
    c.buffer = c.buffer.slice(cut);
    c.scheduleIndex++;
    this.drain(conn, c);
  }

  private flush(conn: Conn, c: ElevenLabsContext): void {
    for (const piece of c.queue) piece.flushed = true;
    if (c.buffer !== '') c.queue.push({ text: c.buffer, flushed: true });
    c.buffer = '';
    this.drain(conn, c);
  }

  private closeSocket(conn: Conn): void {
    for (const c of conn.state.contexts.values()) {
      if (c.finalSent) continue;
      c.closed = true;
      c.buffer = '';
      this.drain(conn, c);
    }
    const done = (): boolean => [...conn.state.contexts.values()].every((c) => c.finalSent || conn.state.stalled);
    const check = (): void => {
      if (conn.closed) return;
      if (done()) conn.ws.close(1000, 'close_socket');
      else this.setTimer(conn, 5, check);
    };
    check();
  }

  /** Runs a context's queue; sends its isFinal once it is closed and empty. */
  private drain(conn: Conn, c: ElevenLabsContext): void {
    if (!c.generating) void this.run(conn, c);
  }

  private async run(conn: Conn, c: ElevenLabsContext): Promise<void> {
    const st = conn.state;
    c.generating = true;
    try {
      while (c.queue.length > 0 && !conn.closed && !st.stalled && !this.silent) {
        const piece = c.queue.shift() as { text: string };
        const outcome = await this.generate(conn, c, piece.text);
        if (outcome === 'stalled') st.stalled = true;
        if (outcome !== 'complete') return;
      }
      if (!c.closed || c.finalDue || c.buffer !== '' || c.queue.length > 0 || conn.closed || st.stalled || this.silent) return;
      c.finalDue = true;
      const final = (): void => {
        c.finalSent = true;
        this.send(conn, { [this.finalField]: true, ...this.idField(c) });
        this.changed();
        if (this.mode === 'single') conn.ws.close(1000, '');
      };
      if (this.releaseDelayMs > 0) this.setTimer(conn, this.releaseDelayMs, final);
      else final();
    } finally {
      c.generating = false;
    }
  }

  private idField(c: ElevenLabsContext): Record<string, string> {
    return this.mode === 'multi' ? { [this.contextIdField]: c.id } : {};
  }

  private async generate(conn: Conn, c: ElevenLabsContext, text: string): Promise<string> {
    const q = conn.state.query;
    const { generation, pcm } = this.synthesize(conn, text, q.sampleRate, this.mode === 'multi' ? c.id : undefined);
    const bytesPerSample = q.encoding === 'pcm' ? 2 : 1;
    const chunks = this.audioChunks(q.encoding === 'ulaw' || q.encoding === 'alaw' ? { bytes: encodeG711(pcm, q.encoding), bytesPerSample: 1 } : pcm, q.sampleRate);
    let offset = 0;
    const frames = chunks.map((chunk) => {
      const from = offset / bytesPerSample;
      offset += chunk.data.byteLength;
      const alignment = chunkAlignment(text, from, offset / bytesPerSample, q.sampleRate, this.msPerChar);
      return {
        samples: chunk.samples,
        data: { audio: chunk.data.toString('base64'), alignment, normalizedAlignment: alignment, ...this.idField(c) },
      };
    });
    // Audio already being synthesized plays to its end, even after close_context.
    const outcome = await this.streamAudio(conn, generation, frames);
    if (outcome === 'complete') this.endGeneration(generation, 'complete');
    return outcome;
  }

  /** Generations of one context (the utterance id). */
  generationsOf(contextId: string): Generation[] {
    return this.generations.filter((g) => g.key === contextId);
  }
}

/** The end of the last whitespace run of `text` (where a finished word ends), or 0. */
function lastBoundary(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (/\s/.test(text[i] ?? '')) return i + 1;
  return 0;
}

/** Starts an ElevenLabs test server on 127.0.0.1 (ephemeral port). */
export function createElevenLabsServer(options: ElevenLabsServerOptions = {}): Promise<ElevenLabsTestServer> {
  return new ElevenLabsTestServer(options).listen();
}
