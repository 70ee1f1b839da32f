import type { PrismaClient } from "@/prisma/generated/client";
import { type ActorType, type AuditAction, type AuditOutcome, auditActionSchema } from "./audit-actions";

export type AuditActor = { id: string | null; label: string; type: ActorType };

export type AuditEntry = {
  actor: AuditActor;
  action: AuditAction;
  outcome: AuditOutcome;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  ip?: string | null;
  at?: Date;
};

// Keys that must never land in the audit trail even if a caller passes them by mistake.
const SECRET_KEYS = /pass(word)?|secret|token|hash|ticket|cookie|authorization/i;

export function scrubDetails(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubDetails);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : scrubDetails(v)]),
    );
  }
  return value;
}

/** Appends one audit row. Rows are never updated or deleted by the application. */
export async function recordAudit(db: PrismaClient, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      at: entry.at,
      actorId: entry.actor.id,
      actorLabel: entry.actor.label,
      actorType: entry.actor.type,
      action: auditActionSchema.parse(entry.action),
      outcome: entry.outcome,
      targetType: entry.target?.type,
      targetId: entry.target?.id,
      details: JSON.stringify(scrubDetails(entry.details ?? {})),
      ip: entry.ip ?? null,
    },
  });
}
