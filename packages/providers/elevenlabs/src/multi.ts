/**
 * `multi-stream-input`: one socket, one context per reply (the utterance id is the context id).
 *
 * A context is opened with the `" "` opener (and the voice settings, which are allowed on a context's first
 * message only), gets its text, and is finished with a flush and `close_context`; ElevenLabs answers with
 * `isFinal` for it, which is `utterance-done`. A cancelled reply (barge-in) is closed with `close_context`
 * without a flush, and its late audio is dropped.
 *
 * ElevenLabs counts a context until its `isFinal`, not until `close_context` was sent, and closes the
 * socket (1008) when a sixth one opens. So a context is opened on the wire only while fewer than
 * `maxContexts` are open there; a new reply beyond that waits (its messages held) until an `isFinal` frees a
 * slot — never an error. A wait with no output from ElevenLabs for `contextReleaseTimeoutMs` fails the
 * connection (retryable): the session reconnects, which frees every slot.
 */
import type { Subscription } from 'rxjs';
import { SpeechError, type ConnectionContext, type ConnectionHandlers } from '@utter/core/provider';
import { OutputStream } from './alignment.js';
import type { ResolvedElevenLabsOptions } from './options.js';
import { MultiClientMessage, errorFromMessage, type ServerMessage } from './protocol.js';

/** One reply's context. */
interface Context {
  readonly id: string;
  /** waiting: no slot yet, nothing sent; open: opened on the wire; closing: `close_context` sent, awaiting `isFinal`. */
  state: 'waiting' | 'open' | 'closing';
  finished: boolean;
  cancelled: boolean;
  /** Messages held while waiting for a slot. */
  readonly held: MultiClientMessage[];
  readonly output: OutputStream;
}

/** What a multi-context connection adds to {@link SpeechConnection}. */
export interface ElevenLabsConnectionExtras {
  /** Contexts open on the wire (opened and not yet confirmed closed by `isFinal`). */
  readonly openContexts: readonly string[];
  /** Replies waiting for a context slot. */
  readonly waitingContexts: readonly string[];
}

