import { createDeepgramServer } from '@utter/testing';
import { runConformanceSuite } from '@utter/testing/conformance';
import { apiKeyEnv, deepgram } from './index.js';


runConformanceSuite({
  name: 'deepgram',
  createServer: (faults) => createDeepgramServer({ faults }),
  createProvider: (server, apiKey) => deepgram({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl }),
  apiKeyEnv,
});

runConformanceSuite({
  name: 'deepgram (Sec-WebSocket-Protocol auth, 16 kHz)',
  createServer: (faults) => createDeepgramServer({ faults }),
  createProvider: (server, apiKey) => deepgram({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl, auth: 'subprotocol', sampleRate: 16_000 }),
  apiKeyEnv,
});
