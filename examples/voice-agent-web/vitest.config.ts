import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@utter/source'] },
  ssr: { resolve: { conditions: ['@utter/source'] } },
  test: {
    name: 'example-voice-agent-web',
    include: ['test/**/*.test.ts'],
    // Installs Debian's chromium when it is missing (as root), else fails with the one-line command.
    globalSetup: ['../../packages/web/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
