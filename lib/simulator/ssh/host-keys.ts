import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { utils } from "ssh2";

import { logger } from "@/lib/logger";
import { readOptional, writeSecret } from "../data-files";

/**
 * One ed25519 host key per node, like `/etc/ssh/ssh_host_ed25519_key` on a real node: created on
 * first start in `<dataDir>/nodes/<node>/` (private key 0600, OpenSSH format), then reused, so a
 * client that pinned it sees the same key after a restart. Without a data folder (tests) the keys
 * live in memory for the life of the process.
 */
export type NodeHostKey = { node: string; privateKey: string; publicKey: string; fingerprint: string };

export async function loadOrCreateHostKeys(dataDir: string | undefined, nodes: string[]): Promise<Map<string, NodeHostKey>> {
  const keys = new Map<string, NodeHostKey>();
  for (const node of nodes) {
    let privateKey: string | undefined;
    let publicKey: string | undefined;
    const dir = dataDir ? join(dataDir, "nodes", node) : undefined;
    if (dir) {
      privateKey = await readOptional(join(dir, "ssh_host_ed25519_key"));
      publicKey = await readOptional(join(dir, "ssh_host_ed25519_key.pub"));
    }
    if (!privateKey || !publicKey || !matches(privateKey, publicKey)) {
      const pair = generateEd25519KeyPair({ comment: `root@${node}` });
      privateKey = pair.private;
      publicKey = pair.public;
      if (dir) {
        await mkdir(dir, { recursive: true });
        const keyPath = join(dir, "ssh_host_ed25519_key");
        await writeSecret(keyPath, privateKey);
        await writeFile(join(dir, "ssh_host_ed25519_key.pub"), `${publicKey}\n`);
      }
    }
    keys.set(node, { node, privateKey, publicKey: publicKey.trim(), fingerprint: sshFingerprint(publicKey) });
  }
  return keys;
}

/**
 * ssh2's generateKeyPairSync (1.17.0) drops a leading zero byte of an ed25519 public key (about one
 * key in 500): the key it writes cannot be parsed back. Such a pair is thrown away and drawn again.
 */
export function generateEd25519KeyPair(options: { comment?: string; passphrase?: string; cipher?: string; rounds?: number } = {}): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519", options);
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private, options.passphrase) instanceof Error)) return pair;
  }
  throw new Error("could not generate a readable ed25519 key pair");
}

/** `SHA256:<base64 without padding>` of the public key blob, as `ssh-keygen -lf` and OpenSSH print it. */
export function sshFingerprint(publicKey: string | Buffer): string {
  const blob = typeof publicKey === "string" ? publicBlob(publicKey) : publicKey;
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

function publicBlob(text: string): Buffer {
  const parsed = utils.parseKey(text.trim());
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error("no key in the given text");
  return key.getPublicSSH();
}

function matches(privateKey: string, publicKey: string): boolean {
  try {
    return publicBlob(privateKey).equals(publicBlob(publicKey));
  } catch (err) {
    // An unreadable stored key pair is replaced (the caller generates a new one), and says why.
    logger.warn({ err: String(err) }, "simulator: stored SSH host key unreadable, generating a new one");
    return false;
  }
}
