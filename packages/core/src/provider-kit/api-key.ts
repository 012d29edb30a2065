/**
 * API keys for adapters: from options or the environment, registered as secrets at once, with a typed
 * `auth` error that names the variable when there is none, and a secret-free limiter key.
 */
import { SpeechError, registerSecret } from '../errors.js';
import { labelOf, type ProviderIdentity } from './options.js';

/**
 * Returns the key to use: `explicit` when it is a non-empty string, else the environment variable `env`
 * (undefined when neither is set, or outside Node). Both values are passed to `registerSecret`, so they
 * are redacted from every SpeechError from now on — call this before anything can fail.
 *
 * @throws SpeechError `invalid-input` when `explicit` (the `apiKey` option) or the variable holds only
 * whitespace: such a key can only fail at the provider, later and less clearly.
 */
export function resolveApiKey(explicit: unknown, env: string): string | undefined {
  if (typeof explicit === 'string' && explicit !== '') {
    if (explicit.trim() === '') {
      throw new SpeechError('invalid-input', `The apiKey option is blank (whitespace only): pass the key itself, or leave apiKey out to read ${env}.`, { retryable: false });
    }
    registerSecret(explicit);
    return explicit;
  }
  const value = typeof process === 'undefined' ? undefined : process.env?.[env];
  if (value === undefined || value === '') return undefined;
  if (value.trim() === '') {
    throw new SpeechError('invalid-input', `The ${env} environment variable is blank (whitespace only): set it to the key, or pass { apiKey }.`, { retryable: false });
  }
  registerSecret(value);
  return value;
}

/**
 * The `auth` SpeechError for a missing key, naming the variable:
 * `No Murf API key: set the MURF_API_KEY environment variable or pass { apiKey }.`
 */
export function missingApiKeyError(identity: ProviderIdentity, env: string): SpeechError {
  return new SpeechError('auth', `No ${labelOf(identity)} API key: set the ${env} environment variable or pass { apiKey }.`, {
    provider: identity.name,
    retryable: false,
  });
}

let instances = 0;

/**
 * An opaque, secret-free key for the core's in-process limiter: `name:` and a 32-bit FNV-1a hash of the
 * API key. With `perInstance`, every call gives a new bucket (for limits that are per connection rather
 * than per account).
 */
export function limiterKeyFor(name: string, apiKey: string, perInstance = false): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < apiKey.length; i++) {
    hash ^= apiKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const tag = `${name}:${(hash >>> 0).toString(16).padStart(8, '0')}`;
  return perInstance ? `${tag}:${++instances}` : tag;
}
