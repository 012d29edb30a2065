import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@utter/source'] },
  ssr: { resolve: { conditions: ['@utter/source'] } },
  test: { name: 'example-langchain-agent', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
