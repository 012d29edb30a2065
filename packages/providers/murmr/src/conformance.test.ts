import { createMurmrServer } from '@utter/testing';
import { runConformanceSuite } from '@utter/testing/conformance';
import { apiKeyEnv, murmr } from './index.js';

runConformanceSuite({
  name: 'murmr',
  createServer: (faults) => createMurmrServer({ faults }),
  createProvider: (server, apiKey) => murmr({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl }),
  apiKeyEnv,
  // The session engine at commit 9caeb4c splices after a drop or a server error mid-word (it skips the
  // samples already played of the re-rendered segment): remove this line once the engine resumes at a word.
  knownFailures: ['drop-recover-no-splice', 'error-recover-no-splice'],
});
