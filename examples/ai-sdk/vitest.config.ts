import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'example-ai-sdk',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // eventsource-parser (used by the AI SDK) has a `source` export condition pointing at .ts files:
    // let Vite transform the AI SDK and it rather than Node.
    server: { deps: { inline: [/eventsource-parser/, /@ai-sdk\//, /\/ai@\d/] } },
  },
});
