import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@utter/source'] },
  ssr: { resolve: { conditions: ['@utter/source'] } },
  test: { name: '@utter/deepgram', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
