/**
 * The page: a chat transcript whose assistant turns are spoken by utter. Words are highlighted when
 * they are heard (the player fires them in the render quantum their audio plays); Stop or a new
 * question barges in, and the turn then shows exactly what was heard.
 */
import { connectSpeech, createSpeechPlayer, type InterruptedMessage, type SpeechClient, type SegmentMessage, type SpeechPlayer, type WordMessage } from '@utter/web';
import { Turn } from './turn.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;
const transcript = $<HTMLElement>('#transcript');
const input = $<HTMLInputElement>('#question');
const stopButton = $<HTMLButtonElement>('#stop');
const status = $<HTMLElement>('#status');

/** What tests read (window.voiceAgent). */
interface Probe {
  segments: SegmentMessage[];
  player: SpeechPlayer | undefined;
  client: SpeechClient | undefined;
  words: WordMessage[];
  heardWords: { word: WordMessage; contextTime: number }[];
  interrupted: InterruptedMessage[];
  stops: { clickTime: number; stopTime: number; utteranceId: string; playedMs: number }[];
  finished: string[];
  errors: string[];
}
const probe: Probe = { segments: [], player: undefined, client: undefined, words: [], heardWords: [], interrupted: [], stops: [], finished: [], errors: [] };
(window as unknown as { voiceAgent: Probe }).voiceAgent = probe;

const turns = new Map<string, Turn>();
let speaking: string | undefined;
let ready: Promise<{ player: SpeechPlayer; client: SpeechClient }> | undefined;

function setSpeaking(utteranceId: string | undefined): void {
  speaking = utteranceId;
  stopButton.disabled = utteranceId === undefined;
  status.textContent = utteranceId ? 'speaking…' : 'ready';
}

function turnOf(utteranceId: string): Turn {
  let turn = turns.get(utteranceId);
  if (!turn) {
    turn = new Turn(transcript, 'assistant');
    turns.set(utteranceId, turn);
  }
  return turn;
}

/** The player needs a user gesture in normal browsers: created on the first question. */
function start(): Promise<{ player: SpeechPlayer; client: SpeechClient }> {
  ready ??= (async () => {
    const player = await createSpeechPlayer({ record: true });
    await player.resume();
    const url = new URL('/speech', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const client = await connectSpeech(url, {
      player,
      onServerMessage: (message) => {
        if (message.type === 'segment') {
          probe.segments.push(message);
          turnOf(message.utteranceId).addText(message.start, message.text);
          if (speaking === undefined) setSpeaking(message.utteranceId);
        }
        if (message.type === 'word') probe.words.push(message);
      },
      onWord: (word, contextTime) => {
        probe.heardWords.push({ word, contextTime });
        turnOf(word.utteranceId).highlight(word);
      },
      onUtteranceEnd: (end) => {
        probe.finished.push(end.utteranceId);
        turnOf(end.utteranceId).finish();
        if (speaking === end.utteranceId) setSpeaking(undefined);
      },
      onInterrupted: (event) => {
        probe.interrupted.push(event);
        turnOf(event.utteranceId).interrupted(event);
        if (speaking === event.utteranceId) setSpeaking(undefined);
      },
      onError: (error) => {
        probe.errors.push(`${error.code}: ${error.message}`);
        status.textContent = `error: ${error.code}`;
      },
    });
    probe.player = player;
    probe.client = client;
    status.textContent = 'ready';
    return { player, client };
  })();
  return ready;
}

/** Barge-in: stop playback now, tell the server where, wait for nothing. */
async function bargeIn(): Promise<void> {
  const { player, client } = await start();
  const clickTime = player.context.currentTime;
  const { position } = await client.interrupt();
  if (position) probe.stops.push({ clickTime, stopTime: position.contextTime, utteranceId: position.utteranceId, playedMs: position.playedMs });
  setSpeaking(undefined);
}

$<HTMLFormElement>('#ask-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void (async () => {
    const { client } = await start();
    if (speaking !== undefined) await bargeIn();
    new Turn(transcript, 'user').setPlain(text);
    client.send({ type: 'ask', text });
    status.textContent = 'thinking…';
  })();
});

stopButton.addEventListener('click', () => void bargeIn());
status.textContent = 'ready';
