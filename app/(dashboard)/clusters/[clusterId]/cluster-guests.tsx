"use client";

import { useState } from "react";
import Link from "next/link";
import { Search } from "lucide-react";
import { GuestState } from "@/components/guest-state";
import { StatusBadge } from "@/components/status-badge";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ClusterReplication } from "@/lib/replication/queries";
import { JOB_STATUS_DISPLAY, PROTECTION_DISPLAY } from "@/lib/replication/status-display";
import { cn } from "@/lib/utils";

type Protection = keyof typeof PROTECTION_DISPLAY;
const FILTERS: (Protection | "all")[] = ["all", "attention", "unprotected", "protected"];

export function ClusterGuests({ clusterId, guests }: { clusterId: string; guests: ClusterReplication["guests"] }) {
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Protection | "all">("all");
  const needle = query.trim().toLowerCase();
  const shown = guests.filter(
    (g) => (filter === "all" || g.protection === filter) && (!needle || String(g.vmid).includes(needle) || (g.name ?? "").toLowerCase().includes(needle)),
  );
  const count = (p: Protection | "all") => (p === "all" ? guests.length : guests.filter((g) => g.protection === p).length);

  return (
    <section aria-labelledby="guests-heading" className="flex flex-col gap-3">
      <h2 id="guests-heading" className="text-lg font-semibold">
        Guests
      </h2>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <div className="relative sm:w-64">
          <Search className="text-muted-foreground absolute top-2.5 left-2.5 size-4" aria-hidden />
          <Input type="search" aria-label="Search guests" placeholder="Name or ID" value={query} onChange={(e) => setQuery(e.target.value)} className="pl-8" />
        </div>
        <div role="group" aria-label="Filter by protection" className="flex flex-wrap gap-2">
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              className={cn("focus-visible:ring-ring rounded-full border px-3 py-1 text-xs font-medium outline-none focus-visible:ring-2", filter === f ? "bg-primary text-primary-foreground border-primary" : "hover:bg-accent")}
            >
              {f === "all" ? "All" : PROTECTION_DISPLAY[f].label} <span className="tabular-nums opacity-70">{count(f)}</span>
            </button>
          ))}
        </div>
      </div>
      <div className="overflow-x-auto rounded-lg border">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Guest</TableHead>
              <TableHead className="hidden sm:table-cell">Node</TableHead>
              <TableHead className="hidden md:table-cell">State</TableHead>
              <TableHead>Protection</TableHead>
              <TableHead className="hidden lg:table-cell">Replicated to</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((g) => (
              <TableRow key={g.vmid}>
                <TableCell>
                  <Link href={`/clusters/${clusterId}/guests/${g.vmid}`} className="font-medium hover:underline focus-visible:underline">
                    {g.name ?? `Guest ${g.vmid}`}
                  </Link>
                  <div className="text-muted-foreground text-xs">
                    {g.type === "lxc" ? "CT" : "VM"} {g.vmid}
                    {g.template && " · template"}
                  </div>
                </TableCell>
                <TableCell className="hidden sm:table-cell">{g.node}</TableCell>
                <TableCell className="hidden text-sm md:table-cell">
                  <GuestState presence={g.presence} fallback={g.status} />
                  {g.haState && <span className="text-muted-foreground"> · HA {g.haState}</span>}
                </TableCell>
                <TableCell>
                  <StatusBadge status={PROTECTION_DISPLAY[g.protection].tone}>{PROTECTION_DISPLAY[g.protection].label}</StatusBadge>
                </TableCell>
                <TableCell className="hidden lg:table-cell">
                  <span className="flex flex-wrap gap-x-3 gap-y-1 text-sm">
                    {g.jobs.length === 0 && <span className="text-muted-foreground">—</span>}
                    {g.jobs.map((j) => (
                      <Link key={j.id} href={`/replication/${j.id}`} className="hover:underline">
                        {j.target} <span className="text-muted-foreground text-xs">({JOB_STATUS_DISPLAY[j.status].label})</span>
                      </Link>
                    ))}
                  </span>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {shown.length === 0 && <p className="text-muted-foreground p-6 text-center text-sm">No guest matches.</p>}
      </div>
    </section>
  );
}
