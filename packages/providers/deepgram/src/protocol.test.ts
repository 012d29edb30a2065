import { describe, expect, it } from 'vitest';
import {
  codeForDeepgramError,
  deepgramClientMessageSchema,
  deepgramServerMessageSchema,
  errorFromMessage,
  errorFromStatus,
  isFlushRateWarning,
} from './index.js';

describe('deepgram wire schemas', () => {
  it('accepts the documented server messages, and the observed warn_code/warn_msg Warning', () => {
    const messages = [
      { type: 'Metadata', request_id: 'r', model_name: 'aura-2-thalia-en', model_version: '1', model_uuid: 'u' },
      { type: 'Flushed', sequence_id: 0 },
      { type: 'Cleared', sequence_id: 3 },
      { type: 'Warning', description: 'Rate limit exceeded for flushes', code: 'EXCESSIVE_FLUSH' },
      { type: 'Warning', warn_code: 'EXCESSIVE_FLUSH', warn_msg: 'Rate limit exceeded for flushes. Please try again later.' },
      { type: 'Error', err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' },
    ];
    for (const m of messages) expect(deepgramServerMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
    expect(deepgramServerMessageSchema.safeParse({ type: 'Flushed' }).success).toBe(false);
    expect(deepgramServerMessageSchema.safeParse({ type: 'Flushed', sequence_id: -1 }).success).toBe(false);
  });

  it('limits Speak to 2,000 characters and knows the four client messages', () => {
    expect(deepgramClientMessageSchema.safeParse({ type: 'Speak', text: 'x'.repeat(2000) }).success).toBe(true);
    expect(deepgramClientMessageSchema.safeParse({ type: 'Speak', text: 'x'.repeat(2001) }).success).toBe(false);
    for (const type of ['Flush', 'Clear', 'Close']) expect(deepgramClientMessageSchema.safeParse({ type }).success).toBe(true);
  });

  it('tells a flush-rate Warning from others', () => {
    expect(isFlushRateWarning({ type: 'Warning', warn_code: 'EXCESSIVE_FLUSH' })).toBe(true);
    expect(isFlushRateWarning({ type: 'Warning', code: 'EXCESSIVE_FLUSH', description: 'x' })).toBe(true);
    expect(isFlushRateWarning({ type: 'Warning', code: 'SOMETHING_ELSE', description: 'text was normalized' })).toBe(false);
  });
});

describe('deepgram error mapping', () => {
  it('maps error codes and statuses to typed, correctly retryable errors', () => {
    expect(codeForDeepgramError('INVALID_AUTH')).toBe('auth');
    expect(codeForDeepgramError('TOO_MANY_REQUESTS')).toBe('rate-limit');
    expect(codeForDeepgramError('INSUFFICIENT_CREDITS')).toBe('quota');
    expect(codeForDeepgramError('BIG-0001')).toBe('text-too-long');
    expect(codeForDeepgramError('DATA-0000')).toBe('invalid-input');
    expect(codeForDeepgramError(undefined, 'Something broke')).toBe('provider');
    const auth = errorFromMessage({ type: 'Error', err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' });
    expect([auth.code, auth.retryable, auth.provider, auth.providerCode]).toEqual(['auth', false, 'deepgram', 'INVALID_AUTH']);
    const busy = errorFromMessage({ type: 'Error', description: 'Too many requests', code: 'TOO_MANY_REQUESTS' });
    expect([busy.code, busy.retryable]).toEqual(['rate-limit', true]);
    expect([errorFromStatus(401).code, errorFromStatus(401).retryable]).toEqual(['auth', false]);
    expect(errorFromStatus(401).message).toContain('DEEPGRAM_API_KEY');
    expect([errorFromStatus(413).code, errorFromStatus(413).retryable]).toEqual(['text-too-long', false]);
    expect([errorFromStatus(429).code, errorFromStatus(429).retryable]).toEqual(['rate-limit', true]);
    expect([errorFromStatus(503).code, errorFromStatus(503).retryable]).toEqual(['provider', true]);
  });
});
