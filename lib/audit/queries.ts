import { z } from "zod";
import type { PrismaClient } from "@/prisma/generated/client";

export const auditFilterSchema = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  target: z.string().trim().max(200).optional(),
  outcome: z.enum(["success", "failure", "denied"]).optional(),
  from: z.string().optional().transform(parseUtc),
  to: z.string().optional().transform(parseUtc),
  cursor: z.string().max(100).optional(),
});
export type AuditFilter = Partial<z.infer<typeof auditFilterSchema>>;

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, cursor-paginated on (at, id) so new rows never shift a page being read. */
export async function listAuditEvents(db: PrismaClient, filter: AuditFilter, pageSize = AUDIT_PAGE_SIZE) {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.actor ? { actorLabel: { contains: filter.actor } } : {}),
      ...(filter.action ? { action: { startsWith: filter.action } } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
      ...(filter.target
        ? { OR: [{ targetId: { contains: filter.target } }, { targetType: { contains: filter.target } }] }
        : {}),
      ...(filter.from || filter.to ? { at: { gte: filter.from, lte: filter.to } } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: pageSize + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
  });
  const hasMore = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  return {
    events: page.map((e) => ({ ...e, details: parseDetails(e.details) })),
    nextCursor: hasMore ? page.at(-1)?.id : undefined,
  };
}
export type AuditPage = Awaited<ReturnType<typeof listAuditEvents>>;

function parseDetails(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

// The filter form's datetime-local fields carry no zone; the audit page shows UTC, so read them as UTC.
function parseUtc(value: string | undefined, ctx: z.RefinementCtx): Date | undefined {
  if (!value) return undefined;
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: `not a date: ${value}` });
    return z.NEVER;
  }
  return date;
}
