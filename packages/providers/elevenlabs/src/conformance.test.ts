/**
 * The shared adapter conformance suite, run for ElevenLabs against its protocol test server, in both modes.
 */
import { createElevenLabsServer } from '@utter/testing';
import { runConformanceSuite } from '@utter/testing/conformance';
import { apiKeyEnv, elevenlabs } from './index.js';

// Known failures, not "cannot apply": these two checks require the audio of a recovered reply to be no longer
// than its text, but the engine resumes at the first word not fully heard, so the cut word is heard twice
// (the design's "at most the cut word twice"); cartesia, murf and upliftai fail them the same way
// (2026-12-04). The recovery itself is judged by the no-splice checks, which pass. Remove once the engine
// and the checks agree.
const RECOVERY_REPLAYS_THE_CUT_WORD = ['drop-after-chunks-recovers', 'never-ends'] as const;

// multi-stream-input (the default).
runConformanceSuite({
  name: 'elevenlabs (multi-stream-input)',
  createServer: (faults) => createElevenLabsServer({ faults }),
  createProvider: (server, apiKey) => elevenlabs({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl, voiceId: server.voiceId }),
  apiKeyEnv,
  knownFailures: [...RECOVERY_REPLAYS_THE_CUT_WORD],
});

// stream-input: "many-replies" cannot apply (it expects one connection for several replies; a stream-input
// socket ends with its reply). "drop-after-ms-recovers" is left out for the reason above, but it fails only
// sometimes (stream-input sends its text at once, so the drop 1 ms after the upgrade may or may not land in
// the first word's audio), which `knownFailures` cannot express.
runConformanceSuite({
  name: 'elevenlabs (stream-input)',
  createServer: (faults) => createElevenLabsServer({ faults, mode: 'single' }),
  createProvider: (server, apiKey) =>
    elevenlabs({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl, voiceId: server.voiceId, mode: 'single' }),
  apiKeyEnv,
  exclude: ['many-replies', 'drop-after-ms-recovers'],
  knownFailures: [...RECOVERY_REPLAYS_THE_CUT_WORD],
});
