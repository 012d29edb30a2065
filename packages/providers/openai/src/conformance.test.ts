/**
 * The adapter conformance suite against the OpenAI HTTP test server, twice:
 *
 * - raw PCM bodies with one request at a time: every check applies, because with one request in flight
 *   the HTTP client keeps one keep-alive TCP connection, which is what the suite counts;
 * - SSE with three pipelined requests (the default): the checks that count TCP connections are left
 *   out, because three requests in flight open up to three TCP connections by design (HTTP/1.1 does not
 *   multiplex); what they check is covered by the first run and by provider.test.ts.
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
  // These count TCP connections ("one connection", "not retried", "exactly one reconnect"): with three
  // requests in flight the client opens up to three. Covered by the run above and by provider.test.ts.
  exclude: ['many-replies', 'upgrade-401', 'drop-after-chunks-recovers'],
});
