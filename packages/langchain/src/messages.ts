import { from, isObservable, Observable, Subscription } from 'rxjs';
import { z } from 'zod';
import { createSpeechSession, SpeechError } from '@utter/core';
import type { SpeechEvent, SpeechProvider, SpeechSession, SpeechSessionOptions } from '@utter/core';
import { runFilterSchema, runMatches } from './filter.js';
import type { RunFilterOptions, RunInfo } from './filter.js';
import { ReplyText } from './reply.js';
import type { PreamblePolicy } from './reply.js';
import { isAiMessage, textOfMessage } from './text.js';

/** One item of a LangGraph `streamMode: "messages"` stream: a message chunk and its metadata. */
export type MessageTuple = readonly [message: unknown, metadata: Record<string, unknown> | undefined];

/** Options of {@link speakMessages}. */
export interface SpeakMessagesOptions extends Omit<SpeechSessionOptions, 'provider'>, RunFilterOptions {
  /** The text-to-speech provider; a session is opened per subscription and closed when it ends. */
  readonly provider?: SpeechProvider;
  /** Or a session of your own (not closed). */
  readonly session?: SpeechSession;
  /** Text written before a tool call: `'speak'` (default) or `'hold'` and drop it when a tool call follows. */
  readonly preambles?: PreamblePolicy;
}

const optionsSchema = runFilterSchema.extend({ preambles: z.enum(['speak', 'hold']).optional() });

interface Reply {
  readonly key: string;
  readonly namespace: string | undefined;
  readonly text: ReplyText;
  readonly subscription: Subscription;
  ended: boolean;
  finished: boolean;
}

function finishReason(message: unknown): boolean {
  const m = message as { response_metadata?: Record<string, unknown>; chunk_position?: unknown } | null;
  if (m === null || typeof m !== 'object') return false;
  const meta = m.response_metadata ?? {};
  return m.chunk_position === 'last' || typeof meta['finish_reason'] === 'string' || typeof meta['stop_reason'] === 'string';
}

function isChunk(message: unknown): boolean {
  const name = (message as { constructor?: { name?: string } } | null)?.constructor?.name ?? '';
  return name.endsWith('Chunk');
}

/**
 * Speaks a LangGraph `streamMode: "messages"` stream (`[chunk, metadata]` tuples), for users who
 * stream instead of using callbacks. Each AI message (keyed by message id) is one reply; replies are
 * spoken in the order they started; tool messages, tool-call chunks and reasoning are never spoken.
 *
 * ```
 * stream:   --[c1,m]--[c1,m]--[c2,m]--|
 * speak:    -----s--A--A--E-----s--A--E|
 * ```
 *
 * A reply ends at its finishing chunk (`finish_reason`, `chunk_position: "last"`), when the same
 * graph node starts another message, or when the stream ends. The returned Observable is cold;
 * unsubscribing cancels the speech and closes the stream's iterator (pass an `AbortSignal` to
 * `graph.stream()` too, to stop the graph at once). It completes when every reply has been spoken and
 * errors with the stream's error or a `SpeechError`.
 *
 * @example
 * ```ts
 * const stream = await agent.stream({ messages }, { streamMode: 'messages', signal });
 * speakMessages(stream, { provider: espeak(), nodes: ['model_request'] }).subscribe(play);
 * ```
 */
export function speakMessages(
  stream: AsyncIterable<MessageTuple> | Observable<MessageTuple>,
  options: SpeakMessagesOptions,
): Observable<SpeechEvent> {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new SpeechError('invalid-input', `Invalid speakMessages options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  if ((options.provider === undefined) === (options.session === undefined)) {
    throw new SpeechError('invalid-input', 'speakMessages needs exactly one of `provider` (e.g. espeak()) or `session`.');
  }
  const { provider, session: given, preambles, nodes: _n, tags: _t, excludeTags: _e, runNames: _r, filter: _f, ...sessionOptions } = options;
  const source = isObservable(stream) ? stream : from(stream);

  return new Observable<SpeechEvent>((subscriber) => {
    const session = given ?? createSpeechSession({ ...sessionOptions, provider: provider as SpeechProvider });
    const replies = new Map<string, Reply>();
    const teardown = new Subscription();
    let sourceDone = false;

    const maybeComplete = (): void => {
      if (sourceDone && [...replies.values()].every((r) => r.finished)) subscriber.complete();
    };
    const endReply = (reply: Reply, final?: { text: string; toolCall: boolean }): void => {
      if (reply.ended) return;
      reply.ended = true;
      if (!reply.text.end(final)) {
        reply.subscription.unsubscribe();
        reply.finished = true;
      }
    };
    const startReply = (key: string, namespace: string | undefined): Reply => {
      const reply: Reply = { key, namespace, text: new ReplyText(preambles ?? 'speak'), subscription: new Subscription(), ended: false, finished: false };
      replies.set(key, reply);
      teardown.add(reply.subscription);
      reply.subscription.add(
        session.say(reply.text.input).subscribe({
          next: (event) => subscriber.next(event),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            reply.finished = true;
            maybeComplete();
          },
        }),
      );
      return reply;
    };

    teardown.add(
      source.subscribe({
        next: (tuple) => {
          if (!Array.isArray(tuple)) return;
          const [message, metadata = {}] = tuple;
          if (!isAiMessage(message)) return;
          const meta = metadata ?? {};
          const namespace = typeof meta['langgraph_checkpoint_ns'] === 'string' ? meta['langgraph_checkpoint_ns'] : undefined;
          const node = typeof meta['langgraph_node'] === 'string' ? meta['langgraph_node'] : undefined;
          const id = (message as { id?: unknown }).id;
          const key = typeof id === 'string' && id !== '' ? id : `${namespace ?? node ?? ''}`;
          const tags = Array.isArray(meta['tags']) ? (meta['tags'] as unknown[]).filter((t): t is string => typeof t === 'string') : [];
          const info: RunInfo = {
            runId: key,
            parentRunId: undefined,
            runName: typeof meta['name'] === 'string' ? meta['name'] : undefined,
            tags,
            metadata: meta,
            node,
          };
          if (!runMatches(info, options)) return;
          let reply = replies.get(key);
          if (reply === undefined) {
            // the same node moving on to a new message ends its previous one
            if (namespace !== undefined) for (const other of replies.values()) if (other.namespace === namespace) endReply(other);
            reply = startReply(key, namespace);
          }
          if (reply.ended) return;
          const chunkText = textOfMessage(message);
          if (!isChunk(message)) {
            endReply(reply, chunkText); // a whole message (a model that did not stream)
          } else {
            reply.text.push(chunkText);
            if (finishReason(message)) endReply(reply);
          }
          maybeComplete();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          for (const reply of replies.values()) endReply(reply);
          maybeComplete();
        },
      }),
    );
    return () => {
      teardown.unsubscribe();
      if (given === undefined) {
        session.close().catch(() => {
          // best effort
        });
      }
    };
  });
}
