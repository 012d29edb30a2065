import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@utter/source'] },
  ssr: { resolve: { conditions: ['@utter/source'] } },
  test: {
    name: '@utter/redis',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A real redis-server: installed when missing (as root, Debian), else a one-line failure.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
