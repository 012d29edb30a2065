import { describe, expect, it } from 'vitest';
import { SpeechError } from './errors.js';

describe('SpeechError across package copies', () => {
  it('recognizes a SpeechError made by another copy of the package by its brand', () => {
    // What a second copy (a CommonJS build beside the ESM one) produces: same brand, other class.
    const brand = Symbol.for('@utter/core/speech-error');
    const foreign = Object.assign(new Error('bad key'), { name: 'SpeechError', code: 'auth', retryable: false, [brand]: true });
    expect(foreign instanceof SpeechError).toBe(true);
    expect(SpeechError.is(foreign, 'auth')).toBe(true);
    expect(SpeechError.from(foreign, 'connection').code).toBe('auth');
    expect(new Error('x') instanceof SpeechError).toBe(false);
    expect(SpeechError.is({ code: 'auth' })).toBe(false);
    expect(new SpeechError('auth', 'no') instanceof Error).toBe(true);
  });
});
