import { createMurfServer } from '@utter/testing';
import { runConformanceSuite } from '@utter/testing/conformance';
import { apiKeyEnv, murf } from './index.js';

runConformanceSuite({
  name: 'murf',
  createServer: (faults) => createMurfServer({ faults }),
  createProvider: (server, apiKey) => murf({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl }),
  apiKeyEnv,
});
