import { hash, verify } from "@node-rs/argon2";
import { logger } from "@/lib/logger";

// argon2id with OWASP's second recommended profile (19 MiB, 2 passes); Algorithm.Argon2id = 2.
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch (error) {
    // A stored hash argon2 cannot read: the sign-in fails, and the broken row is worth a look.
    logger.error({ err: error instanceof Error ? error.message : String(error) }, "A stored password hash cannot be verified");
    return false;
  }
}

// Verifying against a fixed hash when the account does not exist keeps the response time
// the same, so timing does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("pve-standby-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}
