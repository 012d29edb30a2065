import { describe, expect, it } from 'vitest';
import { SpeechError } from '@utter/core';
import { registerSecret } from '@utter/core/provider';
import { decodeStreamEvent, errorFromMessage, errorFromStatus, retryAfterMs, safeMessage } from './index.js';

const body = (error: object) => JSON.stringify({ error });

describe('errorFromStatus', () => {
  it.each([
    [401, body({ message: 'Incorrect API key provided: sk-abc********wxyz.', type: 'invalid_request_error', code: 'invalid_api_key' }), 'auth', false],
    [403, body({ message: 'Country, region, or territory not supported', type: 'request_forbidden' }), 'auth', false],
    [400, body({ message: "[{'type': 'string_too_long', 'msg': 'String should have at most 4096 characters'}]", type: 'invalid_request_error' }), 'text-too-long', false],
    [400, body({ message: 'Invalid voice', type: 'invalid_request_error', param: 'voice' }), 'invalid-input', false],
    [404, body({ message: 'The model `x` does not exist', code: 'model_not_found' }), 'invalid-input', false],
    [413, 'Request Entity Too Large', 'text-too-long', false],
    [429, body({ message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' }), 'rate-limit', true],
    [429, body({ message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' }), 'quota', false],
    [500, body({ message: 'The server had an error', type: 'server_error' }), 'provider', true],
    [502, '<html>Bad gateway</html>', 'provider', true],
    [503, body({ message: 'The engine is currently overloaded' }), 'provider', true],
    [418, 'teapot', 'provider', false],
  ])('%i -> %s (retryable %s)', (status, text, code, retryable) => {
    const error = errorFromStatus({ status, body: text, maxRetryAfterMs: 10_000 });
    expect(error).toBeInstanceOf(SpeechError);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe('openai');
    expect(error.message).toContain(`OpenAI HTTP ${status}`);
  });

  it('removes the masked key OpenAI echoes in a 401, and registered secrets', () => {
    registerSecret('sk-proj-registered-secret-1234');
    const error = errorFromStatus({
      status: 401,
      body: body({ message: 'Incorrect API key provided: sk-proj-********************1234. Also sk-proj-registered-secret-1234.' }),
      maxRetryAfterMs: 10_000,
    });
    expect(error.message).not.toContain('sk-proj');
    expect(error.message).not.toContain('1234');
  });

  it('names the retry-after and makes a too long one not retryable', () => {
    expect(errorFromStatus({ status: 429, body: '{}', retryAfterMs: 200, maxRetryAfterMs: 1000 }).message).toContain('retry after 200 ms');
    expect(errorFromStatus({ status: 429, body: '{}', retryAfterMs: 20_000, maxRetryAfterMs: 1000 }).retryable).toBe(false);
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, retry-after in seconds or as an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '1' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('decodeStreamEvent', () => {
  it('decodes deltas and done, ignores unknown event types, and types broken data as retryable protocol errors', () => {
    expect(decodeStreamEvent('{"type":"speech.audio.delta","audio":"AAA="}')).toEqual({ type: 'speech.audio.delta', audio: 'AAA=' });
    expect(decodeStreamEvent('{"type":"speech.audio.done","usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3}}')).toMatchObject({ type: 'speech.audio.done' });
    expect(decodeStreamEvent('{"type":"speech.audio.transcript.delta","delta":"hi"}')).toBeUndefined();
    const notJson = decodeStreamEvent('{"type":"speech.audio.delta","aud');
    expect(notJson).toBeInstanceOf(SpeechError);
    expect(notJson).toMatchObject({ code: 'protocol', retryable: true });
    expect(decodeStreamEvent('{"type":"speech.audio.delta"}')).toMatchObject({ code: 'protocol', message: expect.stringContaining('malformed "speech.audio.delta"') });
  });

  it('maps an error event', () => {
    const event = decodeStreamEvent('{"type":"error","error":{"message":"boom","type":"server_error"}}');
    expect(event).not.toBeInstanceOf(SpeechError);
    if (event && !(event instanceof SpeechError) && event.type === 'error') expect(errorFromMessage(event)).toMatchObject({ code: 'provider', retryable: true });
  });
});

describe('safeMessage', () => {
  it('redacts before it truncates', () => {
    registerSecret('sk-straddling-secret-abcdef');
    const text = `${'x'.repeat(290)}sk-straddling-secret-abcdef`;
    expect(safeMessage(text)).not.toContain('sk-strad');
  });
});
