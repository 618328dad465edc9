import { defineConfig } from "vitest/config";

// End-to-end lane (`npm run test:e2e`): builds a real Debian image, boots it under qemu, scans it.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 40 * 60_000,
    hookTimeout: 40 * 60_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
  },
});
