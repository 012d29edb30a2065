/**
 * `stream-input`: one text stream per socket. The `" "` opener carries the settings, text follows as it
 * comes, and the reply ends with `""` (end of stream): ElevenLabs flushes, sends `isFinal` and closes the
 * socket. A socket therefore carries one reply (capabilities say `maxConnectionAgeMs: 0`, so the session
 * opens a fresh one per reply), and a reply is cancelled by closing the socket (`cancel: 'close'`).
 */
import { SpeechError, type ConnectionContext, type ConnectionHandlers } from '@utter/core/provider';
import { OutputStream } from './alignment.js';
import type { ResolvedElevenLabsOptions } from './options.js';
import { SingleClientMessage, errorFromMessage, type ServerMessage } from './protocol.js';

/** The handlers of one `stream-input` connection. */
export function singleStreamHandlers(ctx: ConnectionContext<ResolvedElevenLabsOptions>): ConnectionHandlers<ServerMessage> {
  const o = ctx.options;
  const output = new OutputStream(o.outputFormat, o.sampleRate);
  /** The reply this socket carries (the first one sent). */
  let reply: string | undefined;
  /** `""` was sent (or the stream was spoiled by a cancelled reply): no more text on this socket. */
  let ended = false;
  /** Every message is checked against the wire schema before it goes out. */
  const send = (message: SingleClientMessage): void => ctx.send(SingleClientMessage.parse(message));
  const spent = (utteranceId: string): void =>
    ctx.replyError(utteranceId, new SpeechError('connection', 'An ElevenLabs stream-input socket carries one reply; it needs a new connection.', { provider: 'elevenlabs' }));

  return {
    open() {
      send({ text: ' ', ...o.firstMessage, ...(o.auth === 'message' ? { 'xi-api-key': ctx.apiKey } : {}) } as SingleClientMessage);
      ctx.ready();
    },
    message(msg) {
      if (msg.kind === 'error') return ctx.fail(errorFromMessage(msg));
      if (reply === undefined) return ctx.protocolError('ElevenLabs sent output before any text.');
      const { words, pcm } = output.push(msg.audio, msg.alignment);
      for (const word of words) ctx.emit({ type: 'word', utteranceId: reply, word });
      ctx.emit({ type: 'audio', utteranceId: reply, pcm, sampleRate: o.sampleRate });
      if (!msg.isFinal) return;
      for (const word of output.end()) ctx.emit({ type: 'word', utteranceId: reply, word });
      if (!ended) return ctx.protocolError('ElevenLabs ended the stream before the end of input.');
      ctx.emit({ type: 'utterance-done', utteranceId: reply });
    },
    send({ utteranceId, segmentId, text }) {
      reply ??= utteranceId;
      if (utteranceId !== reply || ended) return spent(utteranceId);
      output.sent(segmentId, text);
      send({ text });
    },
    finish(utteranceId) {
      if (reply === undefined) return ctx.emit({ type: 'utterance-done', utteranceId }); // nothing said
      if (utteranceId !== reply || ended) return;
      ended = true;
      send({ text: '' });
    },
    cancel(utteranceId) {
      if (utteranceId === reply) ended = true; // the stream holds its text: this socket is done
    },
    keepAlive() {
      if (!ended) send({ text: ' ' });
    },
  };
}
