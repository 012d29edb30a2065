/**
 * Starts one real `redis-server` for the test run (see redis-server.ts) and gives its URL to the tests
 * (`inject('redisUrl')`). Missing and not installable: the run fails with one line, never skips.
 */
import type { TestProject } from 'vitest/node';
import { ensureRedisServer, startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the test run's server. */
    redisUrl: string;
    /** Path of the `redis-server` binary (tests start private servers with it). */
    redisServerPath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = ensureRedisServer();
  const server = await startRedisServer(binary);
  project.provide('redisUrl', server.url);
  project.provide('redisServerPath', binary);
  return () => server.stop();
}
