/** The providers the demo can use, loaded on demand so the default path loads only eSpeak. */
import { SpeechError, type SpeechProvider } from '@utter/core';

/** Provider names accepted by `--provider`. */
export const PROVIDER_NAMES: readonly string[] = ['espeak', 'murmr', 'murf', 'munsit', 'upliftai', 'elevenlabs', 'cartesia', 'deepgram', 'openai'];

/** Options the demo passes to every keyed adapter. */
interface CommonOptions {
  readonly baseUrl?: string;
}

interface KeyedAdapter {
  readonly apiKeyEnv: string;
  readonly create: (voice: string | undefined, common: CommonOptions) => SpeechProvider;
}

async function keyed(name: string): Promise<KeyedAdapter> {
  switch (name) {
    case 'murmr': {
      const m = await import('@utter/murmr');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.murmr({ ...common, ...(voice ? { voiceDescription: voice } : {}) }) };
    }
    case 'murf': {
      const m = await import('@utter/murf');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.murf({ ...common, ...(voice ? { voiceId: voice } : {}) }) };
    }
    case 'munsit': {
      const m = await import('@utter/munsit');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.munsit({ ...common, ...(voice ? { voiceId: voice } : {}) }) };
    }
    case 'upliftai': {
      const m = await import('@utter/upliftai');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.upliftai({ ...common, ...(voice ? { voiceId: voice } : {}) }) };
    }
    case 'elevenlabs': {
      const m = await import('@utter/elevenlabs');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.elevenlabs({ ...common, ...(voice ? { voiceId: voice } : {}) }) };
    }
    case 'cartesia': {
      const m = await import('@utter/cartesia');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.cartesia({ ...common, ...(voice ? { voice } : {}) }) };
    }
    case 'deepgram': {
      const m = await import('@utter/deepgram');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.deepgram({ ...common, ...(voice ? { model: voice } : {}) }) };
    }
    case 'openai': {
      const m = await import('@utter/openai');
      return { apiKeyEnv: m.apiKeyEnv, create: (voice, common) => m.openai({ ...common, ...(voice ? { voice } : {}) }) };
    }
    default:
      throw new SpeechError('invalid-input', `Unknown provider "${name}".`);
  }
}

/** Creates the named provider; for keyed providers, fails clearly when the key variable is unset. */
export async function loadProvider(name: string, voice: string | undefined, baseUrl?: string): Promise<SpeechProvider> {
  if (name === 'espeak') {
    const { espeak } = await import('@utter/espeak');
    return espeak(voice ? { voice } : {});
  }
  const adapter = await keyed(name);
  if (!process.env[adapter.apiKeyEnv]) {
    throw new SpeechError('auth', `The ${name} provider needs an API key: set the ${adapter.apiKeyEnv} environment variable.`, {
      provider: name,
    });
  }
  return adapter.create(voice, baseUrl === undefined ? {} : { baseUrl });
}
