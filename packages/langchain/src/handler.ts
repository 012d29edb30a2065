import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { HandleLLMNewTokenCallbackFields, NewTokenIndices } from '@langchain/core/callbacks/base';
import { awaitAllCallbacks } from '@langchain/core/callbacks/promises';
import type { BaseMessage } from '@langchain/core/messages';
import type { Serialized } from '@langchain/core/load/serializable';
import type { LLMResult } from '@langchain/core/outputs';
import { Subject, Subscription } from 'rxjs';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import { createSpeechSession, SpeechError } from '@utter/core';
import type { SpeechEvent, SpeechFailure, SpeechProvider, SpeechSession, SpeechSessionOptions, UtteranceReport } from '@utter/core';
import { runFilterSchema, runInfo, runMatches } from './filter.js';
import type { RunFilterOptions, RunInfo } from './filter.js';
import { ReplyText } from './reply.js';
import type { PreamblePolicy } from './reply.js';
import { hasToolCall, textOfMessage, textOfToken } from './text.js';

/** Options of {@link SpeechCallbackHandler}. */
export interface SpeechCallbackHandlerOptions extends Omit<SpeechSessionOptions, 'provider'>, RunFilterOptions {
  /** The text-to-speech provider (e.g. `espeak()`). One session is opened for the handler. */
  readonly provider?: SpeechProvider;
  /** Or speak through a session of your own (shared with other speech); the handler never closes it. */
  readonly session?: SpeechSession;
  /** Text written before a tool call: `'speak'` (default) or `'hold'` and drop it when a tool call follows. */
  readonly preambles?: PreamblePolicy;
  /**
   * Let LangChain await the handler (`true`) or run it in the background (`false`, LangChain's
   * default). Both are correct: the handler's methods return at once.
   */
  readonly awaitHandlers?: boolean;
  /** Make models stream even under `invoke()` (default true; without it `invoke()` gives no tokens). */
  readonly streaming?: boolean;
}

/** A reply that failed or was cancelled because its model run failed, keyed by run id. */
export interface RunSpeechFailure extends SpeechFailure {
  /** The model run of the reply. */
  readonly runId: string;
}

const optionsSchema = runFilterSchema.extend({
  preambles: z.enum(['speak', 'hold']).optional(),
  awaitHandlers: z.boolean().optional(),
  streaming: z.boolean().optional(),
});

interface RunState {
  readonly info: RunInfo;
  readonly text: ReplyText;
  readonly subscription: Subscription;
  utteranceId: string | undefined;
  readonly done: Promise<void>;
  finish(): void;
}

/**
 * A LangChain callback handler that speaks what models write, as they stream. Add it to
 * `callbacks: [...]` of any chat model, chain or agent.
 *
 * - One reply per model run, keyed by run id: tokens of concurrent or nested runs never mix. Replies
 *   are spoken one after another, in the order their runs started, on one session (one warm connection).
 * - Speaks text only, decided from `fields.chunk`: never tool-call chunks (empty OpenAI-style tokens
 *   or Anthropic-style tool-argument JSON), never reasoning blocks.
 * - `handleLLMEnd` ends the reply; `handleLLMError` cancels it and reports a `SpeechError` on
 *   {@link SpeechCallbackHandler.errors$} (code `cancelled`, the model's error as `cause`).
 * - Sets `lc_prefer_streaming`, so models stream even under `invoke()`.
 *
 * @example
 * ```ts
 * const speech = new SpeechCallbackHandler({ provider: espeak() });
 * speech.events$.subscribe((e) => e.type === 'audio' && player.write(e.pcm));
 * await agent.invoke({ messages: [...] }, { callbacks: [speech] });
 * await speech.flush();
 * ```
 */
export class SpeechCallbackHandler extends BaseCallbackHandler {
  /** Handler name (LangChain uses it in logs). */
  name = 'SpeechCallbackHandler';
  /** Asks LangChain to stream model output even under `invoke()`. */
  readonly lc_prefer_streaming: boolean;

  /** Everything spoken, from every reply, in speaking order. Never errors; completes on `close()`. */
  readonly events$: Observable<SpeechEvent>;
  /** Replies that failed (speech failure) or were cancelled (model error), with their run id. */
  readonly errors$: Observable<RunSpeechFailure>;
  /** Metrics of every reply as it ends (from the session). */
  readonly metrics$: Observable<UtteranceReport>;

  private readonly session: SpeechSession;
  private readonly ownsSession: boolean;
  private readonly options: SpeechCallbackHandlerOptions;
  private readonly events = new Subject<SpeechEvent>();
  private readonly errors = new Subject<RunSpeechFailure>();
  private readonly runs = new Map<string, RunState>();
  /** Replies not yet finished (speaking, waiting their turn, or still receiving tokens). */
  private readonly replies = new Set<RunState>();
  private closed = false;

