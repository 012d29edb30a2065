/**
 * The shared adapter conformance suite, run for Cartesia against its protocol test server.
 */
import { runConformanceSuite } from '@utter/testing/conformance';
import { createCartesiaServer } from '@utter/testing';
import { cartesia, apiKeyEnv } from './index.js';

runConformanceSuite({
  name: 'cartesia',
  createServer: (faults) => createCartesiaServer({ faults }),
  createProvider: (server, apiKey) => cartesia({ apiKey, baseUrl: server.baseUrl }),
  apiKeyEnv,
  // The session engine as it stands (being rebuilt) re-speaks the cut word after a drop or a stall, which
  // these two checks' audio bound does not allow (murf and upliftai fail them the same way, 2026-12-04).
  // Remove this line once the engine and the checks agree.
  knownFailures: ['drop-after-chunks-recovers', 'never-ends'],
});
