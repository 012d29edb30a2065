/**
 * Typed errors. Every failure that reaches a user of utter is a {@link SpeechError} with a stable
 * {@link SpeechErrorCode}; messages are scrubbed of every registered secret before they are stored.
 */

/** Stable, documented error codes. Match on these, never on messages. */
export type SpeechErrorCode =
  /** The provider rejected the credentials, or none were given. */
  | 'auth'
  /** A rate or concurrency limit was hit (at the provider or in utter's own limiter). */
  | 'rate-limit'
  /** The account has no quota or credit left. */
  | 'quota'
  /** An option or input value is invalid. */
  | 'invalid-input'
  /** A text is longer than the provider accepts. */
  | 'text-too-long'
  /** The provider sent something that breaks its protocol (malformed or unknown message). */
  | 'protocol'
  /** A handshake, first-audio or other deadline passed. */
  | 'timeout'
  /** The connection could not be opened or was lost. */
  | 'connection'
  /** The provider reported an error of its own (server error, synthesis failure). */
  | 'provider'
  /** The operation was cancelled by the caller. */
  | 'cancelled'
  /** The provider or configuration cannot do what was asked. */
  | 'unsupported';

/** Codes whose failures are worth retrying by default. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<SpeechErrorCode> = new Set([
  'rate-limit',
  'timeout',
  'connection',
  'provider',
]);

const secrets = new Set<string>();

/**
 * Registers a secret (an API key or token) so that it is replaced by `[redacted]` in every
 * {@link SpeechError} message and in {@link redact}. Adapters call this with the key they use.
 * Secrets shorter than 4 characters are ignored (they would redact ordinary text).
 */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret === 'string' && secret.length >= 4) secrets.add(secret);
}

/** Names of parameters and fields that hold credentials. */
const SECRET_NAME = String.raw`(?:api[-_]?key|x[-_]api[-_]key|key|token|access[-_]token|auth|authorization|secret|password)`;
/** `name=value` anywhere (query, form body, log text), not only after `?` or `&`. */
const ASSIGNED_SECRET = new RegExp(String.raw`(^|[^A-Za-z0-9_-])(${SECRET_NAME}=)[^&#\s"',;]+`, 'gi'); // no lookbehind: older Safari
/** `"name": "value"` in JSON (a body that echoes the request). */
const JSON_SECRET = new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*")(?:[^"\\]|\\.)*(")`, 'gi');
/** `Bearer value` (an echoed Authorization header). */
const SCHEME_SECRET = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/gi;

/**
 * Replaces every registered secret, `key=`/`token=`-like values (in a query or anywhere in the
 * text), JSON fields named like credentials and `Bearer` tokens in `text`.
 */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out.replace(ASSIGNED_SECRET, '$1$2[redacted]').replace(JSON_SECRET, '$1[redacted]$2').replace(SCHEME_SECRET, '$1 [redacted]');
}

/**
 * `text` made safe to quote in an error: redacted first, then cut to `maxLength` characters (with `…`
 * when cut). Always in this order: cutting first could split a secret so that the part kept no
 * longer matches, and that part would leak.
 */
export function redactAndTruncate(text: string, maxLength: number): string {
  const clean = redact(text);
  if (clean.length <= maxLength) return clean;
  // Never end inside a surrogate pair.
  let cut = Math.max(0, maxLength);
  const last = clean.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut--;
  return `${clean.slice(0, cut)}…`;
}

/** Returns `url` as a string that is safe to print: credentials and key-like query values removed. */
export function redactUrl(url: string | URL): string {
  let text = String(url);
  try {
    const parsed = new URL(text);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
      text = parsed.toString();
    }
  } catch {
    // not a URL: redact as text
  }
  return redact(text);
}