  constructor(options: SpeechCallbackHandlerOptions) {
    super({ _awaitHandler: options?.awaitHandlers ?? false });
    const parsed = optionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      throw new SpeechError(
        'invalid-input',
        `Invalid SpeechCallbackHandler options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    if ((options.provider === undefined) === (options.session === undefined)) {
      throw new SpeechError('invalid-input', 'SpeechCallbackHandler needs exactly one of `provider` (e.g. espeak()) or `session`.');
    }
    this.options = options;
    this.lc_prefer_streaming = options.streaming ?? true;
    if (options.session !== undefined) {
      this.session = options.session;
      this.ownsSession = false;
    } else {
      const { provider, session: _s, preambles: _p, awaitHandlers: _a, streaming: _st, nodes: _n, tags: _t, excludeTags: _e, runNames: _r, filter: _f, ...sessionOptions } = options;
      this.session = createSpeechSession({ ...sessionOptions, provider: provider as SpeechProvider });
      this.ownsSession = true;
    }
    this.events$ = this.events.asObservable();
    this.errors$ = this.errors.asObservable();
    this.metrics$ = this.session.metrics$;
  }

  /** The handler is stateful and shared: LangChain's copies are this same handler. */
  override copy(): this {
    return this;
  }

  // ---- LangChain callbacks -------------------------------------------------------------------

  /** Starts a reply for a chat model run that passes the filters. */
  override handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.startRun(runInfo(runId, parentRunId, tags, metadata, runName));
  }

  /** Starts a reply for a completion (non-chat) model run that passes the filters. */
  override handleLLMStart(
    _llm: Serialized,
    _prompts: string[],
    runId: string,
    parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.startRun(runInfo(runId, parentRunId, tags, metadata, runName));
  }

  /** Adds the chunk's text (never tool-call content) to its run's reply. */
  override handleLLMNewToken(
    token: string,
    _idx: NewTokenIndices,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: HandleLLMNewTokenCallbackFields,
  ): void {
    this.runs.get(runId)?.text.push(textOfToken(token, fields));
  }

  /** Ends the run's reply (it is spoken to its end). */
  override handleLLMEnd(output: LLMResult, runId: string): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    this.runs.delete(runId);
    const generation = output.generations?.[0]?.[0] as { text?: string; message?: unknown } | undefined;
    const final =
      generation === undefined
        ? undefined
        : generation.message !== undefined
          ? textOfMessage(generation.message)
          : { text: generation.text ?? '', toolCall: false };
    const anyToolCall = (output.generations ?? []).some((g) => g.some((x) => hasToolCall((x as { message?: unknown }).message)));
    const spoken = run.text.end(final === undefined ? undefined : { text: final.text, toolCall: final.toolCall || anyToolCall });
    if (!spoken) {
      // nothing to say (a tool call, or a held preamble dropped): withdraw the reply silently
      run.subscription.unsubscribe();
      run.finish();
    }
  }

  /** Cancels the run's reply and reports a typed error on `errors$`. */
  override handleLLMError(error: unknown, runId: string): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    this.runs.delete(runId);
    run.subscription.unsubscribe();
    this.errors.next({
      type: 'error',
      runId,
      utteranceId: run.utteranceId ?? runId,
      error: new SpeechError('cancelled', 'The model run failed; its reply was cancelled.', { cause: error }),
    });
    run.finish();
  }

  // ---- control -------------------------------------------------------------------------------

  /**
   * Resolves when every reply started so far has finished speaking (completed, interrupted,
   * cancelled or failed). In LangChain's background-callback mode it first waits for the callbacks
   * still queued, so call it right after `invoke()`/`stream()` returns.
   */
  async flush(): Promise<void> {
    await awaitAllCallbacks();
    await Promise.all([...this.replies].map((run) => run.done));
  }

  /**
   * Barge-in: stops the reply speaking now (its `interrupted` event tells the text heard). With
   * `dropQueued`, replies waiting their turn are cancelled too (their runs stay silent to the end).
   */
  interrupt(options: { dropQueued?: boolean } = {}): void {
    if (options.dropQueued === true) {
      for (const run of this.replies) {
        if (run.utteranceId === undefined) {
          this.runs.delete(run.info.runId);
          run.subscription.unsubscribe();
          run.finish();
        }
      }
    }
    this.session.interrupt();
  }

  /** Reports how much of a reply's audio has been played (for exact `spokenText` on interruption). */
  reportPlayback(utteranceId: string, playedMs: number): void {
    this.session.reportPlayback(utteranceId, playedMs);
  }

  /** Opens the provider connection ahead of the first reply. */
  warmup(): Promise<void> {
    return this.session.warmup();
  }

  /** Cancels every reply, completes `events$`/`errors$` and closes the session it opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const run of this.replies) {
      run.subscription.unsubscribe();
      run.finish();
    }
    this.runs.clear();
    this.events.complete();
    this.errors.complete();
    if (this.ownsSession) await this.session.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  private startRun(info: RunInfo): void {
    if (this.closed || this.runs.has(info.runId) || !runMatches(info, this.options)) return;
    const text = new ReplyText(this.options.preambles ?? 'speak');
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const subscription = new Subscription();
    const run: RunState = {
      info,
      text,
      subscription,
      utteranceId: undefined,
      done,
      finish: () => {
        this.replies.delete(run);
        resolve();
      },
    };
    const finish = run.finish;
    this.runs.set(info.runId, run);
    this.replies.add(run);
    subscription.add(
      this.session.say(text.input).subscribe({
        next: (event) => {
          run.utteranceId ??= event.utteranceId;
          this.events.next(event);
        },
        error: (error: unknown) => {
          if (this.runs.get(info.runId) === run) this.runs.delete(info.runId);
          this.errors.next({
            type: 'error',
            runId: info.runId,
            utteranceId: run.utteranceId ?? info.runId,
            error: SpeechError.from(error),
          });
          finish();
        },
        complete: () => {
          if (this.runs.get(info.runId) === run) this.runs.delete(info.runId);
          finish();
        },
      }),
    );
  }
}
