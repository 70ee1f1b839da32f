import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    environment: "node",
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["e2e/**", "node_modules/**"],
    setupFiles: ["./vitest.setup.ts"],
    // Integration tests open real HTTPS listeners and SQLite files; keep workers few on 2 cores.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
