import "server-only";
import { z } from "zod";
import { UserError } from "@/lib/auth/users";
import { openSecret, SecretBoxError } from "@/lib/crypto/secret-box";
import { createProxmoxClient } from "@/lib/proxmox/client";
import type { PveAuth, ProxmoxClient } from "@/lib/proxmox/client";
import { testConnection } from "@/lib/proxmox/connection-test";
import type { ConnectionReport } from "@/lib/proxmox/connection-test";
import { describeCaCertificate, fetchCertificate } from "@/lib/proxmox/tls";
import type { CertificateInfo, PveTrust } from "@/lib/proxmox/tls";
import type { PveTransport } from "@/lib/proxmox/transport";
import type { Cluster } from "@/prisma/generated/client";
import { describeConnectionError, type ConnectionFailure } from "./connection-errors";
import { formatEndpoint, normalizeFingerprintText, type ClusterEndpoint, type TestClusterInput } from "./schemas";

export type ClusterConnectionRecord = Pick<Cluster, "id" | "endpoints" | "authKind" | "principal" | "secretSealed" | "trustKind" | "trustValue">;

/** Everything needed to open a connection, with the secret in clear: lives only for one request. */
export type ConnectionSpec = { endpoints: ClusterEndpoint[]; auth: PveAuth; trust: PveTrust };

export type ClientDeps = {
  encryptionKey: Buffer;
  /** Tests and the demo may inject one; production always uses the pinned HTTPS transport. */
  transport?: PveTransport;
  timeouts?: { connectMs?: number; requestMs?: number };
};

const endpointListSchema = z.array(z.object({ host: z.string(), port: z.number().int() }));
const pinListSchema = z.array(z.string());

/** The secret is sealed to its row: a ciphertext copied onto another cluster does not open. */
export function secretAssociatedData(clusterId: string): string {
  return `cluster:${clusterId}`;
}

/** A cluster removed with "keep history" has no credential left; it stays only as the owner of its history. */
export function isClusterRemoved(cluster: Pick<Cluster, "secretSealed">): boolean {
  return cluster.secretSealed === "";
}

export function readEndpoints(cluster: Pick<Cluster, "endpoints">): ClusterEndpoint[] {
  return endpointListSchema.parse(JSON.parse(cluster.endpoints));
}

export function readTrust(cluster: Pick<Cluster, "trustKind" | "trustValue">): PveTrust {
  if (cluster.trustKind === "ca") return { kind: "ca", pem: cluster.trustValue };
  if (cluster.trustKind === "fingerprint") return { kind: "fingerprint", sha256: pinListSchema.parse(JSON.parse(cluster.trustValue)) };
  throw new Error(`Unknown trust kind ${cluster.trustKind} on cluster`);
}

/** Opens the sealed secret and builds the pinned client; the caller closes it. Used by the poller and the routes. */
export function buildClientForCluster(cluster: ClusterConnectionRecord, deps: ClientDeps): ProxmoxClient {
  if (isClusterRemoved(cluster)) throw new UserError("This cluster was removed; its credentials are gone. Edit it and enter them again to reconnect.");
  const secret = openSecret(deps.encryptionKey, cluster.secretSealed, secretAssociatedData(cluster.id));
  return createClientFromSpec(
    { endpoints: readEndpoints(cluster), auth: authFor(cluster.authKind, cluster.principal, secret), trust: readTrust(cluster) },
    deps,
  );
}

function authFor(kind: string, principal: string, secret: string): PveAuth {
  return kind === "ticket" ? { kind: "ticket", username: principal, password: secret } : { kind: "token", tokenId: principal, secret };
}

/**
 * Turns the wizard's trust fields into a PveTrust, or undefined when none were given (keep the
 * stored one). A pasted CA must really be a CA certificate; fingerprints are normalised.
 */
