import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@utter/source'] },
  ssr: { resolve: { conditions: ['@utter/source'] } },
  test: {
    name: '@utter/web',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tests need Debian's chromium: installed when missing (as root), else a loud failure.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
