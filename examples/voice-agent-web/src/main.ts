/**
 * The browser voice agent: type a question, a simulated LLM (AI SDK `streamText`, mock model)
 * answers, utter speaks it in the page while the words light up as they are heard; type again or
 * press Stop to barge in. Offline and keyless on the embedded engine.
 *
 *   pnpm --filter @utter/example-voice-agent-web start [-- --port 3000] [--provider murf] [--voice en-gb]
 */
import { parseArgs } from 'node:util';
import { SpeechError } from '@utter/core';
import { loadProvider, PROVIDER_NAMES } from './providers.js';
import { startServer } from './server.js';

const { values } = parseArgs({
  // `pnpm start -- --port 8080` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    port: { type: 'string', default: process.env['PORT'] ?? '3000' },
    provider: { type: 'string', default: 'espeak' },
    voice: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(`Usage: pnpm start [-- --port N] [--provider ${PROVIDER_NAMES.join('|')}] [--voice NAME]`);
  process.exit(0);
}

try {
  const provider = await loadProvider(values.provider, values.voice);
  await provider.warmup?.();
  const server = await startServer({ provider, port: Number(values.port) });
  console.log(`Voice agent on ${server.url} (speech: ${values.provider === 'espeak' ? 'eSpeak NG, embedded and offline' : values.provider})`);
  console.log('Open it, type a question, press Enter. Type again or press Stop to barge in. Ctrl-C quits.');
  process.once('SIGINT', () => {
    void server.close().then(() => provider.close?.());
  });
} catch (error) {
  console.error(error instanceof SpeechError ? `error (${error.code}): ${error.message}` : error);
  process.exitCode = 1;
}
