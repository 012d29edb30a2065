import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: '@utter/murmr', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
