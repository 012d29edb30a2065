/**
 * A reply's output: its events go straight to the subscriber once the reply is at the front of its
 * session; before that (a later reply whose context opened early) they wait in an outbox, so replies
 * never interleave. The reply's last emission (its end event, or its error) is delivered in turn too.
 * @internal
 */
import type { Subscriber } from 'rxjs';
import type { SpeechEvent } from '../events.js';

/** Ordered output of one reply. @internal */
export class ReplyOutput {
  /** Events kept while the reply is not at the front; undefined once it is. */
  private outbox: SpeechEvent[] | undefined = [];
  private last: (() => void) | undefined;
  /** The reply's last emission has been delivered (or will never be). */
  delivered = false;

  constructor(private readonly out: Subscriber<SpeechEvent>) {}

  /** Whether the subscriber has gone (unsubscribed, completed or errored). */
  get closed(): boolean {
    return this.out.closed;
  }

  /** Emits an event, or keeps it until the reply is at the front. */
  next(event: SpeechEvent): void {
    if (this.outbox) this.outbox.push(event);
    else if (!this.out.closed) this.out.next(event);
  }

  /** The reply's last emission: now at the front, else when it gets there. */
  end(last: (subscriber: Subscriber<SpeechEvent>) => void): void {
    if (this.outbox) {
      this.last = () => last(this.out);
      return;
    }
    this.delivered = true;
    if (!this.out.closed) last(this.out);
  }

  /** Nothing more will be emitted (cancelled): the reply is delivered as it is. */
  drop(): void {
    this.outbox = undefined;
    this.last = undefined;
    this.delivered = true;
  }

  /** The reply reached the front: deliver what it kept. Returns {@link delivered}. */
  toFront(): boolean {
    const kept = this.outbox;
    this.outbox = undefined;
    if (kept) for (const event of kept) if (!this.out.closed) this.out.next(event);
    const last = this.last;
    this.last = undefined;
    if (last) {
      this.delivered = true;
      if (!this.out.closed) last();
    }
    return this.delivered;
  }
}
