import { SecretBoxError } from "@/lib/crypto/secret-box";
import {
  PveAuthError,
  PveCertificateMismatchError,
  PveError,
  PveNotImplementedError,
  PvePermissionError,
  PveProtocolError,
  PveTimeoutError,
  PveUnreachableError,
} from "@/lib/proxmox/errors";

/** The same kinds the poller writes to Cluster.lastErrorKind, so the list reads both alike. */
export type ConnectionErrorKind = "unreachable" | "timeout" | "auth" | "permission" | "certificate" | "protocol" | "business";

export type ConnectionFailure = {
  kind: ConnectionErrorKind;
  /** One sentence for the admin: what went wrong and what to do. Never contains a credential. */
  message: string;
  endpoint?: string;
  /** Certificate mismatch only: the pins we hold and what the server presented (leaf first). */
  expected?: string[];
  presented?: string[];
};

/** Maps a typed client error (or a sealed-secret failure) to what the wizard and the list show. */
export function describeConnectionError(error: unknown): ConnectionFailure {
  const endpoint = error instanceof PveError ? error.endpoint : undefined;
  if (error instanceof PveCertificateMismatchError) {
    return {
      kind: "certificate",
      endpoint,
      expected: error.expected,
      presented: error.presented,
      message: `The certificate of ${endpoint ?? "the node"} is not the pinned one: it was renewed, the pin is wrong, or something else answers at this address. Check the fingerprint on the node (pvenode cert info) before you pin another one.`,
    };
  }
  if (error instanceof PveAuthError) {
    return {
      kind: "auth",
      endpoint,
      message: `Proxmox refused the credentials (${error.message}). Check the token id and secret (or user and password), and that the token has not expired.`,
    };
  }
  if (error instanceof PvePermissionError) {
    return { kind: "permission", endpoint, message: `The credentials work but lack a privilege: ${error.message}. Grant at least PVEAuditor on /.` };
  }
  if (error instanceof PveTimeoutError) {
    return { kind: "timeout", endpoint, message: `${error.message}. Check the address, the port (8006) and any firewall in between.` };
  }
  if (error instanceof PveUnreachableError) {
    return { kind: "unreachable", endpoint, message: `${error.message}. Check the address, the port (8006) and that pveproxy runs.` };
  }
  if (error instanceof PveProtocolError || error instanceof PveNotImplementedError) {
    return { kind: "protocol", endpoint, message: `The answer did not look like the Proxmox VE API: ${firstLine(error.message)}. Is this a Proxmox VE node (not PBS or PMG)?` };
  }
  if (error instanceof PveError) return { kind: "business", endpoint, message: error.message };
  if (error instanceof SecretBoxError) return { kind: "auth", message: `${error.message} Enter the secret again.` };
  return { kind: "business", message: error instanceof Error ? error.message : "The connection test failed." };
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
