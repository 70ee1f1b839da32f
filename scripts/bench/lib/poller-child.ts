// The poller process for the memory benchmark: polls one cluster whenever the parent says the
// simulated clock moved, and answers with its resident set before and after a forced GC.
// Nothing else runs in this process.
import { runPollCycle } from "@/lib/poller/run-cycle";
import { createProxmoxClient } from "@/lib/proxmox/client";
import { createBenchDb, createClusterRow } from "./cluster";

/** Idle time after the forced GC before the resident set is read (the poller idles most of its interval). */
const SETTLE_MS = Number(process.env.BENCH_MEMORY_SETTLE_MS ?? 1000);

/** BENCH_MEMORY_GC=0: no forced GC, so the idle reading shows what V8 alone gives back (its memory reducer runs after ~8 s idle). */
const FORCE_GC = process.env.BENCH_MEMORY_GC !== "0";

type Setup = { endpoints: { port: number; fingerprint: string }[]; tokenId: string; secret: string };

async function main() {
  const setup = JSON.parse(process.env.BENCH_POLLER_SETUP ?? "{}") as Setup;
  const bench = createBenchDb();
  await createClusterRow(bench.db, "large", setup.tokenId);
  const client = createProxmoxClient({
    endpoints: setup.endpoints.map((e) => ({ host: "127.0.0.1", port: e.port })),
    auth: { kind: "token", tokenId: setup.tokenId, secret: setup.secret },
    trust: { kind: "fingerprint", sha256: setup.endpoints.map((e) => e.fingerprint) },
    timeouts: { requestMs: 60_000 },
  });
  process.on("message", (message: { now?: number; stop?: boolean }) => {
    if (message.stop) {
      client.close();
      void bench.close().then(() => process.exit(0));
      return;
    }
    const now = () => new Date((message.now ?? 0) * 1000);
    const t = performance.now();
    void runPollCycle("large", { db: bench.db, client, now }).then(
      (result) => {
        const ms = performance.now() - t;
        const rss = process.memoryUsage().rss;
        // With --expose-gc: what the process still holds once garbage is collected (a leak), apart from what a cycle happened to leave.
        if (FORCE_GC) (globalThis as { gc?: () => void }).gc?.();
        const rssAtGc = process.memoryUsage().rss;
        // The GC frees pages at once but V8's unmapper returns them to the system on a background
        // thread a little later; between cycles the poller idles for most of its interval, so the
        // resident set it holds is the one read once that has happened.
        setTimeout(() => {
          const after = process.memoryUsage();
          process.send?.({ ok: result.ok, ms, rss, rssAtGc, rssAfterGc: after.rss, heapAfterGc: after.heapUsed, heapTotal: after.heapTotal });
        }, SETTLE_MS);
      },
      (error: unknown) => process.send?.({ ok: false, error: String(error) }),
    );
  });
  process.send?.({ ready: true });
}

void main();
