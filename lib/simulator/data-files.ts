import { chmod, readFile, writeFile } from "node:fs/promises";

// The simulator's data folder (certificates, host keys): created once, read on every start.

/** The file's text, or undefined when it does not exist yet; any other error (permissions, I/O) surfaces. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** A private key: mode 0600 also when the file existed with wider permissions. */
export async function writeSecret(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}
