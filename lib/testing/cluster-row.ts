import type { PrismaClient } from "@/prisma/generated/client";

/**
 * A cluster row for tests that hand the poller or job actions a client themselves: the stored
 * connection fields are never read, so they hold placeholders.
 */
export function createClusterRow(db: PrismaClient, id = "demo", principal = "root@pam!standby") {
  return db.cluster.create({
    data: { id, name: id, endpoints: "[]", authKind: "token", principal, secretSealed: "-", trustKind: "fingerprint", trustValue: "[]" },
  });
}
