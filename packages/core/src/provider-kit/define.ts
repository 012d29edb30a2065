/**
 * `defineWebSocketProvider`: a WebSocket adapter as declarations — options schema, endpoint,
 * capabilities, auth, the server's wire schema, close codes and small message-mapping handlers — turned
 * into the adapter's factory (`murmr(options)` -> {@link SpeechProvider}).
 */
import { z } from 'zod';
import { SpeechError } from '../errors.js';
import type { ConnectOptions, ProviderCapabilities, SpeechProvider } from '../provider.js';
import { limiterKeyFor, missingApiKeyError, resolveApiKey } from './api-key.js';
import {
  createSocketlessConnection,
  openProtocolConnection,
  type ProtocolConnection,
  type WireProtocol,
} from './connection.js';
import { labelOf, parseProviderOptions } from './options.js';

/** zod schema of the `apiKey` option every adapter has. */
export const apiKeyOption = z
  .string()
  .min(1, 'apiKey must not be empty')
  .refine((key) => key.trim() !== '', 'apiKey must not be blank (whitespace only)')
  .optional();

/** Where the API key travels on the upgrade request (a key sent in a message goes through `ctx.apiKey`). */
export interface WebSocketAuth {
  /** Upgrade request headers, e.g. `{ authorization: \`Bearer ${key}\` }` (Node only). */
  readonly headers?: Record<string, string>;
  /** Query parameters added to the endpoint, e.g. `{ 'api-key': key }` (redacted from errors). */
  readonly query?: Record<string, string>;
}

/** The two ways a {@link WebSocketProviderDefinition.connect} override can make a connection. */
export interface ConnectStrategies<X extends object> {
  /** Opens the socket and runs the handshake: the default `connect`. */
  socket(): Promise<ProtocolConnection<X>>;
  /** A connection without a socket (ready at once), for a fallback transport driven by the handlers. */
  socketless(): ProtocolConnection<X>;
}

/**
 * Everything that makes a WebSocket adapter. `I` is the public options type, `O` the resolved
 * settings, `M` the server's message union, `X` extra connection members, `P` extra provider members.
 */
export interface WebSocketProviderDefinition<N extends string, I extends { readonly apiKey?: string }, O, M, X extends object = object, P extends object = object>
  extends WireProtocol<O, M, X> {
  /** Short provider name: errors, metrics, limiter (e.g. `'murmr'`). */
  readonly name: N;
  /** Human name in messages (e.g. `'Uplift AI'`). Default `name`. */
  readonly label?: string;
  /** The environment variable the key is read from when `apiKey` is not given. */
  readonly apiKeyEnv: string;
  /** zod schema of the options (use `.strict()` and {@link apiKeyOption}); failures are `invalid-input`. */
  readonly optionsSchema: z.ZodType<I>;
  /** Resolved settings from valid options: defaults applied, derived values computed. Once per provider. */
  resolve(options: I): O;
  /** What the provider can do with these settings. */
  capabilities(options: O): ProviderCapabilities;
  /** The WebSocket URL without the key (use `withOrigin(url, options.baseUrl)` for local servers). */
  endpoint(options: O): string;
  /** Where the key goes on the upgrade request. Default: nowhere (the handlers send `ctx.apiKey`). */
  auth?(options: O, apiKey: string): WebSocketAuth;
  /**
   * The limiter bucket: `'per-key'` (default: one per account, an opaque hash), `'per-instance'` (limits
   * that apply per connection), or `false` (no account limits).
   */
  readonly limiter?: 'per-key' | 'per-instance' | false;
  /**
   * Replaces the default connect (`open.socket()`), e.g. to fall back to another transport. Called after
   * the key and the signal were checked.
   */
  connect?(open: ConnectStrategies<NoInfer<X>>, options: O, signal: AbortSignal): Promise<ProtocolConnection<NoInfer<X>>>;
  /** Extra members of the provider object (getters are kept), e.g. state shared by its connections. */
  extend?(options: O): P;
}