function trustFromInput(input: Pick<TestClusterInput, "trustKind" | "fingerprints" | "caPem">): PveTrust | undefined {
  if (input.trustKind === "ca") {
    if (input.caPem === undefined) return undefined;
    try {
      const info = describeCaCertificate(input.caPem.trim());
      if (new Date(info.validTo) < new Date()) throw new Error(`The CA certificate expired on ${info.validTo.slice(0, 10)}`);
    } catch (error) {
      throw new UserError(`The pasted CA cannot be used: ${(error as Error).message}.`);
    }
    return { kind: "ca", pem: input.caPem.trim() };
  }
  if (input.fingerprints === undefined) return undefined;
  const pins = input.fingerprints.map((f) => normalizeFingerprintText(f)).filter((f): f is string => Boolean(f));
  if (pins.length === 0) throw new UserError("Confirm the certificate, or paste a fingerprint.");
  return { kind: "fingerprint", sha256: [...new Set(pins)] };
}

/**
 * The connection the wizard describes. When editing (`stored` given), an empty secret and
 * absent trust fall back to what is stored; switching between token and password needs a new secret.
 */
export function resolveConnectionSpec(
  input: Pick<TestClusterInput, "endpoints" | "authKind" | "principal" | "secret" | "trustKind" | "fingerprints" | "caPem">,
  stored: ClusterConnectionRecord | undefined,
  encryptionKey: Buffer,
): ConnectionSpec {
  let secret = input.secret?.trim() ? input.secret : undefined;
  const givenTrust = trustFromInput(input);
  if (!secret && stored) {
    if (stored.authKind !== input.authKind) throw new UserError(input.authKind === "token" ? "Enter the token secret." : "Enter the password.");
    if (isClusterRemoved(stored)) throw new UserError("The credentials were removed with the cluster. Enter them again.");
    try {
      secret = openSecret(encryptionKey, stored.secretSealed, secretAssociatedData(stored.id));
    } catch (error) {
      // The encryption key changed (or DATA_DIR/secrets was lost): the stored secret is unreadable.
      if (error instanceof SecretBoxError) throw new UserError(`${error.message} Enter the secret again.`);
      throw error;
    }
    // The stored secret only ever goes to the stored addresses, verified the stored way:
    // otherwise whoever edits the cluster could have it sent to a host of their choosing.
    if (!sameEndpoints(input.endpoints, readEndpoints(stored)) || (givenTrust && !withinStoredTrust(givenTrust, readTrust(stored)))) {
      throw new UserError(
        `Changing the addresses or the certificate trust needs the ${input.authKind === "token" ? "token secret" : "password"} entered again: the stored one is only sent to the stored addresses.`,
      );
    }
  }
  if (!secret) throw new UserError("Enter the secret.");
  const trust = givenTrust ?? (stored ? readTrust(stored) : undefined);
  if (!trust) throw new UserError("Confirm the certificate, or paste the cluster CA or a fingerprint.");
  return { endpoints: input.endpoints, auth: authFor(input.authKind, input.principal, secret), trust };
}

function sameEndpoints(a: ClusterEndpoint[], b: ClusterEndpoint[]): boolean {
  const key = (list: ClusterEndpoint[]) => JSON.stringify(list.map((e) => `${e.host.toLowerCase()}:${e.port}`).sort());
  return key(a) === key(b);
}

/** Narrowing trust (fewer pins) is fine; a new pin, a new CA or another kind of trust is not. */
function withinStoredTrust(given: PveTrust, stored: PveTrust): boolean {
  if (given.kind === "ca") return stored.kind === "ca" && given.pem.trim() === stored.pem.trim();
  if (stored.kind !== "fingerprint") return false;
  const storedPins = new Set((Array.isArray(stored.sha256) ? stored.sha256 : [stored.sha256]).map((f) => normalizeFingerprintText(f) ?? f));
  const givenPins = Array.isArray(given.sha256) ? given.sha256 : [given.sha256];
  return givenPins.every((f) => storedPins.has(normalizeFingerprintText(f) ?? f));
}

