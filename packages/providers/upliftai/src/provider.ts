/**
 * The Uplift AI provider: `upliftai(options)` returns a {@link SpeechProvider}.
 */
import { SpeechError, registerSecret, type ConnectOptions, type ProviderCapabilities, type SpeechProvider } from '@utter/core';
import { UpliftConnection } from './connection.js';
import { resolveUpliftOptions, WEBSOCKET_PATH, type ResolvedUpliftOptions, type UpliftAiOptions } from './options.js';
import { codeForUpliftError, MAX_CHARS_PER_REQUEST, parseServerMessage, sampleRateOf } from './protocol.js';
import { openWireSocket } from './socket.js';

/** An Uplift AI {@link SpeechProvider}. */
export interface UpliftAiProvider extends SpeechProvider {
  readonly name: 'upliftai';
  /** `connect()` resolves to an {@link UpliftConnection}. */
  connect(options: ConnectOptions): Promise<UpliftConnection>;
}

/**
 * Creates an Uplift AI (Urdu) text-to-speech provider over the plain WebSocket multi-stream endpoint.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { upliftai } from '@utter/upliftai';
 * speak('السلام علیکم', { provider: upliftai({ voiceId: 'v_meklc281' }) }).subscribe(play);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option. A missing key is reported by `connect()` (`auth`).
 */
export function upliftai(options: UpliftAiOptions = {}): UpliftAiProvider {
  const resolved = resolveUpliftOptions(options, typeof process === 'undefined' ? {} : process.env);
  registerSecret(resolved.apiKey);
  const capabilities: ProviderCapabilities = {
    textInput: 'request',
    segmentAcks: true,
    cancel: 'native',
    wordTimestamps: false,
    sampleRate: sampleRateOf(resolved.outputFormat),
    sampleRates: [22050, 8000],
    encodings: ['pcm16', 'wav', 'mulaw', 'mp3', 'ogg'],
    maxCharsPerRequest: MAX_CHARS_PER_REQUEST,
    maxConcurrentRequests: resolved.maxConcurrentRequests,
    limits: { requestsPerMinute: 60 },
  };
  return {
    name: 'upliftai',
    capabilities,
    // Uplift's 60 requests per minute are per connection, not per key: the limiter bucket is per
    // provider instance (one session's connection at a time), not shared by every user of the key.
    ...(resolved.apiKey ? { limiterKey: `upliftai:${shortHash(resolved.apiKey)}:${++instances}` } : {}),
    async connect({ signal }: ConnectOptions): Promise<UpliftConnection> {
      if (!resolved.apiKey) {
        throw new SpeechError('auth', 'Uplift AI: no API key. Pass `apiKey` or set the UPLIFTAI_API_KEY environment variable.', {
          provider: 'upliftai',
          retryable: false,
        });
      }
      return openUpliftConnection(resolved, resolved.apiKey, signal);
    },
  };
}

/** Opens the socket with Bearer auth and waits for `ready`. */
async function openUpliftConnection(options: ResolvedUpliftOptions, apiKey: string, signal: AbortSignal): Promise<UpliftConnection> {
  const socket = await openWireSocket(`${options.wsBase}${WEBSOCKET_PATH}`, {
    provider: 'upliftai',
    headers: { authorization: `Bearer ${apiKey}` },
    signal,
  });
  return new Promise<UpliftConnection>((resolve, reject) => {
    let settled = false;
    const settle = (result: SpeechError | string | undefined): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (result instanceof SpeechError) {
        socket.close(1000, 'handshake failed');
        reject(result);
      } else {
        resolve(new UpliftConnection(options, socket, result));
      }
    };
    const onAbort = (): void => settle(new SpeechError('cancelled', 'upliftai: connecting was cancelled.', { provider: 'upliftai' }));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.onClose((error) => settle(error ?? new SpeechError('connection', 'upliftai: the connection closed before ready.', { provider: 'upliftai' })));
    socket.onMessage((data) => {
      if (settled) return;
      if (typeof data !== 'string') {
        settle(new SpeechError('protocol', 'upliftai: a binary frame arrived before ready.', { provider: 'upliftai', retryable: true }));
        return;
      }
      try {
        const message = parseServerMessage(data);
        if (message.type === 'ready') settle(message.sessionId ?? '');
        else if (message.type === 'error') {
          settle(
            new SpeechError(codeForUpliftError(message.code, message.message), `Uplift AI error${message.code ? ` ${message.code}` : ''}: ${message.message ?? 'unknown error'}`, {
              provider: 'upliftai',
              ...(message.code === undefined ? {} : { providerCode: message.code }),
            }),
          );
        } else settle(new SpeechError('protocol', `upliftai: ${message.type} arrived before ready.`, { provider: 'upliftai', retryable: true }));
      } catch (error) {
        settle(SpeechError.from(error, 'protocol', { provider: 'upliftai' }));
      }
    });
  });
}

let instances = 0;

/** FNV-1a, 32 bit, hex: an opaque, secret-free account key for the limiter. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
