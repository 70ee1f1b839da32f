import "server-only";
import crypto from "node:crypto";
import { UserError } from "@/lib/auth/users";
import { sealSecret } from "@/lib/crypto/secret-box";
import type { PveTrust } from "@/lib/proxmox/tls";
import type { PveTransport } from "@/lib/proxmox/transport";
import type { Cluster, PrismaClient } from "@/prisma/generated/client";
import {
  isClusterRemoved,
  pinsAfterTest,
  readEndpoints,
  resolveConnectionSpec,
  runConnectionTest,
  secretAssociatedData,
  type ConnectionReportView,
  type ConnectionSpec,
} from "./connection";
import type { CreateClusterInput, UpdateClusterInput } from "./schemas";

export type ClusterDeps = { encryptionKey: Buffer; transport?: PveTransport; timeouts?: { connectMs?: number; requestMs?: number } };

/** What the audit trail may hold about a cluster: no secret, no sealed secret. */
export type ClusterAuditShape = { name: string; endpoints: string[]; authKind: string; principal: string; trustKind: string; pins?: number; enabled: boolean; removed: boolean };

export function auditShape(c: Pick<Cluster, "name" | "endpoints" | "authKind" | "principal" | "trustKind" | "trustValue" | "enabled" | "secretSealed">): ClusterAuditShape {
  return {
    name: c.name,
    endpoints: readEndpoints(c).map((e) => `${e.host}:${e.port}`),
    authKind: c.authKind,
    principal: c.principal,
    trustKind: c.trustKind,
    pins: c.trustKind === "fingerprint" ? (JSON.parse(c.trustValue) as unknown[]).length : undefined,
    enabled: c.enabled,
    removed: isClusterRemoved(c),
  };
}

/**
 * Tests the connection described by the form and stores the cluster only if the test passed:
 * a cluster that fails TLS or auth is never saved. Returns the row and the report.
 */
export async function addCluster(db: PrismaClient, input: CreateClusterInput, deps: ClusterDeps) {
  await assertNameFree(db, input.name);
  const spec = resolveConnectionSpec(input, undefined, deps.encryptionKey);
  const result = await runConnectionTest(spec, deps);
  if (!result.ok) throw new UserError(`Not saved: ${result.failure.message}${mismatchDetail(result.failure)}`);
  const cluster = await createClusterRecord(db, { name: input.name, spec, report: result.report }, deps);
  return { cluster, report: result.report };
}

/**
 * Writes the row with the secret sealed to the new row id (generated here, before sealing),
 * plus the node list the test saw. Fingerprint trust stores every node's certificate.
 */
