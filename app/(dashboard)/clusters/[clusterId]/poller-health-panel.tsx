"use client";

import { useQuery } from "@tanstack/react-query";
import { LocalTime } from "@/components/local-time";
import { StatusBadge, type StatusTone } from "@/components/status-badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { ClusterPollerHealth, ClusterPollHealth, LoopHealth } from "@/lib/poller/health";
import { clusterPollerHealthQuery } from "@/lib/query/clusters";
import { formatDuration } from "@/lib/replication/format-duration";

const CLUSTER_WORDS: Record<ClusterPollHealth["status"], { tone: StatusTone; label: string }> = {
  ok: { tone: "ok", label: "Polling" },
  failing: { tone: "warn", label: "Poll failing" },
  unpolled: { tone: "fail", label: "Not polled" },
  paused: { tone: "unknown", label: "Paused" },
  removed: { tone: "unknown", label: "Removed" },
};

const LOOP_WORDS: Record<LoopHealth["status"], { tone: StatusTone; text: string }> = {
  ok: { tone: "ok", text: "running" },
  failing: { tone: "fail", text: "failing" },
  silent: { tone: "fail", text: "stopped ticking" },
  "not-running": { tone: "fail", text: "not running" },
};

/** The poller's own health for this cluster: last good cycle, consecutive failures, last failure, and the loop. */
export function PollerHealthPanel({ clusterId }: { clusterId: string }) {
  const { data, error } = useQuery(clusterPollerHealthQuery(clusterId));
  return (
    <section aria-labelledby="poller-health-heading">
      <Card className="gap-3 py-4">
        <CardHeader className="flex flex-row items-center justify-between px-4">
          <CardTitle id="poller-health-heading" className="text-base">
            Poller
          </CardTitle>
          {data && <StatusBadge status={CLUSTER_WORDS[data.cluster.status].tone}>{CLUSTER_WORDS[data.cluster.status].label}</StatusBadge>}
        </CardHeader>
        <CardContent className="px-4 text-sm">
          {!data ? (
            <p className="text-muted-foreground">{error ? `The poller's health cannot be read: ${error.message}` : "Reading the poller's health…"}</p>
          ) : (
            <PollerHealthFacts view={data} />
          )}
        </CardContent>
      </Card>
    </section>
  );
}

function PollerHealthFacts({ view }: { view: ClusterPollerHealth }) {
  const { cluster, loop } = view;
  const loopWords = LOOP_WORDS[loop.status];
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
      <dt className="text-muted-foreground">Last successful cycle</dt>
      <dd>
        {cluster.lastPollOkAt === null ? (
          "never"
        ) : (
          <>
            <LocalTime at={Date.parse(cluster.lastPollOkAt) / 1000} /> ({formatDuration(cluster.pollAgeSeconds ?? 0)} ago, every {formatDuration(cluster.intervalSeconds)})
          </>
        )}
      </dd>
      <dt className="text-muted-foreground">Consecutive failures</dt>
      <dd data-testid="poller-failures">{cluster.consecutiveFailures}</dd>
      <dt className="text-muted-foreground">Last failure</dt>
      <dd>
        {cluster.lastFailureAt === null ? (
          "none recorded"
        ) : (
          <>
            <LocalTime at={Date.parse(cluster.lastFailureAt) / 1000} />: <span className="break-words">{cluster.lastFailure}</span>
          </>
        )}
      </dd>
      <dt className="text-muted-foreground">Poll loop</dt>
      <dd className="inline-flex flex-wrap items-center gap-2">
        <StatusBadge status={loopWords.tone}>{loopWords.text}</StatusBadge>
        {loop.tickAgeSeconds !== null && <span>last tick {formatDuration(loop.tickAgeSeconds)} ago</span>}
        {loop.consecutiveFailures > 0 && loop.lastFailure && (
          <span>
            {loop.consecutiveFailures} failed ticks; last: {loop.lastFailure}
          </span>
        )}
      </dd>
    </dl>
  );
}
