/**
 * Text strategies: how a reply's segments travel to a provider, chosen from its capabilities.
 *
 * - **incremental** — one text stream per connection; the server buffers and flushes (murmr, Munsit,
 *   Deepgram). Segments are sent as they are released; one reply at a time per connection.
 * - **request** — each segment is its own request (Uplift AI, OpenAI's HTTP speech, the embedded
 *   engine). Up to `maxConcurrentRequests` requests are in flight (pipelined); their audio may
 *   interleave and is put back in order by the assembler.
 * - **context** — many replies multiplexed on one socket, a context each (Murf, ElevenLabs
 *   `multi-stream-input`, Cartesia). Up to `maxConcurrentUtterances` replies are active at once: the
 *   next reply's context opens while the previous one's audio is still arriving (its events are
 *   held back until the previous reply ends, so replies never interleave), barge-in cancels one
 *   context without reconnecting, and replies beyond the cap wait for a context to close.
 * @internal
 */
import { SpeechError } from '../errors.js';
import type { ProviderCapabilities, SpeechProvider, TextInputMode } from '../provider.js';

/** How the engine drives one provider. @internal */
export interface TextStrategy {
  readonly mode: TextInputMode;
  /** Replies that may be active at once on one connection. */
  readonly repliesPerConnection: number;
  /** Segments of one reply that may be awaiting their audio at once. */
  readonly window: number;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** The strategy for a provider's capabilities. @internal */
export function strategyFor(caps: ProviderCapabilities): TextStrategy {
  switch (caps.textInput) {
    case 'request':
      return { mode: 'request', repliesPerConnection: 1, window: positive(caps.maxConcurrentRequests, 1) };
    case 'context':
      return { mode: 'context', repliesPerConnection: positive(caps.maxConcurrentUtterances, 1), window: Number.POSITIVE_INFINITY };
    default:
      return { mode: 'incremental', repliesPerConnection: 1, window: Number.POSITIVE_INFINITY };
  }
}

/** Throws `unsupported` for capabilities no strategy can drive. @internal */
export function checkDrivable(provider: SpeechProvider): void {
  const caps = provider.capabilities;
  if (caps.textInput === 'request' && !caps.segmentAcks) {
    throw new SpeechError('unsupported', `Provider ${provider.name} takes one request per segment but reports no segment acks; the engine cannot tell when a request ends.`, {
      retryable: false,
      provider: provider.name,
    });
  }
}
