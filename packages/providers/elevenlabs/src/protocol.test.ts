import { describe, expect, it } from 'vitest';
import { SpeechError } from '@utter/core';
import { ElevenLabsMultiClientMessage, ElevenLabsServerMessage, elevenlabs, elevenlabsEndpoint, errorFromClose, errorFromMessage } from './index.js';

describe('ElevenLabs wire schemas', () => {
  it('normalizes camelCase and snake_case server messages', () => {
    const alignment = { chars: ['H', 'i'], charStartTimesMs: [0, 60], charDurationsMs: [60, 60] };
    expect(ElevenLabsServerMessage.parse({ audio: 'AAAA', alignment, contextId: 'c' })).toEqual({ kind: 'audio', contextId: 'c', audio: 'AAAA', alignment, isFinal: false });
    expect(
      ElevenLabsServerMessage.parse({ audio: 'AAAA', normalized_alignment: { chars: ['H'], char_start_times_ms: [5], char_durations_ms: [7] }, context_id: 'c' }),
    ).toMatchObject({ contextId: 'c', alignment: { chars: ['H'], charStartTimesMs: [5], charDurationsMs: [7] } });
    expect(ElevenLabsServerMessage.parse({ audio: 'AAAA', alignment: { chars: ['x'], charsStartTimesMs: [1], charsDurationsMs: [2] } })).toMatchObject({
      alignment: { charStartTimesMs: [1], charDurationsMs: [2] },
    });
    expect(ElevenLabsServerMessage.parse({ is_final: true, context_id: 'c' })).toMatchObject({ kind: 'audio', isFinal: true, contextId: 'c', audio: '' });
    expect(ElevenLabsServerMessage.parse({ audio: null, isFinal: true })).toMatchObject({ isFinal: true, contextId: undefined });
    expect(ElevenLabsServerMessage.parse({ message: 'Invalid API key', error: 'invalid_api_key', code: 1008 })).toMatchObject({ kind: 'error', error: 'invalid_api_key' });
  });

  it('rejects what is not an ElevenLabs message', () => {
    expect(ElevenLabsServerMessage.safeParse({ hello: 1 }).success).toBe(false);
    expect(ElevenLabsServerMessage.safeParse({ audio: 'AA', alignment: { chars: ['a', 'b'], charStartTimesMs: [0], charDurationsMs: [1, 2] } }).success).toBe(false);
    expect(ElevenLabsServerMessage.safeParse({ audio: 5 }).success).toBe(false);
  });

  it('describes every message the adapter sends', () => {
    for (const m of [
      { text: ' ', context_id: 'c', voice_settings: { speed: 1 } },
      { text: 'Hello ', context_id: 'c' },
      { text: '', context_id: 'c', flush: true },
      { context_id: 'c', close_context: true },
      { text: '' },
      { close_socket: true },
    ]) {
      expect(ElevenLabsMultiClientMessage.safeParse(m).success, JSON.stringify(m)).toBe(true);
    }
  });
});

describe('ElevenLabs error mapping', () => {
  it.each([
    [{ message: 'Invalid API key', error: 'invalid_api_key' }, 'auth', false],
    [{ message: 'This request exceeds your quota. You have 0 credits remaining.', error: 'quota_exceeded' }, 'quota', false],
    [{ message: 'Maximum simultaneous contexts per WebSocket connection exceeded (5).', error: 'max_active_conversations' }, 'rate-limit', true],
    [{ message: 'Too many concurrent requests', error: 'too_many_concurrent_requests' }, 'rate-limit', true],
    [{ message: 'Text is too long', error: 'text_too_long' }, 'text-too-long', false],
    [{ message: 'Could not parse input message', error: 'invalid_input_message' }, 'protocol', false],
    [{ message: 'A voice with voice_id x was not found', error: 'voice_not_found' }, 'invalid-input', false],
    [{ message: 'Something broke', error: 'internal_error' }, 'provider', true],
  ] as const)('%j -> %s', (message, code, retryable) => {
    const e = errorFromMessage(message);
    expect(e).toBeInstanceOf(SpeechError);
    expect([e.code, e.retryable, e.provider]).toEqual([code, retryable, 'elevenlabs']);
  });

  it('maps close codes, and 1008 by its reason', () => {
    expect(errorFromClose(1008, 'Have not received a new text input within the timeout of 20 seconds.').code).toBe('connection');
    expect(errorFromClose(1008, 'Invalid API key').code).toBe('auth');
    expect(errorFromClose(1008, 'Maximum simultaneous contexts per WebSocket connection exceeded (5).').code).toBe('rate-limit');
    expect(errorFromClose(1009, '').code).toBe('invalid-input');
    expect(errorFromClose(1011, 'oops').code).toBe('provider');
    expect(errorFromClose(1006, '')).toMatchObject({ code: 'connection', retryable: true });
  });
});

