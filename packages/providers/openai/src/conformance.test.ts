/**
 * The adapter conformance suite against the OpenAI HTTP test server, twice:
 *
 * - raw PCM bodies with one request at a time: every check applies, because with one request in flight
 *   the HTTP client keeps one keep-alive TCP connection, which is what the suite counts;
 * - SSE with three pipelined requests (the default): the checks that count TCP connections, or place a
 *   fault after N chunks of one connection, are left out, because three requests in flight open up to
 *   three TCP connections by design (HTTP/1.1 does not multiplex); they run in the first run.
 */
import { runConformanceSuite } from '@utter/testing/conformance';
import { createOpenAiServer } from '@utter/testing';
import { apiKeyEnv, openai } from './index.js';


runConformanceSuite({
  name: 'openai (audio, one request at a time)',
  createServer: (faults) => createOpenAiServer({ faults }),
  createProvider: (server, apiKey) => openai({ apiKey, baseUrl: server.baseUrl, streamFormat: 'audio', maxConcurrentRequests: 1 }),
  apiKeyEnv,
});

runConformanceSuite({
  name: 'openai (sse, three requests in flight)',
  createServer: (faults) => createOpenAiServer({ faults }),
  createProvider: (server, apiKey) => openai({ apiKey, baseUrl: server.baseUrl, streamFormat: 'sse' }),
  apiKeyEnv,
  // - many-replies, upgrade-401, drop-after-chunks-recovers count TCP connections ("one connection",
  //   "not retried", "exactly one reconnect"): with three requests in flight the client opens up to three.
  // - drop/error-recover-no-splice place their fault after N audio chunks of the first connection,
  //   assuming one generation at a time on it: with three requests spread over up to three TCP
  //   connections the first one never carries that many chunks, so the fault never fires.
  // All five run in the one-request-at-a-time run above; provider.test.ts covers pipelined recovery.
  exclude: ['many-replies', 'upgrade-401', 'drop-after-chunks-recovers', 'drop-recover-no-splice', 'error-recover-no-splice'],
});
