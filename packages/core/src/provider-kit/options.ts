/**
 * Options helpers for adapters: validation with zod into `invalid-input` errors, a `baseUrl` schema, and
 * replacing the origin of an endpoint (for local test servers).
 */
import { z } from 'zod';
import { SpeechError } from '../errors.js';

/** Who is speaking in messages: the provider's short `name` (errors, metrics) and a display `label`. */
export interface ProviderIdentity {
  /** Short name, recorded as `SpeechError.provider` (e.g. `'upliftai'`). */
  readonly name: string;
  /** Human name used in messages (e.g. `'Uplift AI'`). Default: `name`. */
  readonly label?: string;
}

/** The display label of a provider (its `label`, else its `name`). */
export function labelOf(identity: ProviderIdentity): string {
  return identity.label ?? identity.name;
}

/**
 * Formats zod issues as `field: message; other.field: message`. The field is left out when the message
 * already starts with it (`"rate must be between -50 and 50"`).
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const last = issue.path.length > 0 ? String(issue.path[issue.path.length - 1]) : '';
      if (path === '') return issue.message;
      return issue.message.startsWith(`${last} `) ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates an adapter's options. A bad value throws SpeechError `invalid-input` (not retryable) whose
 * message names every offending option: `Invalid Murf options: rate must be between -50 and 50`.
 *
 * @example
 * ```ts
 * const options = parseProviderOptions(murfOptionsSchema, input, { name: 'murf', label: 'Murf' });
 * ```
 */
export function parseProviderOptions<T>(schema: z.ZodType<T>, input: unknown, identity: ProviderIdentity): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new SpeechError('invalid-input', `Invalid ${labelOf(identity)} options: ${formatIssues(result.error.issues) || 'invalid value'}`, {
    provider: identity.name,
    retryable: false,
  });
}

/** True when `value` is `scheme://host[:port]` with an optional trailing slash and nothing else. */
function isOrigin(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol) && url.host !== '' && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
}

/**
 * zod schema of a `baseUrl` option: a scheme (`ws`, `wss`, `http` or `https`), host and optional port,
 * nothing else (e.g. `'ws://127.0.0.1:8080'`). Use with {@link withOrigin}.
 *
 * @param name The option's name, for the message. Default `'baseUrl'`.
 * @param schemes Allowed schemes. Default ws, wss, http and https.
 */
export function originSchema(name = 'baseUrl', schemes: readonly ('ws' | 'wss' | 'http' | 'https')[] = ['ws', 'wss', 'http', 'https']) {
  const allowed = schemes.map((s) => `${s}:`);
  const example = schemes[0] === 'http' || schemes[0] === 'https' ? 'http://127.0.0.1:8080' : 'ws://127.0.0.1:8080';
  return z
    .string()
    .refine((value) => isOrigin(value, allowed), { message: `${name} must be a scheme, host and optional port only, like "${example}"` });
}

/**
 * Replaces the scheme, host and port of `url` with those of `origin` (a {@link originSchema} value),
 * keeping the path and query. The scheme follows the family of `url`: `http(s)` origins become `ws(s)`
 * for a WebSocket URL and the other way round. Without `origin`, returns `url` unchanged.
 *
 * @example
 * ```ts
 * withOrigin('wss://api.murmr.dev/v1/realtime', 'ws://127.0.0.1:8080'); // 'ws://127.0.0.1:8080/v1/realtime'
 * withOrigin('wss://api.munsit.ai/x', 'https://proxy.local');            // 'wss://proxy.local/x'
 * ```
 */
export function withOrigin(url: string, origin: string | undefined): string {
  if (origin === undefined) return url;
  const target = new URL(url);
  const base = new URL(origin);
  const secure = base.protocol === 'wss:' || base.protocol === 'https:';
  const websocket = target.protocol === 'ws:' || target.protocol === 'wss:';
  return `${websocket ? 'ws' : 'http'}${secure ? 's' : ''}://${base.host}${target.pathname}${target.search}`;
}

