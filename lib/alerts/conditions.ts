import { formatDuration } from "@/lib/replication/format-duration";
import { readPollerHealth, STALE_AFTER_INTERVALS } from "@/lib/poller/health";
import type { PrismaClient } from "@/prisma/generated/client";
import { collectFailbackDecisionConditions } from "./failback-decision";
import { clusterNowSeconds, jobAlertFacts, type JobAlertFacts } from "./job-facts";
import { ALERT_RULES, RULE_INFO, resolveSettings, type AlertRule, type Severity, type SettingRow } from "./rules";

/** One condition that holds now; the evaluator turns it into an alert (or keeps the open one). */
export type Condition = {
  key: string;
  rule: AlertRule;
  severity: Severity;
  clusterId: string;
  clusterName: string;
  jobRowId: string | null;
  subjectType: "job" | "node" | "cluster";
  subjectId: string;
  title: string;
  detail: string;
  lastError: string | null;
  lagSeconds: number | null;
  rpoSeconds: number | null;
  /** Path inside the app (the message adds APP_URL). */
  link: string;
  facts: Record<string, string | number | null>;
};

export type ClusterConditions = {
  clusterId: string;
  conditions: Condition[];
  /**
   * Rules whose inputs could not be read this time (the cluster did not answer): their open
   * alerts are neither resolved nor re-fired until the cluster answers again.
   */
  unknownRules: AlertRule[];
};

export type ConditionOptions = {
  now: Date;
  settings: SettingRow[];
  /** The poller's interval override (POLL_INTERVAL_SECONDS), else each cluster's own. */
  pollIntervalSeconds?: number;
};

