/**
 * The shared adapter conformance suite, run for Munsit over its WebSocket (and, separately, with the
 * socket silent so that every reply goes through the HTTP fallback).
 */
import { runConformanceSuite } from '@utter/testing/conformance';
import { createMunsitServer } from '@utter/testing';
import { munsit, apiKeyEnv } from '../src/index.js';

runConformanceSuite({
  name: 'munsit (websocket)',
  createServer: (faults) => createMunsitServer({ faults }),
  createProvider: (server, apiKey) => munsit({ apiKey, baseUrl: server.baseUrl, transport: 'websocket' }),
  apiKeyEnv,
});

// The socket answers connectionInitialized and then stays silent (what a probe observed on the live
// service): every reply must come whole through the HTTP fallback. The WebSocket fault checks do not
// apply (no audio ever flows on the socket); the HTTP faults are covered in munsit.test.ts.
runConformanceSuite({
  name: 'munsit (silent socket, HTTP fallback)',
  createServer: (faults) => createMunsitServer({ faults, silent: true }),
  createProvider: (server, apiKey) =>
    munsit({ apiKey, baseUrl: server.baseUrl, httpBaseUrl: server.httpBaseUrl, firstAudioTimeoutMs: 30 }),
  apiKeyEnv,
  exclude: [
    'auth-error',
    'rate-limit-error',
    'text-too-long',
    'server-error-recovers',
    'drop-after-chunks-recovers',
    'drop-after-ms-recovers',
    'malformed-frame',
    'never-ends',
    'idle-close-reconnects',
    'drop-recover-no-splice',
    'error-recover-no-splice',
  ],
});
