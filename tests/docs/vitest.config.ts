import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@utter/source'] },
  ssr: { resolve: { conditions: ['@utter/source'] } },
  test: { name: '@utter/docs-snippets', include: ['*.test.ts'], testTimeout: 120_000, hookTimeout: 240_000 },
});
