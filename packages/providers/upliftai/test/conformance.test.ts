/**
 * The shared adapter conformance suite, run for Uplift AI.
 */
import { runConformanceSuite } from '../../../testing/src/conformance/index.js';
import { createUpliftServer } from '../../../testing/src/servers/upliftai.js';
import { upliftai, apiKeyEnv } from '../src/index.js';

runConformanceSuite({
  name: 'upliftai',
  createServer: (faults) => createUpliftServer({ faults }),
  createProvider: (server, apiKey) => upliftai({ apiKey, baseUrl: server.baseUrl }),
  apiKeyEnv,
});
