import Link from "next/link";
import { ScrollText } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { type AuditFilter, auditFilterSchema, listAuditEvents } from "@/lib/audit/queries";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { AuditFilters } from "./audit-filters";
import { AuditTable } from "./audit-table";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePagePermission("audit.read", "/audit");
  const raw = await searchParams;
  const parsed = auditFilterSchema.safeParse(raw);
  const filter: AuditFilter = parsed.success ? parsed.data : {};
  const { events, nextCursor } = await listAuditEvents(getDb(), filter);
  const nextHref = nextCursor ? `/audit?${new URLSearchParams({ ...stripUndefined(raw), cursor: nextCursor })}` : null;
  return (
    <>
      <PageHeader title="Audit log" description="Every privileged action and every refused attempt, newest first. Entries cannot be edited or deleted." />
      <AuditFilters initial={raw} invalid={!parsed.success} />
      {events.length === 0 ? (
        <EmptyState icon={ScrollText} title="No entries match" description="Change or clear the filters to see more." />
      ) : (
        <AuditTable events={events} />
      )}
      <div className="mt-4 flex justify-end gap-2">
        {filter.cursor && (
          <Button asChild variant="outline">
            <Link href={`/audit?${new URLSearchParams(stripUndefined({ ...raw, cursor: undefined }))}`}>Newest</Link>
          </Button>
        )}
        {nextHref && (
          <Button asChild variant="outline">
            <Link href={nextHref}>Older entries</Link>
          </Button>
        )}
      </div>
    </>
  );
}

function stripUndefined(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => Boolean(e[1])));
}