/** What is wrong with one cluster right now, from pve-standby's database (the poller's last read). */
export async function collectClusterConditions(db: PrismaClient, clusterId: string, options: ConditionOptions): Promise<ClusterConditions | null> {
  const cluster = await db.cluster.findUnique({ where: { id: clusterId } });
  if (!cluster) return null;
  const { now, settings } = options;
  // Removed with history kept: nothing is watched any more, so its alerts resolve. Paused: the
  // state is unknown, so open alerts are kept as they are (no reminders) until polling resumes.
  if (cluster.secretSealed === "") return { clusterId, conditions: [], unknownRules: [] };
  if (!cluster.enabled) return { clusterId, conditions: [], unknownRules: [...ALERT_RULES] };
  const conditions: Condition[] = [];
  const base = { clusterId, clusterName: cluster.name, jobRowId: null, lastError: null, lagSeconds: null, rpoSeconds: null };
  const enabled = (rule: AlertRule, jobRowId?: string) => resolveSettings(rule, settings, clusterId, jobRowId);

  // A poll whose cluster-wide read failed leaves lastPollOkAt behind lastPollAt.
  const readFailed = cluster.lastPollAt !== null && (cluster.lastPollOkAt === null || cluster.lastPollOkAt < cluster.lastPollAt) && cluster.lastErrorKind !== "partial";
  const since = cluster.lastPollOkAt ? `last answered ${cluster.lastPollOkAt.toISOString()}` : "never answered";
  if (readFailed && cluster.lastErrorKind === "certificate" && enabled("certificate-changed").enabled) {
    conditions.push({
      ...base, key: `certificate-changed:${clusterId}`, rule: "certificate-changed", severity: RULE_INFO["certificate-changed"].severity,
      subjectType: "cluster", subjectId: clusterId,
      title: `Certificate of cluster ${cluster.name} changed`,
      detail: `A node presented a certificate that is not pinned; pve-standby stopped talking to it (${since}). Check it with \`pvenode cert info\` and pin the new one on the cluster page.`,
      lastError: cluster.lastError, link: `/clusters/${clusterId}`, facts: { lastPollOkAt: cluster.lastPollOkAt?.toISOString() ?? null },
    });
  } else if (readFailed && enabled("cluster-unreachable").enabled) {
    conditions.push({
      ...base, key: `cluster-unreachable:${clusterId}`, rule: "cluster-unreachable", severity: RULE_INFO["cluster-unreachable"].severity,
      subjectType: "cluster", subjectId: clusterId,
      title: `Cluster ${cluster.name} cannot be read`,
      detail: `The last poll failed (${cluster.lastErrorKind ?? "error"}); ${since}. Job states shown are the last known ones.`,
      lastError: cluster.lastError, link: `/clusters/${clusterId}`, facts: { errorKind: cluster.lastErrorKind, lastPollOkAt: cluster.lastPollOkAt?.toISOString() ?? null },
    });
  }

  // The poller's own health (lib/poller/health.ts) says whether this cluster went unpolled or the loop is failing.
  const behind = enabled("poller-behind");
  if (cluster.enabled && behind.enabled) {
    const health = await readPollerHealth(db, now, { clusterId, intervalSeconds: options.pollIntervalSeconds });
    const mine = health.clusters[0];
    const loopBad = health.loop.status !== "ok";
    // Polls that run but fail are "cluster unreachable"; this rule is about polls that do not run.
    const interval = (mine?.intervalSeconds ?? cluster.pollIntervalSeconds) * 1000;
    const attemptsStopped = cluster.lastPollAt === null || now.getTime() - cluster.lastPollAt.getTime() >= STALE_AFTER_INTERVALS * interval;
    if ((mine?.status === "unpolled" && attemptsStopped) || loopBad) {
      const age = mine?.pollAgeSeconds;
      const loop = loopBad ? `The poller loop is ${health.loop.status}${health.loop.lastFailure ? `: ${health.loop.lastFailure}` : ""}. ` : "";
      conditions.push({
        ...base, key: `poller-behind:${clusterId}`, rule: "poller-behind", severity: RULE_INFO["poller-behind"].severity,
        subjectType: "cluster", subjectId: clusterId,
        title: `Cluster ${cluster.name} ${age === null || age === undefined ? "has never been polled" : `has not been polled for ${formatDuration(age)}`}`,
        detail: `${loop}Expected a poll every ${formatDuration(mine?.intervalSeconds ?? cluster.pollIntervalSeconds)}; everything shown for this cluster is getting older.`,
        lastError: mine?.lastFailure ?? health.loop.lastFailure, link: `/clusters/${clusterId}`,
        facts: { lastPollOkAt: mine?.lastPollOkAt ?? null, loop: health.loop.status, consecutiveFailures: mine?.consecutiveFailures ?? null },
      });
    }
  }

  // From our database (the holds), not from this poll: known whether or not the cluster answered.
  conditions.push(...(await collectFailbackDecisionConditions(db, cluster, { now, settings })));

  if (readFailed) return { clusterId, conditions, unknownRules: ["job-failed", "job-stale", "node-offline"] };

  const [nodes, guests, jobs] = await Promise.all([
    db.clusterNode.findMany({ where: { clusterId } }),
    db.guest.findMany({ where: { clusterId, goneAt: null }, select: { vmid: true, name: true, node: true, type: true } }),
    db.replicationJob.findMany({ where: { clusterId, goneAt: null } }),
  ]);
  const guestByVmid = new Map(guests.map((g) => [g.vmid, g]));
  const offline = new Set<string>();
  for (const node of nodes) {
    if (node.online) continue;
    offline.add(node.name);
    if (!enabled("node-offline").enabled) continue;
    const affected = guests.filter((g) => g.node === node.name).sort((a, b) => a.vmid - b.vmid);
    const list = affected.map((g) => `${g.vmid}${g.name ? ` (${g.name})` : ""}`).join(", ");
    conditions.push({
      ...base, key: `node-offline:${clusterId}/${node.name}`, rule: "node-offline", severity: RULE_INFO["node-offline"].severity,
      subjectType: "node", subjectId: `${clusterId}/${node.name}`,
      title: `Node ${node.name} of ${cluster.name} is offline`,
      detail: affected.length ? `${affected.length} guest(s) affected: ${list}. Fail over from the Failover page if it does not come back.` : "No guests run on it.",
      link: `/failover?cluster=${encodeURIComponent(clusterId)}&node=${encodeURIComponent(node.name)}`,
      facts: { node: node.name, guests: list || null, lastSeenAt: node.lastSeenAt?.toISOString() ?? null },
    });
  }

  const clusterNow = clusterNowSeconds(now, cluster.clockSkewMs);
  const nodeOnline = new Map(nodes.map((n) => [n.name, n.online]));
  for (const job of jobs) {
    const facts = jobAlertFacts(job, { clusterNow, targetOnline: nodeOnline.get(job.target) ?? null });
    if (facts.removalScheduled) continue;
    const guest = guestByVmid.get(job.vmid);
    const what = `job ${job.jobId} (${guest?.name ? `${guest.name}, ` : ""}VM ${job.vmid}) ${job.source ?? guest?.node ?? "?"} → ${job.target}`;
    const jobBase = {
      ...base, jobRowId: job.id, subjectType: "job" as const, subjectId: job.id, lastError: facts.error,
      lagSeconds: facts.lagSeconds, rpoSeconds: facts.rpoSeconds, link: `/replication/${job.id}`, facts: jobFactsForMessage(facts, guest?.name ?? null),
    };
    const failed = enabled("job-failed", job.id);
    if (failed.enabled && !job.disabled && facts.failCount >= Math.max(1, failed.threshold)) {
      conditions.push({
        ...jobBase, key: `job-failed:${job.id}`, rule: "job-failed", severity: RULE_INFO["job-failed"].severity,
        title: `Replication ${what} on ${cluster.name} failed ${facts.failCount}×`,
        detail: facts.statusMessage,
      });
    }
    if (enabled("rpo-breached", job.id).enabled && facts.overRpo) {
      conditions.push({
        ...jobBase, key: `rpo-breached:${job.id}`, rule: "rpo-breached", severity: RULE_INFO["rpo-breached"].severity,
        title: `Copy of ${what} on ${cluster.name} is older than its RPO`,
        detail: `Lag ${formatDuration(facts.lagSeconds ?? 0)} against an RPO of ${formatDuration(facts.rpoSeconds)}${job.disabled ? " (the job is disabled)" : ""}.`,
      });
    }
    const owner = job.source ?? guest?.node;
    if (enabled("job-stale", job.id).enabled && facts.status === "stale" && !(owner && offline.has(owner))) {
      conditions.push({
        ...jobBase, key: `job-stale:${job.id}`, rule: "job-stale", severity: RULE_INFO["job-stale"].severity,
        title: `State of ${what} on ${cluster.name} cannot be read`,
        detail: facts.statusMessage,
      });
    }
  }
  return { clusterId, conditions, unknownRules: [] };
}

function jobFactsForMessage(facts: JobAlertFacts, guestName: string | null): Record<string, string | number | null> {
  return {
    jobId: facts.jobId, vmid: facts.vmid, guest: guestName, source: facts.source, target: facts.target, status: facts.status,
    failCount: facts.failCount, lastSync: facts.lastSync, lagSeconds: facts.lagSeconds, rpoSeconds: facts.rpoSeconds,
  };
}