export async function createClusterRecord(db: PrismaClient, args: { name: string; spec: ConnectionSpec; report?: ConnectionReportView; id?: string }, deps: Pick<ClusterDeps, "encryptionKey">) {
  const id = args.id ?? crypto.randomUUID();
  const trust = args.report ? pinsAfterTest(args.spec.trust, args.report) : args.spec.trust;
  const { kind, principal, secret } = credentialsOf(args.spec);
  try {
    return await db.cluster.create({
      data: {
        id,
        name: args.name,
        endpoints: JSON.stringify(args.spec.endpoints),
        authKind: kind,
        principal,
        secretSealed: sealSecret(deps.encryptionKey, secret, secretAssociatedData(id)),
        ...trustColumns(trust),
        pveVersion: args.report?.version.version,
        quorate: args.report?.quorum?.quorate,
        nodes: args.report ? { create: nodeRows(args.report) } : undefined,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(`A cluster named "${args.name}" already exists.`);
    throw error;
  }
}

/**
 * Saves an edit. When anything about the connection changed (addresses, credentials, trust),
 * the new connection is tested first and refused if the test fails; a name-only edit is not tested.
 */
export async function updateCluster(db: PrismaClient, id: string, input: UpdateClusterInput, deps: ClusterDeps) {
  const before = await getCluster(db, id);
  if (input.name !== before.name) await assertNameFree(db, input.name);
  const trustGiven = input.trustKind === "ca" ? input.caPem !== undefined : input.fingerprints !== undefined;
  const connectionChanged =
    JSON.stringify(input.endpoints) !== before.endpoints ||
    input.authKind !== before.authKind ||
    input.principal !== before.principal ||
    Boolean(input.secret?.trim()) ||
    trustGiven;
  let data: Partial<Cluster> = { name: input.name };
  let report: ConnectionReportView | undefined;
  if (connectionChanged) {
    const spec = resolveConnectionSpec(input, before, deps.encryptionKey);
    const result = await runConnectionTest(spec, deps);
    if (!result.ok) throw new UserError(`Not saved: ${result.failure.message}${mismatchDetail(result.failure)}`);
    report = result.report;
    const { kind, principal, secret } = credentialsOf(spec);
    data = {
      ...data,
      endpoints: JSON.stringify(spec.endpoints),
      authKind: kind,
      principal,
      secretSealed: sealSecret(deps.encryptionKey, secret, secretAssociatedData(id)),
      ...trustColumns(pinsAfterTest(spec.trust, report)),
      pveVersion: report.version.version,
      quorate: report.quorum?.quorate ?? null,
      // The connection just worked with these settings: an old error (e.g. a certificate change now re-pinned) no longer applies.
      lastError: null,
      lastErrorKind: null,
    };
  }
  try {
    const after = await db.cluster.update({ where: { id }, data });
    return { before, after, tested: connectionChanged, report };
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(`A cluster named "${input.name}" already exists.`);
    throw error;
  }
}

/** Pauses or resumes polling. A cluster removed with its history kept cannot be resumed without new credentials. */
export async function setClusterEnabled(db: PrismaClient, id: string, enabled: boolean) {
  const before = await getCluster(db, id);
  if (enabled && isClusterRemoved(before)) throw new UserError("This cluster was removed and has no credentials. Edit it and enter them again first.");
  const after = await db.cluster.update({ where: { id }, data: { enabled } });
  return { before, after };
}

/** Whether pve-standby holds replication back to a dead node by itself (lib/failover/auto-hold.ts). */
export async function setFailbackAutoHold(db: PrismaClient, id: string, failbackAutoHold: boolean) {
  const before = await getCluster(db, id);
  const after = await db.cluster.update({ where: { id }, data: { failbackAutoHold } });
  return { before, after };
}

/**
 * keepHistory=false deletes the row, and with it (cascade) nodes, guests, jobs, runs, lag samples and rollups.
 * keepHistory=true keeps every row: the cluster is disabled and its sealed secret wiped, so no
 * credential remains and the poller leaves it alone, while its history stays readable.
 */
export async function deleteCluster(db: PrismaClient, id: string, options: { keepHistory: boolean }) {
  const before = await getCluster(db, id);
  const jobs = await db.replicationJob.count({ where: { clusterId: id } });
  if (options.keepHistory) {
    await db.cluster.update({ where: { id }, data: { enabled: false, secretSealed: "" } });
  } else {
    await db.cluster.delete({ where: { id } });
  }
  return { before, jobs };
}

export async function getCluster(db: PrismaClient, id: string): Promise<Cluster> {
  const cluster = await db.cluster.findUnique({ where: { id } });
  if (!cluster) throw new UserError("No such cluster. It may have been removed meanwhile.");
  return cluster;
}

async function assertNameFree(db: PrismaClient, name: string) {
  const existing = await db.cluster.findUnique({ where: { name }, select: { secretSealed: true } });
  if (!existing) return;
  throw new UserError(
    isClusterRemoved(existing)
      ? `A removed cluster named "${name}" still keeps its history. Choose another name, or delete that history first.`
      : `A cluster named "${name}" already exists.`,
  );
}

function credentialsOf(spec: ConnectionSpec): { kind: "token" | "ticket"; principal: string; secret: string } {
  return spec.auth.kind === "token"
    ? { kind: "token", principal: spec.auth.tokenId, secret: spec.auth.secret }
    : { kind: "ticket", principal: spec.auth.username, secret: spec.auth.password };
}

function trustColumns(trust: PveTrust): { trustKind: string; trustValue: string } {
  if (trust.kind === "ca") return { trustKind: "ca", trustValue: trust.pem };
  return { trustKind: "fingerprint", trustValue: JSON.stringify(Array.isArray(trust.sha256) ? trust.sha256 : [trust.sha256]) };
}

function nodeRows(report: ConnectionReportView) {
  const now = new Date();
  return report.nodes.map((n) => ({
    name: n.name,
    online: n.status === "online",
    lastSeenAt: n.status === "online" ? now : null,
    sslFingerprint: n.sslFingerprint ?? null,
  }));
}

function mismatchDetail(failure: { expected?: string[]; presented?: string[] }): string {
  if (!failure.expected) return "";
  return ` Expected ${failure.expected.join(" or ")}; presented ${failure.presented?.[0] ?? "no certificate"}.`;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
