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
    // Generous: the integration tests poll a simulated cluster dozens of times over HTTPS, and a
    // shared 2-core machine under load ran them 5x slower than idle (run-cycle's 90 polls took
    // over 20 s). A timeout is for a test that hangs, not a speed target (those are in npm run bench).
    testTimeout: 60_000,
  },
});
