import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real sockets and sharp encodes: a little headroom on a shared 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // `.only` in CI is a defect: fail the run instead of silently narrowing it.
    allowOnly: !process.env.CI,
  },
});
