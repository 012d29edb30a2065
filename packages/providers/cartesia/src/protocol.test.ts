import { describe, expect, it } from 'vitest';
import { cartesiaServerMessageSchema, errorFromClose, errorFromMessage, errorFromStatus } from './index.js';

describe('cartesia protocol', () => {
  it('maps error messages by error_code, then status, then text; expired contexts are retryable', () => {
    const cases: [Record<string, unknown>, string, boolean][] = [
      [{ error_code: 'concurrency_limited', status_code: 429, title: 'Too many', message: 'limit' }, 'rate-limit', true],
      [{ error_code: 'invalid_api_key', status_code: 401, title: 'Unauthorized', message: 'bad key' }, 'auth', false],
      [{ error_code: 'model_not_found', status_code: 400, title: 'Invalid model', message: 'nope' }, 'invalid-input', false],
      [{ error_code: 'context_expired', status_code: 400, title: 'Context expired', message: 'gone' }, 'provider', true],
      [{ error_code: null, status_code: 500, title: 'Internal', message: 'oops' }, 'provider', true],
      [{ status_code: 402, error: 'Payment required: out of credits' }, 'quota', false],
      [{ status_code: 400, error: 'Invalid request: transcript too long' }, 'text-too-long', false],
      [{ error: 'Unauthorized: invalid API key' }, 'auth', false],
    ];
    for (const [fields, code, retryable] of cases) {
      const e = errorFromMessage({ type: 'error', done: true, ...fields });
      expect([e.code, e.retryable, e.provider]).toEqual([code, retryable, 'cartesia']);
    }
    expect(errorFromMessage({ type: 'error', error_code: 'concurrency_limited', title: 't', message: 'm' }).providerCode).toBe('concurrency_limited');
  });

  it('maps closes and HTTP statuses', () => {
    expect(errorFromClose(1008, 'policy').code).toBe('auth');
    expect(errorFromClose(1011, 'boom')).toMatchObject({ code: 'provider', retryable: true });
    expect(errorFromClose(1006, '')).toMatchObject({ code: 'connection', retryable: true });
    expect(errorFromStatus(429).code).toBe('rate-limit');
    expect(errorFromStatus(401).code).toBe('auth');
    expect(errorFromStatus(503)).toMatchObject({ code: 'provider', retryable: true });
  });

  it('validates server messages', () => {
    expect(cartesiaServerMessageSchema.safeParse({ type: 'chunk', data: 'AAAA', context_id: 'c', flush_id: 1, done: false }).success).toBe(true);
    expect(cartesiaServerMessageSchema.safeParse({ type: 'chunk', context_id: 'c' }).success).toBe(false);
    expect(cartesiaServerMessageSchema.safeParse({ type: 'timestamps', context_id: 'c', word_timestamps: { words: ['a'], start: [0], end: [] } }).success).toBe(false);
    expect(cartesiaServerMessageSchema.safeParse({ type: 'flush_done', context_id: 'c', flush_id: 2, flush_done: true }).success).toBe(true);
    expect(cartesiaServerMessageSchema.safeParse({ type: 'bogus', context_id: 'c' }).success).toBe(false);
  });
});