/** Options of {@link SpeechError}. */
export interface SpeechErrorOptions {
  /** Whether retrying the same operation may succeed. Defaults by code. */
  retryable?: boolean;
  /** The provider's name (e.g. `"murmr"`), when the error comes from one. */
  provider?: string;
  /** The underlying error or message. Its message is redacted when read through `SpeechError`. */
  cause?: unknown;
  /** The provider's own error code or WebSocket close code, when it sent one. */
  providerCode?: string | number;
  /** The original text that was not spoken because of this error, when known. */
  unspokenText?: string;
}

/**
 * The one error type of utter. `code` is stable; `message` never contains a registered secret.
 *
 * @example
 * ```ts
 * speak(text, { provider }).subscribe({
 *   error: (e) => { if (e instanceof SpeechError && e.code === 'auth') showKeyDialog(); },
 * });
 * ```
 */
/**
 * Brands every SpeechError with a registry symbol, so that a SpeechError made by another copy of this
 * package (an ESM and a CommonJS build loaded together, or two installed versions) is still recognized:
 * `instanceof SpeechError` and {@link SpeechError.is} check the brand, not the prototype chain.
 */
const SPEECH_ERROR_BRAND = Symbol.for('@utter/core/speech-error');

export class SpeechError extends Error {
  /** Marks SpeechErrors across package copies (see {@link SpeechError.is}). */
  readonly [SPEECH_ERROR_BRAND] = true;
  /** Stable error code. */
  readonly code: SpeechErrorCode;
  /** Whether retrying may succeed. */
  readonly retryable: boolean;
  /** Name of the provider that failed, if any. */
  readonly provider: string | undefined;
  /** The provider's own error code or close code, if it sent one. */
  readonly providerCode: string | number | undefined;
  /** Original text that was not spoken because of this error, if known. */
  readonly unspokenText: string | undefined;

  constructor(code: SpeechErrorCode, message: string, options: SpeechErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: scrubCause(options.cause) });
    this.name = 'SpeechError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.provider = options.provider;
    this.providerCode = options.providerCode;
    this.unspokenText = options.unspokenText;
  }

  /** `instanceof SpeechError` holds for SpeechErrors of any copy of `@utter/core` (the brand decides). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [SPEECH_ERROR_BRAND]?: unknown })[SPEECH_ERROR_BRAND] === true;
  }

  /** True when `value` is a SpeechError (optionally with the given code), from any copy of `@utter/core`. */
  static is(value: unknown, code?: SpeechErrorCode): value is SpeechError {
    return value instanceof SpeechError && (code === undefined || value.code === code);
  }

  /**
   * Wraps any thrown value as a SpeechError. A SpeechError passes through unchanged; an
   * `AbortError` becomes `cancelled`; anything else becomes `fallbackCode`.
   */
  static from(value: unknown, fallbackCode: SpeechErrorCode = 'provider', options: SpeechErrorOptions = {}): SpeechError {
    if (value instanceof SpeechError) return value;
    if (isAbortError(value)) return new SpeechError('cancelled', 'The operation was cancelled.', { ...options, cause: value });
    const message = value instanceof Error ? value.message : typeof value === 'string' ? value : 'Unknown error';
    return new SpeechError(fallbackCode, message, { ...options, cause: value });
  }

  /** A plain, secret-free object for logs and JSON. */
  toJSON(): { name: string; code: SpeechErrorCode; message: string; retryable: boolean; provider?: string; providerCode?: string | number } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.provider === undefined ? {} : { provider: this.provider }),
      ...(this.providerCode === undefined ? {} : { providerCode: this.providerCode }),
    };
  }
}

/** True for DOM/Node `AbortError`s and `TimeoutError`s raised by an AbortSignal. */
export function isAbortError(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    ((value as { name: unknown }).name === 'AbortError')
  );
}

function scrubCause(cause: unknown): unknown {
  if (cause instanceof SpeechError) return cause;
  if (cause instanceof Error) {
    const clean = redact(cause.message);
    if (clean === cause.message) return cause;
    const copy = new Error(clean);
    copy.name = cause.name;
    return copy;
  }
  if (typeof cause === 'string') return redact(cause);
  return cause;
}
