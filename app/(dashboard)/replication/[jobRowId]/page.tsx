import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db/app-db";
import { jobDetailQuery } from "@/lib/query/replication";
import { getServerQueryClient } from "@/lib/query/server-query-client";
import { getJobDetail } from "@/lib/replication/job-queries";
import { JobView } from "./job-view";

export const metadata = { title: "Replication job" };

export default async function JobPage({ params }: { params: Promise<{ jobRowId: string }> }) {
  const user = await requirePagePermission("replication.read", "/replication");
  const { jobRowId } = await params;
  const detail = await getJobDetail(getDb(), jobRowId);
  if (!detail) notFound();
  const queryClient = getServerQueryClient();
  queryClient.setQueryData(jobDetailQuery(jobRowId).queryKey, detail);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <JobView jobRowId={jobRowId} canManage={can(user.role, "replication.manage")} />
    </HydrationBoundary>
  );
}
