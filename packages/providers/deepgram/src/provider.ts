/**
 * The Deepgram Aura provider: one text stream per connection (`Speak` messages into the server's
 * buffer), `Flush` to get audio, `Flushed{sequence_id}` after the last audio of a flush, `Clear` ->
 * `Cleared` to cancel. Audio comes as binary frames with no id, replies run one after another.
 *
 * Flushes are coalesced (Deepgram allows 20 per 60 s): within a reply, the first segment is flushed at
 * once (time to first audio), later text once `flushMinChars` are waiting or after `flushIdleMs` without
 * more text, and the rest at the end of the reply. Optional flushes keep a quarter of the budget for
 * the ends of replies; an end-of-reply flush that finds the budget spent waits for the window (on the
 * scheduler). One flush may cover several segments, so audio is reported per reply (`segmentAcks:
 * false`) and the reply ends on the `Flushed` of its last flush.
 */
import { asyncScheduler, type Subscription } from 'rxjs';
import {
  createPcm16Decoder,
  decodeAlaw,
  decodeMulaw,
  defineWebSocketProvider,
  openProtocolConnection,
  resolveApiKey,
  type ConnectionContext,
  type ConnectionHandlers,
  type WireProtocol,
} from '@utter/core/provider';
import { FlushBudget } from './flush.js';
import {
  apiKeyEnv,
  DEEPGRAM_FLUSH_WINDOW_MS,
  deepgramOptionsSchema,
  resolveDeepgramOptions,
  type DeepgramOptions,
  type ResolvedDeepgramOptions,
} from './options.js';
import {
  DEEPGRAM_CLOSE_CODES,
  DEEPGRAM_MAX_SPEAK_CHARS,
  DEEPGRAM_SAMPLE_RATES,
  G711_SAMPLE_RATES,
  deepgramServerMessageSchema,
  errorFromMessage,
  isFlushRateWarning,
  type DeepgramClientMessage,
  type DeepgramServerMessage,
} from './protocol.js';

/** Settings of a provider: the resolved options and the key (for subprotocol auth; never enumerable). */
interface Settings extends ResolvedDeepgramOptions {
  readonly key: () => string | undefined;
}

/** A reply on the connection. */
interface Reply {
  readonly utteranceId: string;
  /** Characters sent since this reply's last flush. */
  unflushed: number;
  /** Flushes sent for this reply. */
  flushes: number;
  /** Sequence ids of its flushes not yet answered by `Flushed`. */
  readonly pending: Set<number>;
  finished: boolean;
}

