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
// Left out for the same reason, but it fails only sometimes: the text goes out at once, so whether the drop
// 1 ms after the upgrade lands inside the first word's audio depends on timing, which `knownFailures`
// cannot express. The adapter's speak.test.ts judges drop recovery by what the listener heard instead.
const SOMETIMES_CUTS_A_WORD = ['drop-after-ms-recovers'] as const;

// multi-stream-input (the default).
runConformanceSuite({
  name: 'elevenlabs (multi-stream-input)',
  createServer: (faults) => createElevenLabsServer({ faults }),
  createProvider: (server, apiKey) => elevenlabs({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl, voiceId: server.voiceId }),
  apiKeyEnv,
  exclude: [...SOMETIMES_CUTS_A_WORD],
  knownFailures: [...RECOVERY_REPLAYS_THE_CUT_WORD],
});

// stream-input: "many-replies" cannot apply (it expects one connection for several replies; a stream-input
// socket ends with its reply).
runConformanceSuite({
  name: 'elevenlabs (stream-input)',
  createServer: (faults) => createElevenLabsServer({ faults, mode: 'single' }),
  createProvider: (server, apiKey) =>
    elevenlabs({ ...(apiKey === undefined ? {} : { apiKey }), baseUrl: server.baseUrl, voiceId: server.voiceId, mode: 'single' }),
  apiKeyEnv,
  exclude: ['many-replies', ...SOMETIMES_CUTS_A_WORD],
  knownFailures: [...RECOVERY_REPLAYS_THE_CUT_WORD],
});
