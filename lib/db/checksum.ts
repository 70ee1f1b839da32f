import { createHash } from "node:crypto";

// Mirrors prisma-engines schema-connector/src/checksum.rs so the Prisma CLI and this
// applier agree on which migration files were edited after being applied.

function sha256(script: string): Buffer {
  return createHash("sha256").update(script, "utf8").digest();
}

/** The checksum Prisma stores in `_prisma_migrations.checksum`: SHA-256 as 64 lowercase hex chars. */
export function migrationChecksum(script: string): string {
  return sha256(script).toString("hex");
}

/**
 * Whether `script` matches a stored checksum. Like Prisma, this ignores CRLF/LF differences
 * (git rewrites line endings on Windows) and accepts the old non-zero-padded hex format that
 * early schema engines wrote (prisma-engines#1887).
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")];
  return variants.some((variant) => {
    const digest = sha256(variant);
    const rendered =
      checksum.length !== 64 && checksum.length > 0
        ? Array.from(digest, (byte) => byte.toString(16)).join("")
        : digest.toString("hex");
    return rendered === checksum;
  });
}
