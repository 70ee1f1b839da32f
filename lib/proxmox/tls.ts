import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";
import tls from "node:tls";

import { PveCertificateMismatchError, PveTimeoutError, PveUnreachableError } from "./errors";

/**
 * What the admin confirmed when adding the cluster. Either SHA-256 fingerprints in Proxmox's
 * format (`AA:BB:…`, as `GET /nodes` reports `ssl_fingerprint`; one per node, or the cluster
 * CA's), or the cluster CA certificate (`/etc/pve/pve-root-ca.pem`). There is no "insecure" kind.
 */
export type PveTrust = { kind: "fingerprint"; sha256: string | string[] } | { kind: "ca"; pem: string };

export type CertificateInfo = {
  fingerprint256: string;
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  isCa: boolean;
  selfSigned: boolean;
  pem: string;
};

export type PresentedCertificate = {
  host: string;
  port: number;
  /** Leaf first, then the issuers the server sent. */
  chain: CertificateInfo[];
  /** Whether the system's public CAs vouch for it (ACME certs); Proxmox's own CA never is. */
  trustedBySystem: boolean;
};

const FINGERPRINT_RE = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

/** Accepts `aa:bb…`, `AABB…` or `sha256//AA:BB…`; returns Proxmox's uppercase colon form or throws. */
export function normalizeFingerprint(input: string): string {
  const hex = input.trim().replace(/^sha256\/\//i, "").replace(/[:\s]/g, "").toUpperCase();
  const formatted = hex.match(/.{1,2}/g)?.join(":") ?? "";
  if (!FINGERPRINT_RE.test(formatted)) throw new Error(`Not a SHA-256 fingerprint: ${input}`);
  return formatted;
}

/** Checks a pasted cluster CA (`/etc/pve/pve-root-ca.pem`) before it becomes the trust anchor. */
export function describeCaCertificate(pem: string): CertificateInfo {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch {
    throw new Error("Not a PEM certificate");
  }
  if (!x509.ca) throw new Error(`Not a CA certificate: ${x509.subject.split("\n").join(", ")}`);
  return describeCertificate(x509);
}

/**
 * Reads the certificate chain an endpoint presents, for the add-cluster confirmation. It completes
 * the TLS handshake with verification off on purpose (we are asking "what is there?", not
 * trusting it), sends no HTTP byte and no credential, and closes the socket at once.
 */
export function fetchCertificate(
  host: string,
  port: number,
  options: { timeoutMs?: number; servername?: string } = {},
): Promise<PresentedCertificate> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const endpoint = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: sniName(host, options.servername),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PveTimeoutError("connect", timeoutMs, { endpoint }));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const chain = readChain(socket);
      const trustedBySystem = socket.authorized;
      socket.destroy();
      resolve({ host, port, chain, trustedBySystem });
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new PveUnreachableError(`Cannot reach ${endpoint}: ${error.message}`, { endpoint, code: error.code }, { cause: error }));
    });
  });
}

/**
 * The pin check for `kind: "fingerprint"`, run on a socket whose handshake just completed and
 * before it carries any request. Matching the leaf is what pve-apiclient (LWP.pm) and PDM do. A
 * pinned CA/intermediate fingerprint also matches, but only if the signatures from the leaf up
 * to that certificate verify: a server can put any public CA certificate into its chain, so a
 * fingerprint match alone on a non-leaf would let any leaf through.
 */
export function checkFingerprintPin(socket: TLSSocket, pins: ReadonlySet<string>, endpoint: string): PveCertificateMismatchError | undefined {
  const certs = readX509Chain(socket);
  const presented = certs.map((c) => c.fingerprint256);
  const leaf = certs[0];
  if (!leaf) return new PveCertificateMismatchError([...pins], [], { endpoint }, "the server presented no certificate");
  if (pins.has(leaf.fingerprint256)) return undefined;
  for (let i = 1; i < certs.length; i++) {
    const issuer = certs[i];
    const child = certs[i - 1];
    if (!issuer || !child || !child.checkIssued(issuer) || !child.verify(issuer.publicKey)) break;
    if (pins.has(issuer.fingerprint256)) return undefined;
  }
  return new PveCertificateMismatchError([...pins], presented, { endpoint });
}

/** The SNI name to send: never an IP literal (RFC 6066 §3), so only a hostname or an explicit override. */
export function sniName(host: string, servername?: string): string | undefined {
  if (servername) return servername;
  return isIP(host) ? undefined : host;
}

function readX509Chain(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

function readChain(socket: TLSSocket): CertificateInfo[] {
  return readX509Chain(socket).map(describeCertificate);
}

function describeCertificate(x509: X509Certificate): CertificateInfo {
  return {
    fingerprint256: x509.fingerprint256,
    subject: x509.subject.split("\n").join(", "),
    issuer: x509.issuer.split("\n").join(", "),
    subjectAltName: x509.subjectAltName,
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    serialNumber: x509.serialNumber,
    isCa: x509.ca,
    selfSigned: x509.checkIssued(x509) && x509.verify(x509.publicKey),
    pem: x509.toString(),
  };
}
