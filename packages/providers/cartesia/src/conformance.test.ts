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
});
