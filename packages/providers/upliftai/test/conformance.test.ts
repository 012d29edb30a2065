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
  // The session engine at commit 9caeb4c splices after a drop or a server error mid-word (it skips the
  // samples already played of the re-rendered segment): remove this line once the engine resumes at a word.
  knownFailures: ['drop-recover-no-splice', 'error-recover-no-splice'],
});
