/**
 * What every protocol test server does the same way, whatever its transport: listen on 127.0.0.1 on
 * an ephemeral port, and wait for a condition re-checked on each of its change events.
 */
import type http from 'node:http';
import type { EventEmitter } from 'node:events';

/** Starts `server` listening on 127.0.0.1 on an ephemeral port; resolves with the port. */
export async function listenOnLoopback(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no TCP address');
  return address.port;
}

/**
 * Resolves once `predicate()` is true, re-checked on every `change` event of `emitter`; rejects after
 * `timeoutMs` with an error naming the server.
 */
export function waitForChange(emitter: EventEmitter, name: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!predicate()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name} test server: condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off('change', check);
    };
    emitter.on('change', check);
  });
}