/** A provider made by {@link defineWebSocketProvider}: a {@link SpeechProvider} whose connections carry `X`. */
export interface WebSocketSpeechProvider<N extends string, X extends object = object> extends SpeechProvider {
  readonly name: N;
  /** Opens a connection (see {@link SpeechProvider.connect}). */
  connect(options: ConnectOptions): Promise<ProtocolConnection<X>>;
}

/** A provider made by {@link defineWebSocketProvider}, with the definition's extra members `P`. */
export type WebSocketProvider<N extends string, X extends object = object, P extends object = object> = WebSocketSpeechProvider<N, X> & P;

/**
 * Turns a {@link WebSocketProviderDefinition} into the adapter's factory. The factory validates options
 * (bad value -> SpeechError `invalid-input`), resolves the key from `apiKey` or `apiKeyEnv` and registers
 * it as a secret; without a key it still returns a provider, whose `connect()` rejects with `auth` naming
 * the variable. `connect()` opens the endpoint with the auth headers or query and runs the protocol.
 *
 * @example
 * ```ts
 * export const echo = defineWebSocketProvider({
 *   name: 'echo',
 *   apiKeyEnv: 'ECHO_API_KEY',
 *   optionsSchema: z.object({ apiKey: apiKeyOption, baseUrl: originSchema().optional() }).strict(),
 *   resolve: (o) => ({ baseUrl: o.baseUrl }),
 *   capabilities: () => ({ textInput: 'request', segmentAcks: true, cancel: 'close', wordTimestamps: false,
 *     sampleRate: 16000, sampleRates: [16000], encodings: ['pcm16'] }),
 *   endpoint: (o) => withOrigin('wss://api.echo.dev/v1/tts', o.baseUrl),
 *   auth: (_o, key) => ({ headers: { authorization: `Bearer ${key}` } }),
 *   messages: EchoServerMessage,
 *   connection: (ctx) => { ... return { open, message, send, finish }; },
 * });
 * ```
 */
export function defineWebSocketProvider<N extends string, I extends { readonly apiKey?: string }, O, M, X extends object = object, P extends object = object>(
  definition: WebSocketProviderDefinition<N, I, O, M, X, P>,
): (options?: I) => WebSocketProvider<N, X, P> {
  const label = labelOf(definition);
  return (input?: I) => {
    // Registered before validation, so that no error (an invalid option included) can show the key.
    const apiKey = resolveApiKey((input as { apiKey?: unknown } | undefined)?.apiKey, definition.apiKeyEnv);
    const options = definition.resolve(parseProviderOptions(definition.optionsSchema, input, definition));
    const limiter = definition.limiter ?? 'per-key';
    const provider = {
      name: definition.name,
      capabilities: definition.capabilities(options),
      ...(apiKey === undefined || limiter === false ? {} : { limiterKey: limiterKeyFor(definition.name, apiKey, limiter === 'per-instance') }),
      async connect({ signal }: ConnectOptions): Promise<ProtocolConnection<X>> {
        if (apiKey === undefined) throw missingApiKeyError(definition, definition.apiKeyEnv);
        if (signal.aborted) throw new SpeechError('cancelled', `Connecting to ${label} was cancelled.`, { provider: definition.name });
        const open: ConnectStrategies<X> = {
          socket: () => {
            const auth = definition.auth?.(options, apiKey) ?? {};
            const url = new URL(definition.endpoint(options));
            for (const [name, value] of Object.entries(auth.query ?? {})) url.searchParams.set(name, value);
            return openProtocolConnection(definition, { url: url.toString(), signal, options, apiKey, ...(auth.headers ? { headers: auth.headers } : {}) });
          },
          socketless: () => createSocketlessConnection(definition, options, apiKey),
        };
        return definition.connect ? definition.connect(open, options, signal) : open.socket();
      },
    };
    if (definition.extend) Object.defineProperties(provider, Object.getOwnPropertyDescriptors(definition.extend(options)));
    return provider as WebSocketProvider<N, X, P>;
  };
}
