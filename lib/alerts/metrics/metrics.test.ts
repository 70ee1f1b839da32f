import { afterEach, beforeEach, expect, it } from "vitest";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { createHttpsTransport } from "@/lib/proxmox/transport";
import { countingClient, recordPollCost } from "@/lib/poller/request-count";
import { runPollCycle } from "@/lib/poller/run-cycle";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import { recordRequests, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { collectMetrics } from "./collect";
import { createMetricsToken, verifyMetricsToken } from "./tokens";

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, fx, cleanup } = await startSimulatedCluster()), 60_000);
afterEach(() => cleanup(), 60_000);

type Family = { name: string; type: string; metrics: { value: string; labels?: Record<string, string> }[] };

it("refuses a scrape without its token, and stores only the token's hash", async () => {
  const now = new Date();
  const { token } = await createMetricsToken(db, "prometheus", "admin@example.com");
  expect(await verifyMetricsToken(db, null, now)).toBe(false);
  expect(await verifyMetricsToken(db, "Bearer pvs_metrics_wrong", now)).toBe(false);
  expect(await verifyMetricsToken(db, `Basic ${token}`, now)).toBe(false);
  expect(await verifyMetricsToken(db, `Bearer ${token}`, now)).toBe(true);
  const row = await db.metricsToken.findFirstOrThrow();
  expect(row.tokenHash).not.toContain(token);
  expect(row.lastUsedAt).not.toBeNull();
});

it("exposes every job under prometheus-pve-exporter's names and labels, plus pve_standby_* series, in a format a Prometheus parser reads", { timeout: 90_000 }, async () => {
  const client = fx.client();
  const simNow = () => new Date(fx.sim.now() * 1000);
  for (let i = 0; i < 12; i++) {
    fx.sim.advance(600);
    await runPollCycle("demo", { db, client, now: simNow });
  }
  const { body, contentType } = await collectMetrics(db, simNow());
  expect(contentType).toContain("text/plain");
  const families = parsePrometheusTextFormat(body) as Family[];
  const family = (name: string) => families.find((f) => f.name === name);
  const jobs = await db.replicationJob.count({ where: { goneAt: null } });
  expect(family("pve_replication_info")?.metrics).toHaveLength(jobs);
  expect(family("pve_replication_info")?.metrics.find((m) => m.labels?.id === "100-0")?.labels).toEqual({ cluster: "demo", id: "100-0", type: "local", source: "node/pve1", target: "node/pve2", guest: "qemu/100" });
  for (const name of ["pve_replication_duration_seconds", "pve_replication_last_sync_timestamp_seconds", "pve_replication_last_try_timestamp_seconds", "pve_replication_next_sync_timestamp_seconds", "pve_replication_failed_syncs", "pve_standby_replication_lag_seconds", "pve_standby_replication_rpo_seconds", "pve_standby_replication_over_rpo", "pve_standby_replication_status", "pve_standby_replication_runs_total", "pve_standby_cluster_up"]) {
    expect(family(name), name).toBeDefined();
  }
  // The failing job (105-0, out of space on pve3) counts its failures as pvesr does.
  const row = await db.replicationJob.findUniqueOrThrow({ where: { clusterId_jobId: { clusterId: "demo", jobId: "105-0" } } });
  expect(Number(family("pve_replication_failed_syncs")?.metrics.find((m) => m.labels?.id === "105-0")?.value)).toBe(row.failCount);
  expect(row.failCount).toBeGreaterThan(0);
  const status = family("pve_standby_replication_status")?.metrics.filter((m) => m.labels?.id === "105-0" && m.value === "1");
  expect(status?.map((m) => m.labels?.status)).toEqual([row.status]);
  expect(family("pve_standby_cluster_up")?.metrics[0]).toMatchObject({ labels: { cluster: "demo" }, value: "1" });
  expect(family("pve_standby_replication_runs_total")?.type).toBe("COUNTER");
});

it("exposes the Proxmox requests of the last poll next to its duration, as counted at the client", { timeout: 60_000 }, async () => {
  // The HTTP requests the simulator was sent, seen below the client: with token auth and a
  // healthy cluster (no retries) each API call is one request.
  const recorder = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 1000 }));
  const counted = countingClient(fx.client({ transport: recorder.transport }));
  fx.sim.advance(600);
  const simNow = () => new Date(fx.sim.now() * 1000);
  expect((await runPollCycle("demo", { db, client: counted.client, now: simNow })).ok).toBe(true);
  expect(counted.requests()).toBe(recorder.log.length);
  await recordPollCost(db, "demo", { ms: 1234, requests: counted.requests() });

  const families = parsePrometheusTextFormat((await collectMetrics(db, simNow())).body) as Family[];
  const value = (name: string) => families.find((f) => f.name === name)?.metrics.find((m) => m.labels?.cluster === "demo")?.value;
  expect(families.find((f) => f.name === "pve_standby_poll_requests")?.type).toBe("GAUGE");
  expect(Number(value("pve_standby_poll_requests"))).toBe(recorder.log.length);
  expect(Number(value("pve_standby_poll_duration_seconds"))).toBe(1.234);
});