describe('ElevenLabs options', () => {
  it('builds the endpoint with its query', () => {
    expect(elevenlabsEndpoint()).toBe(
      'wss://api.elevenlabs.io/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/multi-stream-input?model_id=eleven_flash_v2_5&output_format=pcm_24000&auto_mode=true&sync_alignment=true',
    );
    expect(elevenlabsEndpoint({ mode: 'single', region: 'eu', voiceId: 'abc', modelId: 'eleven_multilingual_v2', outputFormat: 'ulaw_8000', inactivityTimeout: 60, seed: 7, languageCode: 'de' })).toBe(
      'wss://api.eu.residency.elevenlabs.io/v1/text-to-speech/abc/stream-input?model_id=eleven_multilingual_v2&output_format=ulaw_8000&language_code=de&inactivity_timeout=60&auto_mode=true&sync_alignment=true&seed=7',
    );
    expect(elevenlabsEndpoint({ baseUrl: 'ws://127.0.0.1:9' })).toMatch(/^ws:\/\/127\.0\.0\.1:9\/v1\/text-to-speech\/JBFqnCBsd6RMkjVDRZzb\/multi-stream-input\?/);
    expect(elevenlabsEndpoint({ chunkLengthSchedule: [80, 120] })).toContain('auto_mode=false');
  });

  it('says which option is wrong and why', () => {
    const bad: [Parameters<typeof elevenlabs>[0], RegExp][] = [
      [{ outputFormat: 'mp3_44100_128' as 'pcm_24000' }, /outputFormat must be one of .* \(utter decodes PCM and G\.711/],
      [{ voiceSettings: { stability: 2 } }, /voiceSettings\.stability must be between 0 and 1/],
      [{ voiceSettings: { speed: 2 } }, /voiceSettings\.speed must be between 0\.7 and 1\.2/],
      [{ inactivityTimeout: 181 }, /inactivityTimeout must be between 1 and 180/],
      [{ keepAliveIntervalMs: 25_000 }, /keepAliveIntervalMs must be below inactivityTimeout \(20000 ms\)/],
      [{ chunkLengthSchedule: [10] }, /chunkLengthSchedule values must be between 50 and 500/],
      [{ autoMode: true, chunkLengthSchedule: [100] }, /chunkLengthSchedule has no effect with autoMode: true/],
      [{ modelId: 'eleven_v3' }, /modelId eleven_v3 has no multi-context socket/],
      [{ applyTextNormalization: 'on' }, /applyTextNormalization "on" is not allowed with eleven_flash_v2_5/],
      [{ maxContexts: 6 }, /maxContexts must be between 1 and 5/],
      [{ languageCode: 'English' }, /languageCode must be an ISO 639-1 code/],
      [{ mode: 'both' as 'multi' }, /mode must be "multi" or "single"/],
      [{ voiceId: 'a/b' }, /voiceId must be a voice id/],
      [{ baseUrl: 'ws://host/path' }, /baseUrl must be a scheme, host and optional port only/],
      [{ scheduler: {} as never }, /scheduler must be an RxJS SchedulerLike/],
      [{ colour: 'red' } as never, /colour/],
    ];
    for (const [options, message] of bad) {
      let error: unknown;
      try {
        elevenlabs({ apiKey: 'key-123456', ...options });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(SpeechError);
      expect((error as SpeechError).code).toBe('invalid-input');
      expect((error as SpeechError).message).toMatch(message);
    }
    expect(elevenlabs({ apiKey: 'key-123456', modelId: 'eleven_v3', mode: 'single' }).capabilities.textInput).toBe('incremental');
  });

  it('never shows the key, even in an invalid-options error', () => {
    const key = 'sk_secret_elevenlabs_key_1234';
    let error: unknown;
    try {
      elevenlabs({ apiKey: key, voiceSettings: { stability: -1 } });
    } catch (e) {
      error = e;
    }
    expect(String((error as Error).message) + String((error as Error).stack)).not.toContain(key);
  });
});
