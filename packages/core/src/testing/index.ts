/**
 * @packageDocumentation
 * `@utter/core/testing`: the test doubles of utter's engine, in one place — a virtual clock for
 * tests in virtual time, an in-process fake provider with scripted faults, a loopback WebSocket
 * server and provider, and a judge of what a listener heard from the fake's audio. Used by utter's
 * own packages; useful for testing code built on utter without a network or a real engine.
 */
export { VirtualClock, drain, collect, audioBySegment, allAudio } from './virtual.js';
export type { Collected } from './virtual.js';
export { fakeProvider, synth, synthSample, FakeConnection } from './fake-provider.js';
export type { Fault, FakeLog, FakeProviderOptions } from './fake-provider.js';
export { startLoopbackServer, loopbackProvider } from './loopback.js';
export type { LoopbackServer, ServerFault } from './loopback.js';
export { judgeHeard } from './heard.js';
export type { HeardVerdict } from './heard.js';
