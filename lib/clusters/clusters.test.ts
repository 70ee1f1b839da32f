import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "@/lib/auth/users";
import { openSecret } from "@/lib/crypto/secret-box";
import { getVersion } from "@/lib/proxmox/cluster";
import { testConnection } from "@/lib/proxmox/connection-test";
import { startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { addCluster, deleteCluster, setClusterEnabled, updateCluster } from "./clusters";
import { buildClientForCluster, probeEndpoints } from "./connection";
import { listClustersForUi } from "./queries";
import { createClusterSchema, formatEndpoint, updateClusterSchema } from "./schemas";

const encryptionKey = crypto.randomBytes(32);
let sim: SimulatorFixture;
let db: PrismaClient;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  sim = await startSimulatorFixture();
});
afterAll(() => sim.close());
beforeEach(() => ({ db, cleanup } = createTestDb()));
afterEach(() => cleanup());

/** The wizard's form as the admin would submit it, confirming only the first node's certificate. */
function form(overrides: Record<string, unknown> = {}) {
  return createClusterSchema.parse({
    name: "Main DC",
    endpoints: sim.sim.nodeNames.map((n) => formatEndpoint(sim.endpoint(n))).join("\n"),
    authKind: "token",
    principal: sim.sim.credentials.tokenId,
    secret: sim.sim.credentials.tokenSecret,
    trustKind: "fingerprint",
    fingerprints: [sim.pins[0]!.toLowerCase()],
    ...overrides,
  });
}

describe("adding a cluster", () => {
  it("seals the secret, pins every node and builds a working client from the row", async () => {
    const { cluster, report } = await addCluster(db, form(), { encryptionKey });
    expect(report.nodes.map((n) => n.name)).toEqual(sim.sim.nodeNames);

    const row = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(row.secretSealed).not.toContain(sim.sim.credentials.tokenSecret);
    expect(row.secretSealed).not.toContain(sim.sim.credentials.tokenSecret.slice(0, 8));
    expect(openSecret(encryptionKey, row.secretSealed, `cluster:${row.id}`)).toBe(sim.sim.credentials.tokenSecret);
    expect(() => openSecret(encryptionKey, row.secretSealed, "cluster:other")).toThrow();
    // The admin confirmed one node; the others came from /nodes over the pinned connection.
    expect(new Set(JSON.parse(row.trustValue))).toEqual(new Set(sim.pins));
    expect(await db.clusterNode.count({ where: { clusterId: row.id } })).toBe(sim.sim.nodeNames.length);

    // Every node is reachable with the stored pins, also the ones not confirmed by hand.
    for (const node of sim.sim.nodeNames.toReversed()) {
      const client = buildClientForCluster({ ...row, endpoints: JSON.stringify([sim.endpoint(node)]) }, { encryptionKey });
      try {
        expect((await getVersion(client)).data.version).toMatch(/^\d/);
      } finally {
        client.close();
      }
    }
    const client = buildClientForCluster(row, { encryptionKey });
    const again = await testConnection(client).finally(() => client.close());
    expect(again.features.every((f) => f.status === "ok")).toBe(true);
  });

  it("refuses a wrong pin and stores nothing", async () => {
    const wrong = crypto.createHash("sha256").update("not the node").digest("hex");
    const error = await addCluster(db, form({ fingerprints: [wrong] }), { encryptionKey }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/not the pinned one/);
    expect((error as Error).message).toContain(sim.pins[0]);
    expect(await db.cluster.count()).toBe(0);
  });

  it("refuses a wrong token secret and never echoes the secret", async () => {
    const error = await addCluster(db, form({ secret: "wrong-secret-123" }), { encryptionKey }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/refused the credentials/);
    expect((error as Error).message).not.toContain("wrong-secret-123");
    expect(await db.cluster.count()).toBe(0);
  });

  it("accepts the cluster CA instead of fingerprints, and user + password", async () => {
    const { cluster } = await addCluster(
      db,
      form({ authKind: "ticket", principal: "root@pam", secret: sim.sim.credentials.rootPassword, trustKind: "ca", caPem: sim.servers.caCert, fingerprints: undefined }),
      { encryptionKey },
    );
    const row = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(row).toMatchObject({ authKind: "ticket", principal: "root@pam", trustKind: "ca" });
    const client = buildClientForCluster(row, { encryptionKey });
    expect((await getVersion(client).finally(() => client.close())).data.version).toBeTruthy();
  });

  it("refuses a duplicate name", async () => {
    await addCluster(db, form(), { encryptionKey });
    await expect(addCluster(db, form(), { encryptionKey })).rejects.toThrow(/already exists/);
  });

  it("probes certificates without credentials", async () => {
    const [result] = await probeEndpoints([sim.endpoint(sim.sim.nodeNames[0]!)]);
    expect(result).toMatchObject({ ok: true, certificate: { fingerprint256: sim.pins[0], expired: false } });
  });
});