/** The handlers of one `multi-stream-input` connection. */
export function multiContextHandlers(ctx: ConnectionContext<ResolvedElevenLabsOptions>): ConnectionHandlers<ServerMessage, ElevenLabsConnectionExtras> {
  const o = ctx.options;
  const contexts = new Map<string, Context>();
  const waiting: Context[] = [];
  let releaseTimer: Subscription | undefined;
  /** Every message is checked against the wire schema before it goes out (a bug here is a typed failure, not a 1008). */
  const wire = (message: MultiClientMessage): void => ctx.send(MultiClientMessage.parse(message));
  const onWire = (): number => [...contexts.values()].filter((c) => c.state !== 'waiting').length;

  const send = (c: Context, message: MultiClientMessage): void => {
    if (c.state === 'waiting') c.held.push(message);
    else wire(message);
  };
  const opener = (c: Context): MultiClientMessage =>
    ({ text: ' ', context_id: c.id, ...o.firstMessage, ...(o.auth === 'message' ? { xi_api_key: ctx.apiKey } : {}) }) as MultiClientMessage;

  const armReleaseTimer = (): void => {
    releaseTimer?.unsubscribe();
    releaseTimer = undefined;
    if (waiting.length === 0) return;
    releaseTimer = o.scheduler.schedule(() => {
      releaseTimer = undefined;
      ctx.fail(
        new SpeechError('connection', `ElevenLabs sent nothing and did not confirm (isFinal) a closed context within ${o.contextReleaseTimeoutMs} ms while ${waiting.length} repl${waiting.length === 1 ? 'y waits' : 'ies wait'} for one of its ${o.maxContexts} contexts; reconnecting.`, {
          provider: 'elevenlabs',
        }),
      );
    }, o.contextReleaseTimeoutMs);
  };

  /** Opens waiting contexts while slots are free (oldest first). */
  const admit = (): void => {
    let admitted = false;
    while (waiting.length > 0 && onWire() < o.maxContexts) {
      const c = waiting.shift() as Context;
      c.state = 'open';
      wire(opener(c));
      for (const m of c.held.splice(0)) {
        if ('close_context' in m) c.state = 'closing';
        wire(m);
      }
      admitted = true;
    }
    if (admitted || waiting.length === 0) armReleaseTimer();
  };

  const contextFor = (id: string): Context => {
    let c = contexts.get(id);
    if (c === undefined) {
      c = { id, state: 'waiting', finished: false, cancelled: false, held: [], output: new OutputStream(o.outputFormat, o.sampleRate) };
      contexts.set(id, c);
      waiting.push(c);
      admit();
      if (c.state === 'waiting' && waiting.length === 1) armReleaseTimer();
    }
    return c;
  };

  const close = (c: Context, flush: boolean): void => {
    if (flush) send(c, { text: '', context_id: c.id, flush: true });
    send(c, { context_id: c.id, close_context: true });
    if (c.state === 'open') c.state = 'closing';
  };

  const emitWords = (c: Context, words: ReturnType<OutputStream['end']>): void => {
    for (const word of words) ctx.emit({ type: 'word', utteranceId: c.id, word });
  };

  /** The context a message is about: by its id, else the only context on the wire. */
  const target = (contextId: string | undefined): Context | undefined | 'ignore' => {
    if (contextId !== undefined) {
      const c = contexts.get(contextId);
      if (c !== undefined && c.state !== 'waiting') return c;
      if (ctx.isRetired(contextId)) return 'ignore';
      ctx.protocolError('ElevenLabs sent output for a context that is not open.');
      return undefined;
    }
    const live = [...contexts.values()].filter((c) => c.state !== 'waiting');
    if (live.length === 1) return live[0];
    ctx.protocolError('ElevenLabs sent a message without a context id while several contexts were open.');
    return undefined;
  };

  return {
    open() {
      ctx.ready(); // the key travels in the upgrade header (or in each context's first message)
    },
    message(msg) {
      if (msg.kind === 'error') return ctx.fail(errorFromMessage(msg)); // the socket closes after an error
      const c = target(msg.contextId);
      if (c === undefined || c === 'ignore') return;
      // The server is working through its contexts: a reply waiting for a slot waits on progress, not on a hang.
      if (waiting.length > 0 && !msg.isFinal) armReleaseTimer();
      if (!c.cancelled) {
        const { words, pcm } = c.output.push(msg.audio, msg.alignment);
        emitWords(c, words);
        ctx.emit({ type: 'audio', utteranceId: c.id, pcm, sampleRate: o.sampleRate });
      }
      if (!msg.isFinal) return;
      contexts.delete(c.id);
      if (!c.cancelled) {
        emitWords(c, c.output.end());
        if (c.finished) ctx.emit({ type: 'utterance-done', utteranceId: c.id });
        else {
          // ElevenLabs ended a context nobody closed (its own context timeout): the reply goes on elsewhere.
          ctx.replyError(c.id, new SpeechError('connection', 'ElevenLabs ended the context before the reply was finished.', { provider: 'elevenlabs' }));
        }
      }
      admit();
    },
    send({ utteranceId, segmentId, text }) {
      const c = contextFor(utteranceId);
      c.output.sent(segmentId, text);
      send(c, { text, context_id: c.id });
    },
    finish(utteranceId) {
      const c = contexts.get(utteranceId);
      if (c === undefined || !c.output.hasText) {
        // Nothing was said: nothing to open on the wire.
        if (c !== undefined) contexts.delete(utteranceId);
        return ctx.emit({ type: 'utterance-done', utteranceId });
      }
      c.finished = true;
      close(c, true);
    },
    cancel(utteranceId) {
      const c = contexts.get(utteranceId);
      if (c === undefined) return;
      c.cancelled = true;
      if (c.state === 'waiting') {
        // Never reached the wire: forget it.
        contexts.delete(utteranceId);
        waiting.splice(waiting.indexOf(c), 1);
        armReleaseTimer();
      } else if (c.state === 'open') {
        close(c, false); // barge-in: drop unflushed text; the slot frees with its isFinal
      }
    },
    keepAlive() {
      const live = [...contexts.values()].filter((c) => c.state === 'open');
      if (live.length === 0) return wire({ text: '' });
      for (const c of live) wire({ text: '', context_id: c.id });
    },
    beforeClose() {
      wire({ close_socket: true });
    },
    dispose() {
      releaseTimer?.unsubscribe();
      releaseTimer = undefined;
    },
    extras: {
      get openContexts(): readonly string[] {
        return [...contexts.values()].filter((c) => c.state !== 'waiting').map((c) => c.id);
      },
      get waitingContexts(): readonly string[] {
        return waiting.map((c) => c.id);
      },
    },
  };
}
