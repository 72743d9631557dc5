import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn CLIs and servers; two cores, so keep the pool small.
    pool: "forks",
    maxWorkers: 2,
  },
});
