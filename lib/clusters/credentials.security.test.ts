// The stored Proxmox secret is only ever sent to the stored endpoints with the stored trust:
// an edit or a connection test that changes addresses, pins or CA must carry the secret again.
import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulatorFixture, type SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { addCluster, updateCluster } from "./clusters";
import { resolveConnectionSpec } from "./connection";
import { createClusterSchema, formatEndpoint, testClusterSchema, updateClusterSchema } from "./schemas";

const encryptionKey = crypto.randomBytes(32);
let real: SimulatorFixture;
// The host an admin (or whoever holds an admin session) would like the secret sent to. It
// accepts the same token, so sending the secret there would "work" and be saved.
let rogue: SimulatorFixture;
let db: PrismaClient;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  real = await startSimulatorFixture();
  rogue = await startSimulatorFixture({ credentials: { tokenId: real.sim.credentials.tokenId, tokenSecret: real.sim.credentials.tokenSecret } });
});
afterAll(async () => {
  await real.close();
  await rogue.close();
});
beforeEach(() => ({ db, cleanup } = createTestDb()));
afterEach(() => cleanup());

const endpointsOf = (fx: SimulatorFixture) => fx.sim.nodeNames.map((n) => formatEndpoint(fx.endpoint(n))).join("\n");

async function storedCluster() {
  const { cluster } = await addCluster(
    db,
    createClusterSchema.parse({
      name: "Main DC",
      endpoints: endpointsOf(real),
      authKind: "token",
      principal: real.sim.credentials.tokenId,
      secret: real.sim.credentials.tokenSecret,
      trustKind: "fingerprint",
      fingerprints: [real.pins[0]!],
    }),
    { encryptionKey },
  );
  return cluster;
}

const base = (cluster: { principal: string }) => ({ name: "Main DC", authKind: "token", principal: cluster.principal, trustKind: "fingerprint" });

describe("the stored secret", () => {
  it("is not sent to a second simulator by an edit that changes the addresses and pins", async () => {
    const cluster = await storedCluster();
    const redirect = updateClusterSchema.parse({ ...base(cluster), endpoints: endpointsOf(rogue), fingerprints: rogue.pins });
    await expect(updateCluster(db, cluster.id, redirect, { encryptionKey })).rejects.toThrow(/needs the token secret entered again/);
    const row = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(row.endpoints).toBe(cluster.endpoints);
    expect(row.trustValue).toBe(cluster.trustValue);
  });

  it("is not sent to another address by the connection test, even with the stored pins", async () => {
    const cluster = await storedCluster();
    const moved = testClusterSchema.parse({ ...base(cluster), clusterId: cluster.id, endpoints: formatEndpoint(rogue.endpoint(rogue.sim.nodeNames[0]!)) });
    expect(() => resolveConnectionSpec(moved, cluster, encryptionKey)).toThrow(/entered again/);
  });

  it("is not sent with a new pin or a CA to the stored addresses either", async () => {
    const cluster = await storedCluster();
    const newPin = testClusterSchema.parse({ ...base(cluster), clusterId: cluster.id, endpoints: endpointsOf(real), fingerprints: [rogue.pins[0]!] });
    expect(() => resolveConnectionSpec(newPin, cluster, encryptionKey)).toThrow(/entered again/);
    const ca = testClusterSchema.parse({ ...base(cluster), clusterId: cluster.id, endpoints: endpointsOf(real), trustKind: "ca", caPem: rogue.servers.caCert });
    expect(() => resolveConnectionSpec(ca, cluster, encryptionKey)).toThrow(/entered again/);
  });

  it("is still used for the stored addresses with the stored (or narrower) trust", async () => {
    const cluster = await storedCluster();
    const same = testClusterSchema.parse({ ...base(cluster), clusterId: cluster.id, endpoints: endpointsOf(real).split("\n").reverse().join("\n") });
    expect(resolveConnectionSpec(same, cluster, encryptionKey).auth).toMatchObject({ secret: real.sim.credentials.tokenSecret });
    const narrower = testClusterSchema.parse({ ...base(cluster), clusterId: cluster.id, endpoints: endpointsOf(real), fingerprints: [real.pins[1]!] });
    expect(resolveConnectionSpec(narrower, cluster, encryptionKey).trust).toEqual({ kind: "fingerprint", sha256: [real.pins[1]] });
  });

  it("may move to new addresses when the admin enters the secret again", async () => {
    const cluster = await storedCluster();
    const moved = updateClusterSchema.parse({ ...base(cluster), endpoints: endpointsOf(rogue), fingerprints: [rogue.pins[0]!], secret: real.sim.credentials.tokenSecret });
    const { after } = await updateCluster(db, cluster.id, moved, { encryptionKey });
    expect(after.endpoints).toContain(String(rogue.endpoint(rogue.sim.nodeNames[0]!).port));
  });
});
