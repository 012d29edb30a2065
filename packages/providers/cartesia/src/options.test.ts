import { describe, expect, it } from 'vitest';
import { SpeechError } from '@utter/core';
import { cartesia, resolveCartesiaOptions, parseCartesiaOptions } from './index.js';

const invalid = (options: unknown): string => {
  try {
    parseCartesiaOptions(options);
  } catch (e) {
    expect(e).toBeInstanceOf(SpeechError);
    expect((e as SpeechError).code).toBe('invalid-input');
    return (e as SpeechError).message;
  }
  throw new Error('expected the options to be rejected');
};

describe('cartesia options', () => {
  it('name the option and why', () => {
    expect(invalid({ sampleRate: 32000 })).toMatch(/sampleRate must be one of 8000, 16000, 22050, 24000, 44100, 48000/);
    expect(invalid({ encoding: 'mp3' })).toMatch(/encoding must be one of pcm_s16le/);
    expect(invalid({ maxBufferDelayMs: 6000 })).toMatch(/maxBufferDelayMs must be between 0 and 5000/);
    expect(invalid({ generationConfig: { speed: 2 } })).toMatch(/generationConfig\.speed must be between 0\.6 and 1\.5/);
    expect(invalid({ generationConfig: { pitch: 1 } })).toMatch(/generationConfig/);
    expect(invalid({ cartesiaVersion: 'latest' })).toMatch(/cartesiaVersion must be a date/);
    expect(invalid({ voice: { mode: 'embedding', id: 'x' } })).toMatch(/voice/);
    expect(invalid({ voice: '' })).toMatch(/voice/);
    expect(invalid({ language: 'English' })).toMatch(/language must be a language code/);
    expect(invalid({ maxConcurrentUtterances: 0 })).toMatch(/maxConcurrentUtterances must be between 1 and 15/);
    expect(invalid({ baseUrl: 'ws://127.0.0.1:1/path' })).toMatch(/baseUrl must be a scheme, host and optional port/);
    expect(invalid({ scheduler: {} })).toMatch(/scheduler must have a now\(\) method/);
    expect(invalid({ speed: 1 })).toMatch(/speed/); // strict: unknown options are refused
  });

  it('never show the key, even when another option is invalid', () => {
    const key = 'sk_car_secret-0123456789';
    let message = '';
    try {
      cartesia({ apiKey: key, sampleRate: 1 as 8000 });
    } catch (e) {
      message = (e as Error).message + String((e as Error).stack);
    }
    expect(message).toMatch(/sampleRate/);
    expect(message).not.toContain(key);
  });

  it('map to the wire: voice by id, output_format, version in the query, baseUrl replaces the origin', () => {
    const o = resolveCartesiaOptions({ voice: 'abc', language: 'fr', modelId: 'sonic-3.5', sampleRate: 44100, encoding: 'pcm_f32le', maxBufferDelayMs: 250, generationConfig: { speed: 1.2, emotion: 'calm' }, pronunciationDictId: 'dict', addTimestamps: false });
    expect(o.request).toEqual({
      model_id: 'sonic-3.5',
      voice: { mode: 'id', id: 'abc' },
      language: 'fr',
      output_format: { container: 'raw', encoding: 'pcm_f32le', sample_rate: 44100 },
      add_timestamps: false,
      max_buffer_delay_ms: 250,
      generation_config: { speed: 1.2, emotion: 'calm' },
      pronunciation_dict_id: 'dict',
    });
    expect(o.url).toBe('wss://api.cartesia.ai/tts/websocket?cartesia_version=2026-03-01');
    expect(resolveCartesiaOptions({ baseUrl: 'ws://127.0.0.1:9', cartesiaVersion: '2025-04-16' }).url).toBe('ws://127.0.0.1:9/tts/websocket?cartesia_version=2025-04-16');
    expect(resolveCartesiaOptions({ voice: { mode: 'id', id: 'v' } }).request['voice']).toEqual({ mode: 'id', id: 'v' });
  });

  it('declare the capabilities the engine needs', () => {
    const p = cartesia({ apiKey: 'k-12345', sampleRate: 16000, addTimestamps: false, maxConcurrentUtterances: 3 });
    expect(p.capabilities).toMatchObject({ textInput: 'context', segmentAcks: true, cancel: 'native', wordTimestamps: false, sampleRate: 16000, maxConcurrentUtterances: 3 });
    expect(cartesia({ apiKey: 'k-12345' }).capabilities).toMatchObject({ wordTimestamps: true, sampleRate: 24000, maxConcurrentUtterances: 2 });
    expect(p.limiterKey).not.toContain('k-12345');
  });
});
