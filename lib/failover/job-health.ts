import type { JobStatusName } from "@/lib/replication/status";
import { clusterNowSeconds, deriveJobView, JOB_VIEW_SELECT, targetOnlineLookup } from "@/lib/replication/job-view";
import type { PrismaClient } from "@/prisma/generated/client";

/**
 * A job's health as the preflight states it: the job page's view (`deriveJobView` on the stored
 * row at the cluster clock), so the checklist and the job page say the same words at the same
 * moment. The stored state is at most one poll old; that is fresh enough here because the
 * migration itself runs the job once more before it moves the guest (QemuMigrate/LXC Migrate),
 * so a sync that failed since the last poll fails the migration task, which is reported as failed.
 */
export type JobHealth = {
  status: JobStatusName;
  message: string;
  /** Seconds the last sync took, as last polled: the restart-mode downtime estimate. */
  durationSeconds: number | null;
};

/** The stored view of `jobId`; null while the poller has not stored the job yet. */
export async function readJobHealth(db: PrismaClient, clusterId: string, jobId: string, now: Date): Promise<JobHealth | null> {
  const [cluster, job] = await Promise.all([
    db.cluster.findUnique({ where: { id: clusterId }, select: { clockSkewMs: true, timeZone: true, nodes: { select: { name: true, online: true } } } }),
    db.replicationJob.findUnique({ where: { clusterId_jobId: { clusterId, jobId } }, select: { ...JOB_VIEW_SELECT, goneAt: true } }),
  ]);
  if (!cluster || !job || job.goneAt) return null;
  const targetOnline = targetOnlineLookup(cluster.nodes.map((n) => ({ ...n, clusterId })));
  const view = deriveJobView(job, { clusterNow: clusterNowSeconds(now, cluster.clockSkewMs), targetOnline: targetOnline(clusterId, job.target), timeZone: cluster.timeZone });
  return { status: view.status, message: view.message, durationSeconds: job.duration };
}
