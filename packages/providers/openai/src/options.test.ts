import { describe, expect, it } from 'vitest';
import { SpeechError } from '@utter/core';
import { exposedText } from '@utter/testing';
import { openai, speechUrl, type OpenAiOptions } from './index.js';

function optionError(options: unknown): SpeechError {
  try {
    openai(options as OpenAiOptions);
  } catch (error) {
    if (error instanceof SpeechError) return error;
    throw error;
  }
  throw new Error('expected openai() to throw');
}

describe('openai options', () => {
  it.each([
    [{ model: 'tts-1', instructions: 'Whisper.' }, 'instructions is not supported by tts-1'],
    [{ model: 'tts-1-hd', instructions: 'Whisper.' }, 'instructions is not supported by tts-1-hd'],
    [{ model: 'tts-1', streamFormat: 'sse' }, 'streamFormat "sse" is not supported by tts-1'],
    [{ speed: 5 }, 'speed must be between 0.25 and 4'],
    [{ speed: 0.1 }, 'speed must be between 0.25 and 4'],
    [{ streamFormat: 'mp3' }, 'streamFormat must be "audio" or "sse"'],
    [{ voice: '' }, 'voice'],
    [{ voice: { name: 'x' } }, 'voice'],
    [{ model: '' }, 'model must not be empty'],
    [{ baseUrl: 'ws://127.0.0.1:8080' }, 'baseUrl must be an http(s) origin'],
    [{ baseUrl: 'https://api.example.com/v1?key=x' }, 'baseUrl must be an http(s) origin'],
    [{ baseUrl: 'https://user:pw@api.example.com' }, 'baseUrl must be an http(s) origin'],
    [{ maxConcurrentRequests: 0 }, 'maxConcurrentRequests must be between 1 and 16'],
    [{ response_format: 'mp3' }, 'response_format'],
    [{ apiKey: '' }, 'apiKey must not be empty'],
  ])('%o is an invalid-input error naming the option', (options, message) => {
    const error = optionError(options);
    expect(error.code).toBe('invalid-input');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(message);
  });

  it('instructions are accepted for gpt-4o-mini-tts models and compatible servers', () => {
    expect(() => openai({ apiKey: 'k-123456', model: 'gpt-4o-mini-tts-2025-12-15', instructions: 'Calm.' })).not.toThrow();
    expect(() => openai({ apiKey: 'k-123456', model: 'kokoro', instructions: 'Calm.' })).not.toThrow();
  });

  it('an invalid option never shows the key', () => {
    const error = optionError({ apiKey: 'sk-secret-key-0123456789', speed: 9 });
    expect(exposedText(error)).not.toContain('sk-secret-key-0123456789');
  });

  it.each([
    [undefined, 'https://api.openai.com/v1/audio/speech'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/v1/audio/speech'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/v1/audio/speech'],
    ['http://localhost:8880/v1', 'http://localhost:8880/v1/audio/speech'],
    ['https://gateway.example/openai/v1/', 'https://gateway.example/openai/v1/audio/speech'],
  ])('baseUrl %s -> %s', (baseUrl, url) => {
    expect(speechUrl(baseUrl)).toBe(url);
  });

  it('declares per-request, pipelined, natively cancelled PCM at 24 kHz', () => {
    const provider = openai({ apiKey: 'k-123456', maxConcurrentRequests: 4 });
    expect(provider.capabilities).toMatchObject({
      textInput: 'request',
      segmentAcks: true,
      cancel: 'native',
      wordTimestamps: false,
      sampleRate: 24_000,
      maxCharsPerRequest: 4096,
      maxConcurrentRequests: 4,
    });
    expect(provider.limiterKey).toMatch(/^openai:[0-9a-f]{8}$/);
  });
});
