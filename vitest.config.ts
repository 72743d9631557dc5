import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    // Set-up hooks start servers and Chromium: bounds for a loaded machine, not timing checks.
    hookTimeout: 90_000,
    // End-to-end tests spawn CLIs and servers; two cores, so keep the pool small.
    pool: "forks",
    maxWorkers: 2,
  },
});
