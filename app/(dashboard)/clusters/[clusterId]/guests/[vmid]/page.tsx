import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { guestReplicationQuery } from "@/lib/query/replication";
import { getServerQueryClient } from "@/lib/query/server-query-client";
import { vmidParamSchema } from "@/lib/replication/job-schemas";
import { getGuestReplication } from "@/lib/replication/queries";
import { GuestView } from "./guest-view";

export const metadata = { title: "Guest" };

export default async function GuestPage({ params }: { params: Promise<{ clusterId: string; vmid: string }> }) {
  const user = await requirePagePermission("replication.read", "/clusters");
  const { clusterId, vmid: rawVmid } = await params;
  const vmid = vmidParamSchema.safeParse(rawVmid);
  if (!vmid.success) notFound();
  const detail = await getGuestReplication(getDb(), clusterId, vmid.data);
  if (!detail) notFound();
  const queryClient = getServerQueryClient();
  queryClient.setQueryData(guestReplicationQuery(clusterId, vmid.data).queryKey, detail);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <GuestView clusterId={clusterId} vmid={vmid.data} canManage={can(user.role, "replication.manage")} />
    </HydrationBoundary>
  );
}
