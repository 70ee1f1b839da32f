// The duration of each cluster's last poll cycle, as this process's poller measured it (onCycle).
// Kept in memory: a scrape of another instance shows only the clusters that instance polls.
const globalForStats = globalThis as unknown as { pveStandbyPollStats?: Map<string, { ms: number; ok: boolean }> };

function stats() {
  globalForStats.pveStandbyPollStats ??= new Map();
  return globalForStats.pveStandbyPollStats;
}

export function recordPollCycle(clusterId: string, ms: number, ok: boolean): void {
  stats().set(clusterId, { ms, ok });
}

export function lastPollCycle(clusterId: string): { ms: number; ok: boolean } | undefined {
  return stats().get(clusterId);
}
