/**
 * Wire helpers: decoding a text frame through a zod schema into a typed message or a `protocol` error,
 * and mapping WebSocket close codes to error codes through a declarative table.
 */
import type { z } from 'zod';
import { SpeechError, redactAndTruncate, type SpeechErrorCode } from '../errors.js';
import { labelOf, type ProviderIdentity } from './options.js';

/**
 * What a close code means: the error code and a short description, e.g.
 * `{ 4002: ['auth', 'murmr rejected the API key; check MURMR_API_KEY'] }`. The message becomes
 * `"<description> (close 4002: <reason>)."`. Codes not in the table are `connection` errors (retryable).
 */
export type CloseCodeTable = Readonly<Record<number, readonly [code: SpeechErrorCode, description: string]>>;

/** The SpeechError for a close the client did not ask for, by `table` (see {@link CloseCodeTable}). */
export function closeError(identity: ProviderIdentity, table: CloseCodeTable | undefined, code: number, reason: string): SpeechError {
  const detail = reason ? `: ${redactAndTruncate(reason, 120)}` : '';
  const entry = table?.[code];
  const options = { provider: identity.name, providerCode: code };
  if (entry) return new SpeechError(entry[0], `${entry[1]} (close ${code}${detail}).`, options);
  return new SpeechError('connection', `The ${labelOf(identity)} connection closed unexpectedly (code ${code}${detail}).`, options);
}

/** A `protocol` SpeechError: the provider sent something that breaks its protocol. */
export function protocolError(identity: ProviderIdentity, message: string, cause?: unknown): SpeechError {
  return new SpeechError('protocol', message, { provider: identity.name, ...(cause === undefined ? {} : { cause }) });
}

const typeCache = new WeakMap<object, ReadonlySet<string>>();

/**
 * The `type` values a message schema knows: the literal (or enum) `type` fields of an object schema, a
 * union's or discriminated union's options, or a pipe's input. Used to tell an unknown message type
 * from a malformed message of a known one.
 */
export function messageTypesOf(schema: z.ZodType): ReadonlySet<string> {
  const cached = typeCache.get(schema);
  if (cached) return cached;
  const out = new Set<string>();
  collectTypes(schema, out, 0);
  typeCache.set(schema, out);
  return out;
}

function collectTypes(schema: unknown, out: Set<string>, depth: number): void {
  if (depth > 8 || typeof schema !== 'object' || schema === null) return;
  // Duck typing over zod's public properties: unions have `options` (schemas), objects `shape`,
  // pipes (`.transform`) `in`, literals `values` (a Set), enums `options` (strings).
  const s = schema as { options?: unknown; shape?: unknown; in?: unknown };
  if (Array.isArray(s.options)) {
    for (const option of s.options) collectTypes(option, out, depth + 1);
  } else if (typeof s.shape === 'object' && s.shape !== null) {
    const field = (s.shape as Record<string, unknown>)['type'] as { values?: unknown; options?: unknown } | undefined;
    if (field?.values instanceof Set) for (const v of field.values) if (typeof v === 'string') out.add(v);
    if (Array.isArray(field?.options)) for (const v of field.options) if (typeof v === 'string') out.add(v);
  } else if (s.in !== undefined) {
    collectTypes(s.in, out, depth + 1);
  }
}

/**
 * Decodes one text frame: `JSON.parse`, then `schema`. Returns the typed message, or a `protocol`
 * SpeechError saying what was wrong (not JSON; an unknown message `type`; a malformed message) — never
 * throws. Messages never include the frame's content (it may carry audio or echo a key).
 */
export function decodeJsonFrame<M>(identity: ProviderIdentity, schema: z.ZodType<M>, text: string): M | SpeechError {
  const label = labelOf(identity);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return protocolError(identity, `${label} sent a frame that is not JSON (${text.length} characters).`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const type = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !messageTypesOf(schema).has(type)) {
    return protocolError(identity, `${label} sent an unknown message type ${JSON.stringify(redactAndTruncate(type, 40))}.`);
  }
  return protocolError(identity, `${label} sent a malformed ${typeof type === 'string' ? `${JSON.stringify(redactAndTruncate(type, 40))} ` : ''}message.`);
}