function createClientFromSpec(spec: ConnectionSpec, deps: Omit<ClientDeps, "encryptionKey">): ProxmoxClient {
  return createProxmoxClient({
    endpoints: spec.endpoints,
    auth: spec.auth,
    trust: spec.trust,
    transport: deps.transport,
    timeouts: deps.timeouts,
  });
}

export type ConnectionReportView = Omit<ConnectionReport, "serverTime"> & { serverTime?: string };
export type ConnectionTestResult = { ok: true; report: ConnectionReportView } | { ok: false; failure: ConnectionFailure };

/**
 * One interactive test: no retries (the admin is waiting and can press "Test again"), short
 * timeouts, and the client closed afterwards. Errors become a ConnectionFailure, never a throw.
 */
export async function runConnectionTest(spec: ConnectionSpec, deps: Omit<ClientDeps, "encryptionKey"> = {}): Promise<ConnectionTestResult> {
  let client: ProxmoxClient | undefined;
  try {
    client = createProxmoxClient({
      endpoints: spec.endpoints,
      auth: spec.auth,
      trust: spec.trust,
      transport: deps.transport,
      timeouts: { connectMs: 5_000, requestMs: 15_000, ...deps.timeouts },
      retries: { attempts: 0 },
    });
    const report = await testConnection(client);
    return { ok: true, report: { ...report, serverTime: report.serverTime?.toISOString() } };
  } catch (error) {
    return { ok: false, failure: describeConnectionError(error) };
  } finally {
    client?.close();
  }
}

/** The pins to store for fingerprint trust: what the admin confirmed plus every node's certificate from /nodes. */
export function pinsAfterTest(trust: PveTrust, report: Pick<ConnectionReport, "nodes">): PveTrust {
  if (trust.kind !== "fingerprint") return trust;
  const confirmed = Array.isArray(trust.sha256) ? trust.sha256 : [trust.sha256];
  // The node list arrived over a connection already pinned to a confirmed certificate and
  // authenticated, so the other nodes' fingerprints are as trustworthy as the one confirmed.
  const fromNodes = report.nodes.map((n) => (n.sslFingerprint ? normalizeFingerprintText(n.sslFingerprint) : undefined));
  const all = [...confirmed.map((f) => normalizeFingerprintText(f) ?? f), ...fromNodes].filter((f): f is string => Boolean(f));
  return { kind: "fingerprint", sha256: [...new Set(all)] };
}

export type ProbedCertificate = Pick<CertificateInfo, "fingerprint256" | "subject" | "issuer" | "subjectAltName" | "validFrom" | "validTo" | "selfSigned"> & {
  expired: boolean;
  trustedBySystem: boolean;
};
export type ProbeResult = { address: string } & ({ ok: true; certificate: ProbedCertificate } | { ok: false; failure: ConnectionFailure });

/** Reads the certificate each address presents; TLS handshake only, no HTTP request, no credential. */
export async function probeEndpoints(endpoints: ClusterEndpoint[], options: { timeoutMs?: number; now?: Date } = {}): Promise<ProbeResult[]> {
  const now = options.now ?? new Date();
  return Promise.all(
    endpoints.map(async (endpoint): Promise<ProbeResult> => {
      const address = formatEndpoint(endpoint);
      try {
        const presented = await fetchCertificate(endpoint.host, endpoint.port, { timeoutMs: options.timeoutMs ?? 5_000 });
        const leaf = presented.chain[0];
        if (!leaf) return { address, ok: false, failure: { kind: "certificate", message: `${address} presented no certificate.` } };
        return {
          address,
          ok: true,
          certificate: {
            fingerprint256: leaf.fingerprint256,
            subject: leaf.subject,
            issuer: leaf.issuer,
            subjectAltName: leaf.subjectAltName,
            validFrom: leaf.validFrom,
            validTo: leaf.validTo,
            selfSigned: leaf.selfSigned,
            expired: new Date(leaf.validTo) < now || new Date(leaf.validFrom) > now,
            trustedBySystem: presented.trustedBySystem,
          },
        };
      } catch (error) {
        return { address, ok: false, failure: describeConnectionError(error) };
      }
    }),
  );
}
