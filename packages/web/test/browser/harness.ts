/** The test page's script: a player and a client, with everything they observe kept on `window.harness`. */
import { connectSpeech, createSpeechPlayer, playSpeechResponse, type InterruptedMessage, type SpeechClient, type SpeechPlayer } from '../../src/index.js';

interface Seen {
  words: { text: string; startMs: number; contextTime: number }[];
  segments: { segmentId: number; contextTime: number }[];
  ended: { utteranceId: string; contextTime: number }[];
  interrupted: InterruptedMessage[];
  errors: string[];
}

const seen: Seen = { words: [], segments: [], ended: [], interrupted: [], errors: [] };
let player: SpeechPlayer | undefined;
let client: SpeechClient | undefined;

const harness = {
  seen,
  async start(url: string, preRollMs: number): Promise<number> {
    client?.close();
    await player?.close();
    for (const list of [seen.words, seen.segments, seen.ended, seen.interrupted, seen.errors]) list.length = 0;
    player = await createSpeechPlayer({ record: true, preRollMs, reportIntervalMs: 20 });
    await player.resume();
    const p = player;
    client = await connectSpeech(url, {
      player: p,
      onWord: (word, contextTime) => seen.words.push({ text: word.text, startMs: word.startMs, contextTime }),
      onSegment: (segment, contextTime) => seen.segments.push({ segmentId: segment.segmentId, contextTime }),
      onUtteranceEnd: (end) => seen.ended.push({ utteranceId: end.utteranceId, contextTime: p.context.currentTime }),
      onInterrupted: (event) => seen.interrupted.push(event),
      onError: (error) => seen.errors.push(`${error.code}: ${error.message}`),
    });
    return p.context.sampleRate;
  },
  /** Plays `GET /speak` (a speech response) instead of the WebSocket. */
  async playHttp(): Promise<void> {
    const p = player as SpeechPlayer;
    const abort = new AbortController();
    client = await playSpeechResponse(fetch('/speak', { signal: abort.signal }), {
      player: p,
      abort,
      onWord: (word, contextTime) => seen.words.push({ text: word.text, startMs: word.startMs, contextTime }),
      onInterrupted: (event) => seen.interrupted.push(event),
      onError: (error) => seen.errors.push(`${error.code}: ${error.message}`),
    });
  },
  async interrupt() {
    const clickTime = (player as SpeechPlayer).context.currentTime;
    const { position, confirmed } = await (client as SpeechClient).interrupt();
    return { clickTime, position, confirmed: await confirmed };
  },
  stats: () => (player as SpeechPlayer).stats(),
};
(window as unknown as { harness: typeof harness }).harness = harness;
