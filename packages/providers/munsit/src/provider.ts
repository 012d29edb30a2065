/**
 * The Munsit provider: `munsit(options)` returns a {@link SpeechProvider}.
 */
import { SpeechError, registerSecret, type ConnectOptions, type ProviderCapabilities, type SpeechProvider } from '@utter/core';
import { MunsitConnection, errorFromMessage, type MunsitProviderState } from './connection.js';
import { missingKeyError } from './http.js';
import { resolveMunsitOptions, WEBSOCKET_PATH, type MunsitOptions, type ResolvedMunsitOptions } from './options.js';
import { MUNSIT_OUTPUT_FORMATS, parseServerMessage, sampleRateOf, type InitConnectionMessage } from './protocol.js';
import { openWireSocket, type WireSocket } from './socket.js';

/** A Munsit {@link SpeechProvider}, with a few extras for inspection. */
export interface MunsitProvider extends SpeechProvider {
  readonly name: 'munsit';
  /** `connect()` resolves to a {@link MunsitConnection}. */
  connect(options: ConnectOptions): Promise<MunsitConnection>;
  /** The transport new connections use: `'http'` once the socket was found silent (or with `transport: 'http'`). */
  readonly activeTransport: 'websocket' | 'http';
}

/**
 * Creates a Munsit (Arabic) text-to-speech provider.
 *
 * @example
 * ```ts
 * import { speak } from '@utter/core';
 * import { munsit } from '@utter/munsit';
 * speak('مرحبا بكم', { provider: munsit({ voiceId: 'ar-najdi-female-1' }) }).subscribe(play);
 * ```
 *
 * @throws SpeechError `invalid-input` for a bad option. A missing key is reported by `connect()` (`auth`).
 */
export function munsit(options: MunsitOptions = {}): MunsitProvider {
  const resolved = resolveMunsitOptions(options, typeof process === 'undefined' ? {} : process.env);
  registerSecret(resolved.apiKey);
  const state: MunsitProviderState = { httpOnly: resolved.transport === 'http' };
  const capabilities: ProviderCapabilities = {
    textInput: 'incremental',
    segmentAcks: true,
    cancel: 'close',
    wordTimestamps: false,
    sampleRate: sampleRateOf(resolved.outputFormat),
    sampleRates: MUNSIT_OUTPUT_FORMATS.map(sampleRateOf),
    encodings: ['pcm16'],
  };
  return {
    name: 'munsit',
    capabilities,
    ...(resolved.apiKey ? { limiterKey: `munsit:${shortHash(resolved.apiKey)}` } : {}),
    get activeTransport() {
      return state.httpOnly ? 'http' : 'websocket';
    },
    async connect({ signal }: ConnectOptions): Promise<MunsitConnection> {
      if (!resolved.apiKey) throw missingKeyError();
      if (signal.aborted) throw new SpeechError('cancelled', 'munsit: connecting was cancelled.', { provider: 'munsit' });
      if (state.httpOnly) return new MunsitConnection(resolved, state, undefined);
      try {
        const socket = await openMunsitSocket(resolved, resolved.apiKey, signal);
        return new MunsitConnection(resolved, state, socket);
      } catch (error) {
        const speechError = SpeechError.from(error, 'connection', { provider: 'munsit' });
        // 'auto': a socket that cannot be reached at all is no reason to give up, HTTP may work.
        if (resolved.transport === 'auto' && speechError.code === 'connection' && !signal.aborted) {
          return new MunsitConnection(resolved, state, undefined);
        }
        throw speechError;
      }
    },
  };
}

/** Opens the socket, sends `initConnection` and waits for `connectionInitialized`. */
async function openMunsitSocket(options: ResolvedMunsitOptions, apiKey: string, signal: AbortSignal): Promise<WireSocket> {
  const query = options.authIn === 'query' ? `?x-api-key=${encodeURIComponent(apiKey)}` : '';
  const socket = await openWireSocket(`${options.wsBase}${WEBSOCKET_PATH}${query}`, { provider: 'munsit', signal });
  const init: InitConnectionMessage = {
    type: 'initConnection',
    model_id: options.modelId,
    voice_id: options.voiceId,
    output_format: options.outputFormat,
    ...(options.voiceSettings
      ? {
          voice_settings: {
            ...(options.voiceSettings.stability === undefined ? {} : { stability: options.voiceSettings.stability }),
            ...(options.voiceSettings.similarityBoost === undefined ? {} : { similarity_boost: options.voiceSettings.similarityBoost }),
            ...(options.voiceSettings.speed === undefined ? {} : { speed: options.voiceSettings.speed }),
          },
        }
      : {}),
    ...(options.authIn === 'message' ? { x_api_key: apiKey } : {}),
  };
  socket.send(JSON.stringify(init));
  return new Promise<WireSocket>((resolve, reject) => {
    let settled = false;
    const settle = (error?: SpeechError): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) {
        socket.close(1000, 'handshake failed');
        reject(error);
      } else {
        resolve(socket);
      }
    };
    const onAbort = (): void => settle(new SpeechError('cancelled', 'munsit: connecting was cancelled.', { provider: 'munsit' }));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.onClose((error) => settle(error ?? new SpeechError('connection', 'munsit: the connection closed during the handshake.', { provider: 'munsit' })));
    socket.onMessage((data) => {
      if (settled) return;
      if (typeof data !== 'string') {
        settle(new SpeechError('protocol', 'munsit: a binary frame arrived during the handshake.', { provider: 'munsit', retryable: true }));
        return;
      }
      try {
        const message = parseServerMessage(data);
        if (message.kind === 'initialized') settle();
        else if (message.kind === 'error') settle(errorFromMessage(message.message));
        else settle(new SpeechError('protocol', 'munsit: audio arrived before connectionInitialized.', { provider: 'munsit', retryable: true }));
      } catch (error) {
        settle(SpeechError.from(error, 'protocol', { provider: 'munsit' }));
      }
    });
  });
}

/** FNV-1a, 32 bit, hex: an opaque, secret-free account key for the limiter. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
