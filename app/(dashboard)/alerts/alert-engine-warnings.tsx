import { TriangleAlert } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import type { AlertEngineHealth } from "@/lib/alerts/engine-health";
import type { PollerHealth } from "@/lib/poller/health";
import { utc } from "./alert-format";

/** Whether "no active alerts" can be believed: the rules are being evaluated and the poller is keeping up. */
export function alertsAreCurrent(engine: AlertEngineHealth[], poller: PollerHealth): boolean {
  return engine.find((h) => h.job === "evaluate")?.status === "ok" && poller.status === "ok";
}

/**
 * What keeps the Alerts page from being the whole truth, said above it: the alert engine failing
 * or not running, the outbox failing, or the poller behind (its facts are what the rules read).
 */
export function AlertEngineWarnings({ engine, poller }: { engine: AlertEngineHealth[]; poller: PollerHealth }) {
  const evaluate = engine.find((h) => h.job === "evaluate");
  const deliver = engine.find((h) => h.job === "deliver");
  const unpolled = poller.clusters.filter((c) => c.status === "unpolled");
  const warnings: { title: string; text: string }[] = [];
  if (evaluate && evaluate.status !== "ok") {
    warnings.push({
      title: evaluate.status === "failing" ? `Alert evaluation is failing (${evaluate.failures}× since ${utc(evaluate.lastFailureAt)})` : "Alerts are not being evaluated",
      text:
        evaluate.status === "failing"
          ? `${evaluate.lastFailure ?? "unknown error"}. The list below is from the last evaluation that worked (${utc(evaluate.lastOkAt)}) and may be out of date; see the server log.`
          : `No evaluation has succeeded ${evaluate.lastOkAt ? `since ${utc(evaluate.lastOkAt)}` : "yet"}: no process is running the alert engine, or it hangs. The list below may be out of date.`,
    });
  }
  if (deliver?.status === "failing") {
    warnings.push({ title: `Sending alerts is failing (${deliver.failures}×)`, text: `${deliver.lastFailure ?? "unknown error"}. Queued notifications are kept and sent once it works again.` });
  }
  if (poller.loop.status !== "ok" && poller.clusters.some((c) => c.status !== "paused" && c.status !== "removed")) {
    warnings.push({
      title: poller.loop.status === "failing" ? "The poller is failing" : "The poller is not running",
      text:
        poller.loop.status === "failing"
          ? `${poller.loop.lastFailure ?? "unknown error"} (${poller.loop.consecutiveFailures}× in a row). Alerts are evaluated from what it last read.`
          : `No poller has ticked ${poller.loop.lastTickAt ? `since ${utc(poller.loop.lastTickAt)}` : "yet"} (start the app with the poller, or npm run poller). Alerts are evaluated from what it last read.`,
    });
  }
  if (unpolled.length > 0) {
    warnings.push({
      title: "The poller is behind",
      text: `${unpolled.map((c) => `${c.name} (last read ${utc(c.lastPollOkAt)})`).join(", ")} not polled for several intervals: what happened there since is not known here.`,
    });
  }
  if (warnings.length === 0) return null;
  return (
    <div className="mb-6 flex flex-col gap-3">
      {warnings.map((w) => (
        <Alert key={w.title} variant="destructive">
          <TriangleAlert />
          <AlertTitle>{w.title}</AlertTitle>
          <AlertDescription>{w.text}</AlertDescription>
        </Alert>
      ))}
    </div>
  );
}
