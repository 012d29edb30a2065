import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'packages/providers/*', 'examples/*'],
    testTimeout: 20_000,
  },
});