/** The handlers of one connection. */
function deepgramConnection(ctx: ConnectionContext<Settings>): ConnectionHandlers<DeepgramServerMessage> {
  const o = ctx.options;
  const scheduler = o.scheduler ?? asyncScheduler;
  const budget = new FlushBudget(o.maxFlushesPerMinute, DEEPGRAM_FLUSH_WINDOW_MS, scheduler);
  const reserve = Math.max(1, Math.floor(o.maxFlushesPerMinute / 4));
  const replies: Reply[] = [];
  const owners = new Map<number, Reply>();
  const pcm16 = o.encoding === 'linear16' ? createPcm16Decoder() : undefined;
  let nextSequence = 0;
  let clearing = 0;
  let idleTimer: Subscription | undefined;
  let waitTimer: Subscription | undefined;

  const send = (message: DeepgramClientMessage): void => ctx.send(message);
  const live = (reply: Reply): boolean => !ctx.isRetired(reply.utteranceId) && replies.includes(reply);
  const stopIdle = (): void => {
    idleTimer?.unsubscribe();
    idleTimer = undefined;
  };

  /** Sends a `Flush` for what `reply` has waiting, when allowed; a required one waits for the budget. */
  const flush = (reply: Reply, required: boolean): void => {
    if (reply.unflushed === 0 || !live(reply)) return;
    if (!budget.canSpend(required ? 0 : reserve)) {
      if (required && waitTimer === undefined) {
        // Every finished reply with text waiting is flushed when the window allows.
        waitTimer = scheduler.schedule(() => {
          waitTimer = undefined;
          for (const r of [...replies]) if (r.finished) flush(r, true);
        }, Math.max(1, budget.waitMs()));
      }
      return;
    }
    stopIdle();
    budget.spend();
    const sequence = nextSequence++;
    owners.set(sequence, reply);
    reply.pending.add(sequence);
    reply.unflushed = 0;
    reply.flushes++;
    send({ type: 'Flush' });
  };

  /** Ends the oldest reply once it is finished and every flush of it was answered. */
  const settle = (): void => {
    for (let head = replies[0]; head !== undefined && head.finished && head.unflushed === 0 && head.pending.size === 0; head = replies[0]) {
      replies.shift();
      pcm16?.reset();
      ctx.emit({ type: 'utterance-done', utteranceId: head.utteranceId });
    }
  };

  const onAudio = (bytes: Uint8Array): void => {
    if (!ctx.isReady) return ctx.protocolError('Deepgram sent audio before Metadata.');
    if (clearing > 0) return; // audio of a cancelled reply, until Cleared
    const pcm = pcm16 ? pcm16.push(bytes) : o.encoding === 'mulaw' ? decodeMulaw(bytes) : decodeAlaw(bytes);
    const reply = replies[0];
    if (reply === undefined) return ctx.protocolError('Deepgram sent audio while no text was waiting for it.');
    ctx.emit({ type: 'audio', utteranceId: reply.utteranceId, pcm, sampleRate: o.sampleRate });
  };

  const onFlushed = (sequence: number): void => {
    // Match by sequence id (the n-th Flush of the connection is answered with n); a Flushed for a
    // cancelled reply's flush may still come and is ignored.
    let owner = owners.get(sequence);
    let id = sequence;
    if (owner === undefined) {
      const oldest = Math.min(...owners.keys());
      if (!Number.isFinite(oldest)) return;
      owner = owners.get(oldest);
      id = oldest;
    }
    owners.delete(id);
    owner?.pending.delete(id);
    settle();
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
          // The last Flush was refused: it gets no Flushed. Take it back and send it again once allowed.
          const sequence = nextSequence - 1;
          const owner = owners.get(sequence);
          budget.refused();
          if (owner === undefined) return;
          owners.delete(sequence);
          owner.pending.delete(sequence);
          nextSequence--;
          owner.unflushed = Math.max(1, owner.unflushed);
          flush(owner, true);
          return;
        }
        case 'Error':
          return ctx.fail(errorFromMessage(msg));
      }
    },
    binary: onAudio,
    send({ utteranceId, text }) {
      let reply = replies.find((r) => r.utteranceId === utteranceId);
      if (reply === undefined) {
        reply = { utteranceId, unflushed: 0, flushes: 0, pending: new Set(), finished: false };
        replies.push(reply);
      }
      send({ type: 'Speak', text });
      reply.unflushed += text.length;
      if (reply.flushes === 0 || reply.unflushed >= o.flushMinChars) flush(reply, false);
      if (reply.unflushed > 0) {
        stopIdle();
        const waiting = reply;
        idleTimer = scheduler.schedule(() => {
          idleTimer = undefined;
          flush(waiting, false);
        }, o.flushIdleMs);
      }
    },
    finish(utteranceId) {
      const reply = replies.find((r) => r.utteranceId === utteranceId);
      if (reply === undefined) return ctx.emit({ type: 'utterance-done', utteranceId }); // no text at all
      reply.finished = true;
      flush(reply, true);
      settle();
    },
    cancel(utteranceId) {
      const at = replies.findIndex((r) => r.utteranceId === utteranceId);
      if (at < 0) return;
      replies.splice(at, 1);
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

/** The wire protocol (also used directly to connect with subprotocol auth). */
const wire: WireProtocol<Settings, DeepgramServerMessage> = {
  name: 'deepgram',
  label: 'Deepgram',
  messages: deepgramServerMessageSchema,
  closeCodes: DEEPGRAM_CLOSE_CODES,
  connection: deepgramConnection,
};

/**
 * Creates a Deepgram Aura streaming text-to-speech provider. The key defaults to `DEEPGRAM_API_KEY`;
 * without any key the provider is still created and `connect()` rejects with SpeechError `auth` naming
 * the variable.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { deepgram } from '@utter/deepgram';
 * speak(llmTokens, { provider: deepgram({ model: 'aura-2-thalia-en' }) }).subscribe(play);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option (the message names it).
 */
export const deepgram = defineWebSocketProvider({
  ...wire,
  apiKeyEnv,
  optionsSchema: deepgramOptionsSchema,
  resolve: (options: DeepgramOptions): Settings => {
    const key = resolveApiKey(options.apiKey, apiKeyEnv);
    const settings = resolveDeepgramOptions(options);
    return Object.defineProperty({ ...settings } as Settings, 'key', { value: () => key, enumerable: false });
  },
  capabilities: (o) => ({
    textInput: 'incremental',
    segmentAcks: false,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate: o.sampleRate,
    sampleRates: o.encoding === 'linear16' ? DEEPGRAM_SAMPLE_RATES : G711_SAMPLE_RATES,
    encodings: ['pcm16', 'mulaw', 'alaw'],
    maxCharsPerRequest: DEEPGRAM_MAX_SPEAK_CHARS,
    maxConcurrentRequests: 1,
    maxConcurrentUtterances: 1,
    // Deepgram closes sockets after 60 minutes: reconnect between replies a little before.
    maxConnectionAgeMs: 55 * 60_000,
  }),
  endpoint: (o) => o.url,
  auth: (o, key) => (o.auth === 'header' ? { headers: { authorization: `Token ${key}` } } : {}),
  connect(open, o, signal) {
    const key = o.key();
    if (o.auth === 'header' || key === undefined) return open.socket();
    // Sec-WebSocket-Protocol: token, <key> (the kit's `auth` has no subprotocol field).
    return openProtocolConnection(wire, { url: o.url, protocols: ['token', key], signal, options: o, apiKey: key });
  },
});

/** A Deepgram {@link SpeechProvider}. */
export type DeepgramProvider = ReturnType<typeof deepgram>;
