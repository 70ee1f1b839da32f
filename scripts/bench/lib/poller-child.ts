// The poller process for the memory benchmark: polls one cluster whenever the parent says the
// simulated clock moved, and answers with its resident set. Nothing else runs in this process.
import { runPollCycle } from "@/lib/poller/run-cycle";
import { createProxmoxClient } from "@/lib/proxmox/client";
import { createBenchDb, createClusterRow } from "./cluster";

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
      (result) => process.send?.({ ok: result.ok, ms: performance.now() - t, rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed }),
      (error: unknown) => process.send?.({ ok: false, error: String(error) }),
    );
  });
  process.send?.({ ready: true });
}

void main();
