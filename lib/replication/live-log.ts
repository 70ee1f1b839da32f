import "server-only";
import { getReplicationLog } from "@/lib/proxmox/replication";
import type { JobActionDeps } from "./job-actions";

export type LiveLog = { running: false } | { running: true; node: string; lines: string[]; error?: string };

// The one read that goes to Proxmox while a page is open, and only while the poller says a sync
// runs: Proxmox overwrites the job's log on every run, so the run in flight is only visible there.
// A short timeout keeps a slow node from holding the request; its failure is shown, not thrown.
// The client is the cluster's shared one (lib/clusters/cluster-clients.ts): polling the live log
// every 2 s reuses its pooled connection instead of a new TLS handshake each time.
const LIVE_LOG_TIMEOUT_MS = 3_000;

/** The log of the sync running now, read from the node that owns the guest. */
export async function readLiveLog(deps: JobActionDeps, jobRowId: string): Promise<LiveLog | null> {
  const job = await deps.db.replicationJob.findUnique({ where: { id: jobRowId }, include: { cluster: true } });
  if (!job) return null;
  if (job.status !== "syncing" || !job.stateNode || !job.cluster.enabled) return { running: false };
  const client = deps.clientFor(job.cluster);
  try {
    const log = await getReplicationLog(client, job.stateNode, job.jobId, { limit: 0, signal: AbortSignal.timeout(LIVE_LOG_TIMEOUT_MS) });
    return { running: true, node: job.stateNode, lines: log.data.map((l) => l.t) };
  } catch (error) {
    return { running: true, node: job.stateNode, lines: [], error: error instanceof Error ? error.message : String(error) };
  }
}
