import { Counter, Gauge, Registry } from "prom-client";
import type { PrismaClient } from "@/prisma/generated/client";
import { clusterNowSeconds, jobAlertFacts } from "../job-facts";
import { ALERT_RULES } from "../rules";
import { targetOnlineLookup } from "@/lib/replication/job-view";
import { JOB_STATUSES } from "@/lib/replication/status";

/**
 * Builds the scrape from pve-standby's database. Per job, prometheus-pve-exporter's names and
 * labels (id, and type/source/target/guest on pve_replication_info) plus a `cluster` label,
 * since one pve-standby watches several clusters whose job ids repeat. What only pve-standby
 * knows is under pve_standby_*.
 */
export async function collectMetrics(db: PrismaClient, now: Date): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const g = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  const jobLabels = ["cluster", "id"];
  const info = g("pve_replication_info", "Proxmox vm replication info", ["cluster", "id", "type", "source", "target", "guest"]);
  const duration = g("pve_replication_duration_seconds", "Proxmox vm replication duration", jobLabels);
  const lastSync = g("pve_replication_last_sync_timestamp_seconds", "Proxmox vm replication last_sync", jobLabels);
  const lastTry = g("pve_replication_last_try_timestamp_seconds", "Proxmox vm replication last_try", jobLabels);
  const nextSync = g("pve_replication_next_sync_timestamp_seconds", "Proxmox vm replication next_sync", jobLabels);
  const failed = g("pve_replication_failed_syncs", "Proxmox vm replication fail_count", jobLabels);
  const lag = g("pve_standby_replication_lag_seconds", "Age of the newest replica on the cluster clock (absent when never synced)", jobLabels);
  const rpo = g("pve_standby_replication_rpo_seconds", "RPO in force for the job (the operator's, else derived from the schedule)", jobLabels);
  const overRpo = g("pve_standby_replication_over_rpo", "1 when the replica is older than the RPO", jobLabels);
  const status = g("pve_standby_replication_status", "1 for the job's current status, 0 for the others", [...jobLabels, "status"]);
  const runs = new Counter({ name: "pve_standby_replication_runs_total", help: "Runs pve-standby recorded, by outcome", labelNames: [...jobLabels, "outcome"], registers: [registry] });
  const up = g("pve_standby_cluster_up", "1 when the last poll read the cluster", ["cluster"]);
  const lastPoll = g("pve_standby_cluster_last_poll_timestamp_seconds", "When the last poll of the cluster ended (our clock)", ["cluster"]);
  const lastPollOk = g("pve_standby_cluster_last_successful_poll_timestamp_seconds", "When a poll last read the cluster (our clock)", ["cluster"]);
  const pollDuration = g("pve_standby_poll_duration_seconds", "Duration of the last poll cycle of the cluster", ["cluster"]);
  const pollRequests = g("pve_standby_poll_requests", "Proxmox API calls the last poll cycle of the cluster made", ["cluster"]);
  const activeAlerts = g("pve_standby_alerts_active", "Active alerts by rule", ["rule"]);

  const [clusters, jobs, guests, runGroups, alertGroups, nodes] = await Promise.all([
    db.cluster.findMany(),
    db.replicationJob.findMany({ where: { goneAt: null } }),
    db.guest.findMany({ where: { goneAt: null }, select: { clusterId: true, vmid: true, type: true, node: true } }),
    db.jobRun.groupBy({ by: ["jobRowId", "outcome"], _count: true }),
    db.alert.groupBy({ by: ["rule"], where: { resolvedAt: null }, _count: true }),
    db.clusterNode.findMany({ select: { clusterId: true, name: true, online: true } }),
  ]);
  const targetOnline = targetOnlineLookup(nodes);
  const clusterById = new Map(clusters.map((c) => [c.id, c]));
  const guestKey = (clusterId: string, vmid: number) => `${clusterId}/${vmid}`;
  const guestBy = new Map(guests.map((gu) => [guestKey(gu.clusterId, gu.vmid), gu]));
  const jobLabel = new Map<string, { cluster: string; id: string }>();

  for (const job of jobs) {
    const cluster = clusterById.get(job.clusterId);
    if (!cluster) continue;
    const labels = { cluster: cluster.name, id: job.jobId };
    jobLabel.set(job.id, labels);
    const guest = guestBy.get(guestKey(job.clusterId, job.vmid));
    const source = job.source ?? guest?.node ?? "";
    info.set({ ...labels, type: "local", source: `node/${source}`, target: `node/${job.target}`, guest: `${guest?.type ?? "qemu"}/${job.vmid}` }, 1);
    if (job.duration !== null) duration.set(labels, job.duration);
    if (job.lastSync !== null) lastSync.set(labels, job.lastSync);
    if (job.lastTry !== null) lastTry.set(labels, job.lastTry);
    if (job.nextSync !== null) nextSync.set(labels, job.nextSync);
    failed.set(labels, job.failCount);
    const facts = jobAlertFacts(job, { clusterNow: clusterNowSeconds(now, cluster.clockSkewMs), targetOnline: targetOnline(job.clusterId, job.target) });
    if (facts.lagSeconds !== null) lag.set(labels, facts.lagSeconds);
    rpo.set(labels, facts.rpoSeconds);
    overRpo.set(labels, facts.overRpo ? 1 : 0);
    for (const s of JOB_STATUSES) status.set({ ...labels, status: s }, s === facts.status ? 1 : 0);
  }
  for (const group of runGroups) {
    const labels = jobLabel.get(group.jobRowId);
    if (labels) runs.inc({ ...labels, outcome: group.outcome }, group._count);
  }
  for (const cluster of clusters) {
    const readOk = cluster.lastPollOkAt !== null && (cluster.lastPollAt === null || cluster.lastPollOkAt >= cluster.lastPollAt);
    up.set({ cluster: cluster.name }, readOk ? 1 : 0);
    if (cluster.lastPollAt) lastPoll.set({ cluster: cluster.name }, cluster.lastPollAt.getTime() / 1000);
    if (cluster.lastPollOkAt) lastPollOk.set({ cluster: cluster.name }, cluster.lastPollOkAt.getTime() / 1000);
    // Stored with the poll by whichever process polled it (lib/poller/request-count.ts).
    if (cluster.lastPollMs !== null) pollDuration.set({ cluster: cluster.name }, cluster.lastPollMs / 1000);
    if (cluster.lastPollRequests !== null) pollRequests.set({ cluster: cluster.name }, cluster.lastPollRequests);
  }
  // Every rule is exported, 0 while clear, so a PromQL alert on any kind (failback-decision
  // included) sees a series instead of an absent one.
  for (const rule of ALERT_RULES) activeAlerts.set({ rule }, 0);
  for (const group of alertGroups) activeAlerts.set({ rule: group.rule }, group._count);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
