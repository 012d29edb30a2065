/**
 * The speech provider: eSpeak NG (embedded, offline) by default; a real service is one flag
 * (`--provider murf`, with its key in the environment).
 */
import { SpeechError, type SpeechProvider } from '@utter/core';

/** Provider names accepted by `--provider`. */
export const PROVIDER_NAMES: readonly string[] = ['espeak', 'murmr', 'murf', 'munsit', 'upliftai'];

async function keyed(name: string): Promise<{ readonly apiKeyEnv: string; readonly create: () => SpeechProvider }> {
  switch (name) {
    case 'murmr': {
      const m = await import('@utter/murmr');
      return { apiKeyEnv: m.apiKeyEnv, create: () => m.murmr() };
    }
    case 'murf': {
      const m = await import('@utter/murf');
      return { apiKeyEnv: m.apiKeyEnv, create: () => m.murf() };
    }
    case 'munsit': {
      const m = await import('@utter/munsit');
      return { apiKeyEnv: m.apiKeyEnv, create: () => m.munsit() };
    }
    case 'upliftai': {
      const m = await import('@utter/upliftai');
      return { apiKeyEnv: m.apiKeyEnv, create: () => m.upliftai() };
    }
    default:
      throw new SpeechError('invalid-input', `Unknown provider "${name}". Choose one of: ${PROVIDER_NAMES.join(', ')}.`, { retryable: false });
  }
}

/** Creates the named provider; a keyed one fails clearly when its key variable is unset. */
export async function loadProvider(name = 'espeak', voice?: string): Promise<SpeechProvider> {
  if (name === 'espeak') {
    const { espeak } = await import('@utter/espeak');
    return espeak(voice ? { voice } : {});
  }
  const adapter = await keyed(name);
  if (!process.env[adapter.apiKeyEnv]) {
    throw new SpeechError('auth', `The ${name} provider needs an API key: set ${adapter.apiKeyEnv}.`, { provider: name, retryable: false });
  }
  return adapter.create();
}
