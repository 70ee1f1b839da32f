import "server-only";
import { logger } from "@/lib/logger";
import { describeCaCertificate } from "@/lib/proxmox/tls";
import type { PrismaClient } from "@/prisma/generated/client";
import { readEndpoints } from "./connection";
import type { ConnectionErrorKind } from "./connection-errors";
import type { AuthKind, ClusterEndpoint, TrustKind } from "./schemas";

// Every column except secretSealed: the list goes to every signed-in browser.
const SAFE_FIELDS = {
  id: true,
  name: true,
  endpoints: true,
  authKind: true,
  principal: true,
  trustKind: true,
  trustValue: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
  lastPollAt: true,
  lastPollOkAt: true,
  lastError: true,
  lastErrorKind: true,
  quorate: true,
  pveVersion: true,
  nodes: { select: { name: true, online: true }, orderBy: { name: "asc" } },
  _count: { select: { jobs: true } },
} as const;

export type ClusterSummary = {
  id: string;
  name: string;
  endpoints: ClusterEndpoint[];
  authKind: AuthKind;
  principal: string;
  trust: { kind: "fingerprint"; fingerprints: string[] } | { kind: "ca"; subject: string; validTo?: string };
  enabled: boolean;
  /** Removed with history kept: no credential left, shown as "removed, history kept". */
  removed: boolean;
  createdAt: string;
  lastPollAt: string | null;
  lastPollOkAt: string | null;
  lastError: string | null;
  /** The poller's kinds: ConnectionErrorKind plus e.g. "partial" (some nodes did not answer) or "internal". */
  lastErrorKind: ConnectionErrorKind | (string & {}) | null;
  quorate: boolean | null;
  pveVersion: string | null;
  nodes: { name: string; online: boolean }[];
  jobCount: number;
};

/** The clusters page list, safe for any signed-in user: never the sealed secret. Dates as ISO strings (same over RSC and JSON). */
export async function listClustersForUi(db: PrismaClient): Promise<ClusterSummary[]> {
  const [rows, removedFlags] = await Promise.all([
    db.cluster.findMany({ select: SAFE_FIELDS, orderBy: { name: "asc" } }),
    // Only the fact "has a secret", never the secret: the flag is computed in the database.
    db.cluster.findMany({ where: { secretSealed: "" }, select: { id: true } }),
  ]);
  const removed = new Set(removedFlags.map((r) => r.id));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    endpoints: readEndpoints(row),
    authKind: row.authKind === "ticket" ? "ticket" : "token",
    principal: row.principal,
    trust: trustView(row.trustKind as TrustKind, row.trustValue),
    enabled: row.enabled,
    removed: removed.has(row.id),
    createdAt: row.createdAt.toISOString(),
    lastPollAt: row.lastPollAt?.toISOString() ?? null,
    lastPollOkAt: row.lastPollOkAt?.toISOString() ?? null,
    lastError: row.lastError,
    lastErrorKind: row.lastErrorKind,
    quorate: row.quorate,
    pveVersion: row.pveVersion,
    nodes: row.nodes,
    jobCount: row._count.jobs,
  }));
}

function trustView(kind: TrustKind, value: string): ClusterSummary["trust"] {
  if (kind === "fingerprint") return { kind, fingerprints: JSON.parse(value) as string[] };
  try {
    const info = describeCaCertificate(value);
    return { kind: "ca", subject: info.subject, validTo: info.validTo };
  } catch (error) {
    // The pin still works or fails at connect time; the list only loses the CA's description.
    logger.warn({ err: error }, "A stored cluster CA certificate cannot be described");
    return { kind: "ca", subject: "unreadable CA certificate" };
  }
}
