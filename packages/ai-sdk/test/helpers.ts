import type { SpeechConnection, SpeechEvent, SpeechProvider, TextRequest } from '@utter/core';

/** What a {@link spyProvider} saw. */
export interface ProviderSpy {
  readonly sent: TextRequest[];
  readonly cancelled: string[];
  closed: number;
  connections: number;
}

/**
 * Wraps a real provider (the embedded engine) and records what the session sent it, so tests can see
 * that a generation was cancelled. Behaviour is unchanged.
 */
export function spyProvider(inner: SpeechProvider): { provider: SpeechProvider; spy: ProviderSpy } {
  const spy: ProviderSpy = { sent: [], cancelled: [], closed: 0, connections: 0 };
  const provider: SpeechProvider = {
    name: inner.name,
    capabilities: inner.capabilities,
    connect: async (options) => {
      const connection = await inner.connect(options);
      spy.connections += 1;
      const wrapped: SpeechConnection = {
        events: connection.events,
        send: (request) => {
          spy.sent.push(request);
          connection.send(request);
        },
        finish: (id) => connection.finish(id),
        cancel: (id) => {
          spy.cancelled.push(id);
          connection.cancel(id);
        },
        close: () => {
          spy.closed += 1;
          connection.close();
        },
      };
      return wrapped;
    },
  };
  return { provider, spy };
}

/** The `utterance-end` text, or throws. */
export function spokenText(events: readonly SpeechEvent[]): string {
  const end = events.find((e) => e.type === 'utterance-end');
  if (!end || end.type !== 'utterance-end') throw new Error(`no utterance-end in ${events.map((e) => e.type).join(',')}`);
  return end.text;
}

/** Collects an async iterable. */
export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Resolves on the next macrotask (lets in-flight work settle). */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