describe("editing", () => {
  it("saves a name-only change without testing, and refuses a connection change that fails", async () => {
    const { cluster } = await addCluster(db, form(), { encryptionKey });
    const base = { name: "Renamed", endpoints: (JSON.parse(cluster.endpoints) as { host: string; port: number }[]).map(formatEndpoint).join(","), authKind: "token", principal: cluster.principal, trustKind: "fingerprint" };
    const renamed = await updateCluster(db, cluster.id, updateClusterSchema.parse(base), { encryptionKey });
    expect(renamed).toMatchObject({ tested: false, after: { name: "Renamed", secretSealed: cluster.secretSealed } });

    // A new pin needs the secret entered again (lib/clusters/credentials.security.test.ts).
    const wrongPin = updateClusterSchema.parse({ ...base, secret: sim.sim.credentials.tokenSecret, fingerprints: ["AA".repeat(32)] });
    await expect(updateCluster(db, cluster.id, wrongPin, { encryptionKey })).rejects.toThrow(/not the pinned one/);
    const unchanged = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(unchanged.trustValue).toBe(cluster.trustValue);

    // Switching to the auditor token with the stored pins re-tests and re-seals.
    const auditor = updateClusterSchema.parse({ ...base, principal: sim.sim.credentials.auditorTokenId, secret: sim.sim.credentials.auditorTokenSecret });
    const switched = await updateCluster(db, cluster.id, auditor, { encryptionKey });
    expect(switched.tested).toBe(true);
    expect(switched.report?.features.find((f) => f.feature === "manageJobs")?.status).toBe("missing");
    expect(openSecret(encryptionKey, switched.after.secretSealed, `cluster:${cluster.id}`)).toBe(sim.sim.credentials.auditorTokenSecret);
  });
});

describe("removing", () => {
  async function clusterWithHistory() {
    const { cluster } = await addCluster(db, form(), { encryptionKey });
    const job = await db.replicationJob.create({
      data: { clusterId: cluster.id, jobId: "100-0", vmid: 100, jobnum: 0, target: "pve2", schedule: "*/15", status: "ok" },
    });
    await db.jobRun.create({ data: { jobRowId: job.id, startedAt: 1_700_000_000, outcome: "ok", kind: "incremental" } });
    return cluster;
  }

  it("keeps history: disabled, credential wiped, jobs and runs still readable", async () => {
    const cluster = await clusterWithHistory();
    expect(await deleteCluster(db, cluster.id, { keepHistory: true })).toMatchObject({ jobs: 1 });
    const row = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(row).toMatchObject({ enabled: false, secretSealed: "" });
    expect(await db.jobRun.count()).toBe(1);
    expect(() => buildClientForCluster(row, { encryptionKey })).toThrow(/removed/);
    await expect(setClusterEnabled(db, cluster.id, true)).rejects.toThrow(/no credentials/);

    const [view] = await listClustersForUi(db);
    expect(view).toMatchObject({ removed: true, enabled: false, jobCount: 1 });
    expect(JSON.stringify(view)).not.toContain("secretSealed");
    await expect(addCluster(db, form(), { encryptionKey })).rejects.toThrow(/removed cluster/);
  });

  it("deletes history with the cluster when asked", async () => {
    const cluster = await clusterWithHistory();
    await deleteCluster(db, cluster.id, { keepHistory: false });
    expect(await db.cluster.count()).toBe(0);
    expect(await db.replicationJob.count()).toBe(0);
    expect(await db.jobRun.count()).toBe(0);
    expect(await db.clusterNode.count()).toBe(0);
  });

  it("disables and enables a live cluster", async () => {
    const { cluster } = await addCluster(db, form(), { encryptionKey });
    expect((await setClusterEnabled(db, cluster.id, false)).after.enabled).toBe(false);
    expect((await setClusterEnabled(db, cluster.id, true)).after.enabled).toBe(true);
  });
});

describe("a changed encryption key", () => {
  it("asks for the secret again instead of failing obscurely", async () => {
    const { cluster } = await addCluster(db, form(), { encryptionKey });
    const otherKey = crypto.randomBytes(32);
    expect(() => buildClientForCluster(cluster, { encryptionKey: otherKey })).toThrow(/cannot be decrypted/);
    const edit = updateClusterSchema.parse({ name: "Main DC", endpoints: "127.0.0.1:1", authKind: "token", principal: cluster.principal, trustKind: "fingerprint" });
    await expect(updateCluster(db, cluster.id, edit, { encryptionKey: otherKey })).rejects.toThrow(/Enter the secret again/);
  });
});
