import { recordAudit } from "@/lib/audit/record-audit";
import type { AuditAction, AuditOutcome } from "@/lib/audit/audit-actions";
import type { FailoverOperation, PrismaClient } from "@/prisma/generated/client";

/** The audit target of everything an operation does; the audit log links it to the report. */
export const operationTarget = (operationId: string) => ({ type: "failover", id: operationId });

/**
 * The executor acts for the operator who started the operation: rows name both, so the audit
 * log and the report say who did what.
 */
export function recordOperationAudit(
  db: PrismaClient,
  op: Pick<FailoverOperation, "id" | "createdById" | "createdByLabel">,
  action: AuditAction,
  outcome: AuditOutcome,
  details: Record<string, unknown>,
  at: Date,
) {
  return recordAudit(db, {
    actor: { id: null, label: `failover executor for ${op.createdByLabel}`, type: "system" },
    action,
    outcome,
    target: operationTarget(op.id),
    details,
    at,
  });
}
