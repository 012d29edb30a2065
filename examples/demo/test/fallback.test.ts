/**
 * fallback() across providers, each against its protocol test server: ElevenLabs, then Cartesia,
 * then the embedded engine. A reply that fails mid-way continues on the next provider at the first
 * word not yet heard, resampled to the first provider's rate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { fallback, speak, type SpeechEvent, type UtteranceEndEvent } from '@utter/core';
import { cartesia } from '@utter/cartesia';
import { elevenlabs } from '@utter/elevenlabs';
import { espeak } from '@utter/espeak';
import { createCartesiaServer, createElevenLabsServer, type TestServer } from '@utter/testing';

const TEXT = 'Fallback keeps the voice going. The first provider drops in the middle of this sentence, and the next one takes over. That is the end.';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function run(provider: ReturnType<typeof fallback>): Promise<SpeechEvent[]> {
  return lastValueFrom(speak(TEXT, { provider, retry: { maxRetries: 0 }, timeouts: { handshakeMs: 2_000, firstAudioMs: 3_000 } }).pipe(toArray()));
}

describe('fallback([elevenlabs, cartesia, espeak])', () => {
  it('continues a reply that ElevenLabs dropped mid-sentence on Cartesia, at the first unheard word', async () => {
    // 70 chunks of 40 ms at 60 ms per character: about 47 characters in, inside the second sentence.
    const eleven = await createElevenLabsServer({ faults: { dropAfterChunks: 70 } });
    const carte = await createCartesiaServer();
    servers.push(eleven, carte);
    const provider = fallback([
      elevenlabs({ apiKey: eleven.apiKey, baseUrl: eleven.baseUrl, voiceId: eleven.voiceId, outputFormat: 'pcm_16000' }),
      cartesia({ apiKey: carte.apiKey, baseUrl: carte.baseUrl, sampleRate: 24_000 }),
      espeak(),
    ]);
    const events = await run(provider);
    const end = events.at(-1) as UtteranceEndEvent;
    expect(end.type).toBe('utterance-end');
    expect(end.metrics.provider).toBe('cartesia');
    expect(end.metrics.retries).toBe(1);
    // every audio event at the first provider's rate
    expect(new Set(events.flatMap((e) => (e.type === 'audio' ? [e.sampleRate] : [])))).toEqual(new Set([16_000]));
    expect(eleven.generations.some((g) => g.status === 'dropped')).toBe(true);
    // Cartesia was given the rest of the cut sentence from a word, not the whole sentence again
    const segments = events.flatMap((e) => (e.type === 'segment' ? [e] : []));
    expect(segments.map((s) => s.text).join('')).toBe(TEXT);
    const resumed = carte.generations[0]?.text ?? '';
    const cut = segments.find((s) => s.speakable.endsWith(resumed) && s.speakable !== resumed);
    expect(cut, `"${resumed}" should be the end of a segment`).toBeDefined();
    const at = (cut?.speakable.length ?? 0) - resumed.length;
    expect(cut?.speakable[at - 1]).toMatch(/\s/);
    expect(resumed.length).toBeGreaterThan(0);
  });

  it('falls through a refused ElevenLabs and a refused Cartesia to the embedded engine', async () => {
    const eleven = await createElevenLabsServer({ faults: { upgradeStatus: 503 } });
    const carte = await createCartesiaServer({ faults: { upgradeStatus: 503 } });
    servers.push(eleven, carte);
    const provider = fallback([
      elevenlabs({ apiKey: eleven.apiKey, baseUrl: eleven.baseUrl, voiceId: eleven.voiceId, outputFormat: 'pcm_22050' }),
      cartesia({ apiKey: carte.apiKey, baseUrl: carte.baseUrl }),
      espeak(),
    ]);
    const events = await run(provider);
    const end = events.at(-1) as UtteranceEndEvent;
    expect(end.type).toBe('utterance-end');
    expect(end.metrics.provider).toBe('espeak');
    expect(end.metrics.audioDurationMs).toBeGreaterThan(3_000);
    expect(eleven.generations).toEqual([]);
    expect(carte.generations).toEqual([]);
  });
});
