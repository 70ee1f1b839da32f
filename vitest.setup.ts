import fc from "fast-check";
import { vi } from "vitest";

// "server-only" throws outside a React Server Component bundle; unit tests import server modules directly.
vi.mock("server-only", () => ({}));

// Property tests explore new random cases on every local run (a failure prints its seed); CI
// replays one fixed seed so a landing never depends on luck. FC_SEED reproduces any run.
const seed = process.env.FC_SEED ?? (process.env.CI ? "20261126" : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
