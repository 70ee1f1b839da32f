import crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClusterRow } from "@/lib/testing/cluster-row";
import { createTestDb } from "@/lib/testing/test-db";
import type { PrismaClient } from "@/prisma/generated/client";
import { deleteRecoveryCredential, getRecoveryCredentialView, openRecoverySecret, setRecoveryCredential, trustOfferedHostKey } from "./recovery-credential";
import { recoveryCredentialInputSchema } from "./recovery-schemas";

let db: PrismaClient;
let cleanup: () => Promise<void>;
const key = crypto.randomBytes(32);
const input = (v: Record<string, unknown>) => recoveryCredentialInputSchema.parse(v);

beforeEach(async () => {
  ({ db, cleanup } = createTestDb());
  await createClusterRow(db, "c1");
  await db.clusterNode.createMany({ data: [{ clusterId: "c1", name: "pve1", online: true, ip: "10.0.0.1" }, { clusterId: "c1", name: "pve2", online: false, ip: "10.0.0.2" }] });
});
afterEach(() => cleanup());

describe("the recovery credential", () => {
  it("seals the secret to the cluster, never returns it, and keeps it when the form leaves it blank", async () => {
    await setRecoveryCredential(db, "c1", input({ authKind: "password", password: "s3cret-root", nodeAddresses: { pve2: "127.0.0.1:10022" } }), "ada@example.com", key);
    const row = await db.recoveryCredential.findUniqueOrThrow({ where: { clusterId: "c1" } });
    expect(row.secretSealed).not.toContain("s3cret-root");
    expect(openRecoverySecret(key, row)).toEqual({ password: "s3cret-root" });
    // A sealed secret copied onto another cluster does not open.
    expect(() => openRecoverySecret(key, { ...row, clusterId: "c2" })).toThrow(/cannot be decrypted/);

    const view = await getRecoveryCredentialView(db, "c1");
    expect(JSON.stringify(view)).not.toContain("s3cret");
    expect(view).toMatchObject({ configured: true, username: "root", port: 22, authKind: "password", updatedByLabel: "ada@example.com" });
    expect(view.nodes).toEqual([
      expect.objectContaining({ node: "pve1", reportedAddress: "10.0.0.1", ssh: { host: "10.0.0.1", port: 22, overridden: false }, hostKey: null }),
      expect.objectContaining({ node: "pve2", ssh: { host: "127.0.0.1", port: 10022, overridden: true } }),
    ]);

    await setRecoveryCredential(db, "c1", input({ authKind: "password", port: 2222 }), "bob@example.com", key);
    expect(openRecoverySecret(key, await db.recoveryCredential.findUniqueOrThrow({ where: { clusterId: "c1" } }))).toEqual({ password: "s3cret-root" });
    await expect(setRecoveryCredential(db, "c1", input({ authKind: "key" }), "bob@example.com", key)).rejects.toThrow(/Paste the private key/);
    await deleteRecoveryCredential(db, "c1");
    expect((await getRecoveryCredentialView(db, "c1")).configured).toBe(false);
  });

  it("refuses bad input with a clear message", () => {
    expect(recoveryCredentialInputSchema.safeParse({ authKind: "key", privateKey: "not a key" }).error?.issues[0]?.message).toMatch(/private key/);
    expect(recoveryCredentialInputSchema.safeParse({ authKind: "password", nodeAddresses: { pve1: "bad host!" } }).success).toBe(false);
    expect(recoveryCredentialInputSchema.safeParse({ authKind: "password", port: 70000 }).success).toBe(false);
  });

  it("trusts only the exact host key a node offered", async () => {
    const pinned = `SHA256:${"A".repeat(43)}`;
    const offered = `SHA256:${"B".repeat(43)}`;
    await db.nodeHostKey.create({ data: { clusterId: "c1", node: "pve1", fingerprint: pinned, pinnedAt: new Date(), offeredFingerprint: offered, offeredAt: new Date() } });
    await expect(trustOfferedHostKey(db, "c1", "pve1", `SHA256:${"C".repeat(43)}`, new Date())).rejects.toThrow(/now presents/);
    expect(await trustOfferedHostKey(db, "c1", "pve1", offered, new Date())).toEqual({ before: pinned, after: offered });
    expect(await db.nodeHostKey.findUniqueOrThrow({ where: { clusterId_node: { clusterId: "c1", node: "pve1" } } })).toMatchObject({ fingerprint: offered, offeredFingerprint: null });
  });
});
