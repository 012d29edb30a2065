import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: '@utter/ai-sdk',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // eventsource-parser (a dependency of the AI SDK) publishes a `source` export condition that points
    // at its TypeScript sources; let Vite transform it instead of handing `.ts` files to Node.
    server: { deps: { inline: [/eventsource-parser/, /@ai-sdk\//, /\/ai@\d/] } },
  },
});
