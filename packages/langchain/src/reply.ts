import { ReplaySubject } from 'rxjs';
import type { ChunkText } from './text.js';

/**
 * What to do with text a model writes before a tool call ("Let me check the weather..."):
 * `'speak'` it as it streams (default), or `'hold'` it until the run ends and drop it when a tool
 * call follows (a run's text is then spoken only once the run has ended).
 */
export type PreamblePolicy = 'speak' | 'hold';

/**
 * The text of one reply (one model run): buffered per run, so that tokens of concurrent runs never
 * mix, and replayed to the session when the reply's turn comes.
 */
export class ReplyText {
  /** The reply's text deltas, replayed to late subscribers (the session subscribes when it is its turn). */
  readonly input = new ReplaySubject<string>();
  private held: string[] = [];
  private toolCall = false;
  private released = 0;
  private ended = false;

  constructor(private readonly policy: PreamblePolicy) {}

  /** Adds one streamed chunk. */
  push(chunk: ChunkText): void {
    if (this.ended) return;
    if (chunk.toolCall) {
      this.toolCall = true;
      if (this.policy === 'hold') this.held = [];
    }
    if (chunk.text === '') return;
    if (this.policy === 'hold') this.held.push(chunk.text);
    else this.release(chunk.text);
  }

  /**
   * Ends the reply. `final` is the run's result: its tool calls decide held preambles, and its text
   * is spoken when nothing was streamed (a model that did not stream). Returns false when the reply
   * has no text at all (the caller then withdraws it instead of speaking an empty reply).
   */
  end(final?: ChunkText): boolean {
    if (this.ended) return this.released > 0;
    this.ended = true;
    const toolCall = this.toolCall || final?.toolCall === true;
    const streamed = this.held.length > 0 || this.released > 0;
    if (this.policy === 'hold' && !toolCall) for (const text of this.held) this.release(text);
    this.held = [];
    if (!streamed && final !== undefined && final.text !== '' && !(this.policy === 'hold' && toolCall)) this.release(final.text);
    if (this.released > 0) this.input.complete();
    return this.released > 0;
  }

  /** Whether text has been given to the session. */
  get hasText(): boolean {
    return this.released > 0;
  }

  private release(text: string): void {
    this.released += text.length;
    this.input.next(text);
  }
}
