import crypto from "node:crypto";

// AES-256-GCM with a random 96-bit nonce per secret. The record names its version and
// carries nonce and tag, so the key can be rotated later by re-encrypting under "v2".
// The associated data binds a ciphertext to what it belongs to (for example a cluster id):
// a secret copied onto another row does not decrypt.
const VERSION = "v1";

export class SecretBoxError extends Error {}

export function sealSecret(key: Buffer, plaintext: string, associatedData: string): string {
  assertKey(key);
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, nonce.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
}

export function openSecret(key: Buffer, sealed: string, associatedData: string): string {
  assertKey(key);
  const [version, nonce, tag, ciphertext] = sealed.split(":");
  if (version !== VERSION || !nonce || !tag || ciphertext === undefined) throw new SecretBoxError("Stored secret has an unknown format.");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    // Wrong key (ENCRYPTION_KEY changed or secrets/ lost) or tampered data: never partial output.
    throw new SecretBoxError("Stored secret cannot be decrypted: the encryption key differs from the one it was stored with.");
  }
}

function assertKey(key: Buffer) {
  if (key.length !== 32) throw new SecretBoxError("The encryption key must be 32 bytes.");
}
