import { X509Certificate, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { generate } from "selfsigned";

import { logger } from "@/lib/logger";
import { readOptional, writeSecret } from "./data-files";

/**
 * TLS material laid out like a PVE cluster (pve-docs certificate-management.adoc): one
 * cluster CA `pve-root-ca` that signs one certificate per node, so a client can pin the CA
 * or a node's fingerprint. Generated on first start, then reused from the data folder;
 * private keys are written 0600 (and the folder is git-ignored).
 */
export type NodeCertificate = { node: string; cert: string; key: string; fingerprint: string };
export type ClusterCertificates = { caCert: string; nodes: Map<string, NodeCertificate> };

const CA_DAYS = 3650;
const NODE_DAYS = 730;

export async function loadOrCreateCertificates(dataDir: string, nodes: string[]): Promise<ClusterCertificates> {
  await mkdir(join(dataDir, "nodes"), { recursive: true });
  const caCertPath = join(dataDir, "pve-root-ca.pem");
  const caKeyPath = join(dataDir, "pve-root-ca.key");
  let caCert = await readOptional(caCertPath);
  let caKey = await readOptional(caKeyPath);
  if (!caCert || !caKey) {
    const ou = randomBytes(16).toString("hex");
    const ca = await generate(
      [
        { name: "commonName", value: "Proxmox Virtual Environment" },
        { shortName: "OU", value: ou },
        { name: "organizationName", value: "PVE Cluster Manager CA" },
      ],
      {
        keyType: "ec",
        algorithm: "sha256",
        notBeforeDate: daysFromNow(-1),
        notAfterDate: daysFromNow(CA_DAYS),
        extensions: [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        ],
      },
    );
    caCert = ca.cert;
    caKey = ca.private;
    await writeSecret(caKeyPath, caKey);
    await writeFile(caCertPath, caCert);
  }

  const result = new Map<string, NodeCertificate>();
  for (const node of nodes) {
    const dir = join(dataDir, "nodes", node);
    await mkdir(dir, { recursive: true });
    const certPath = join(dir, "pve-ssl.pem");
    const keyPath = join(dir, "pve-ssl.key");
    let cert = await readOptional(certPath);
    let key = await readOptional(keyPath);
    if (!cert || !key || !signedBy(cert, caCert)) {
      const pems = await generate(
        [
          { name: "commonName", value: `${node}.simulator.invalid` },
          { shortName: "OU", value: "PVE Cluster Node" },
          { name: "organizationName", value: "Proxmox Virtual Environment" },
        ],
        {
          keyType: "ec",
          algorithm: "sha256",
          notBeforeDate: daysFromNow(-1),
          notAfterDate: daysFromNow(NODE_DAYS),
          ca: { key: caKey, cert: caCert },
          extensions: [
            { name: "basicConstraints", cA: false },
            { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
            { name: "extKeyUsage", serverAuth: true },
            {
              name: "subjectAltName",
              altNames: [
                { type: 2, value: node },
                { type: 2, value: `${node}.simulator.invalid` },
                { type: 2, value: "localhost" },
                { type: 7, ip: "127.0.0.1" },
                { type: 7, ip: "::1" },
              ],
            },
          ],
        },
      );
      cert = pems.cert;
      key = pems.private;
      await writeSecret(keyPath, key);
      await writeFile(certPath, cert);
    }
    result.set(node, { node, cert, key, fingerprint: fingerprintOf(cert) });
  }
  return { caCert, nodes: result };
}

/** SHA-256 in Proxmox's notation: upper-case hex pairs joined by colons (Certificate.pm). */
export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.toUpperCase();
}

function signedBy(certPem: string, caPem: string): boolean {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
  } catch (err) {
    // An unreadable certificate is not signed by this CA: the caller issues a new one, and says why.
    logger.warn({ err: String(err) }, "simulator: stored node certificate unreadable, issuing a new one");
    return false;
  }
}

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}
