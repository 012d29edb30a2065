import { createMurmrServer } from '@utter/testing';
import { runConformanceSuite } from '@utter/testing/conformance';
import { apiKeyEnv, murmr } from './index.js';

runConformanceSuite({
  name: 'murmr',
  createServer: (faults) => createMurmrServer({ faults }),
  createProvider: (server, apiKey) => murmr({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl }),
  apiKeyEnv,
});
