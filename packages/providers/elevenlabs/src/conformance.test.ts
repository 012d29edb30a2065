/**
 * The shared adapter conformance suite, run for ElevenLabs against its protocol test server, in both modes.
 */
import { createElevenLabsServer } from '@utter/testing';
import { runConformanceSuite } from '@utter/testing/conformance';
import { apiKeyEnv, elevenlabs } from './index.js';

// multi-stream-input (the default): every check applies.
runConformanceSuite({
  name: 'elevenlabs (multi-stream-input)',
  createServer: (faults) => createElevenLabsServer({ faults }),
  createProvider: (server, apiKey) => elevenlabs({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl, voiceId: server.voiceId }),
  apiKeyEnv,
});

// stream-input: "many-replies" cannot apply (it expects one connection for several replies; a stream-input
// socket ends with its reply).
runConformanceSuite({
  name: 'elevenlabs (stream-input)',
  createServer: (faults) => createElevenLabsServer({ faults, mode: 'single' }),
  createProvider: (server, apiKey) =>
    elevenlabs({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl, voiceId: server.voiceId, mode: 'single' }),
  apiKeyEnv,
  exclude: ['many-replies'],
});
