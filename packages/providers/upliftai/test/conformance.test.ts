/**
 * The shared adapter conformance suite, run for Uplift AI.
 */
import { runConformanceSuite } from '@utter/testing/conformance';
import { createUpliftServer } from '@utter/testing';
import { upliftai, apiKeyEnv } from '../src/index.js';

runConformanceSuite({
  name: 'upliftai',
  createServer: (faults) => createUpliftServer({ faults }),
  createProvider: (server, apiKey) => upliftai({ apiKey, baseUrl: server.baseUrl }),
  apiKeyEnv,
});
