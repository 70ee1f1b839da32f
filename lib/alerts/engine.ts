import type { PrismaClient } from "@/prisma/generated/client";
import type { DeliveryDeps } from "./channels/deliver";
import { deliverDue, type DeliverySummary } from "./deliver-due";
import { evaluateAlerts, type EvaluationSummary } from "./evaluate";

export type AlertEngineDeps = DeliveryDeps & {
  db: PrismaClient;
  encryptionKey: Buffer;
  appUrl: string;
  now?: () => Date;
  pollIntervalSeconds?: number;
  /** How often the outbox is looked at without a kick (retries). */
  outboxTickMs?: number;
  /** How often every cluster is evaluated without a poll (poller behind, repeats, silences expiring). */
  evaluateEveryMs?: number;
  log?: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

export type AlertEngine = {
  /** Evaluates the given clusters (all when omitted); evaluations run one at a time. */
  evaluate(clusterIds?: string[]): Promise<EvaluationSummary | null>;
  /** Sends what is due now instead of at the next tick. */
  kick(): Promise<DeliverySummary | null>;
  stop(): Promise<void>;
};

/**
 * The alert loop of one process: evaluation after every poll (the poller's onCycle) and every
 * `evaluateEveryMs`, and the outbox sender. Nothing here can block or break the poller: the
 * callers fire and forget, and every failure is logged here.
 */
export function startAlertEngine(deps: AlertEngineDeps): AlertEngine {
  const now = deps.now ?? (() => new Date());
  let chain: Promise<unknown> = Promise.resolve();
  let sending: Promise<DeliverySummary | null> | null = null;
  let again = false;
  let stopped = false;

  const evaluate = (clusterIds?: string[]) => {
    const run = chain.then(async () => {
      if (stopped) return null;
      try {
        const summary = await evaluateAlerts({ db: deps.db, now, appUrl: deps.appUrl, pollIntervalSeconds: deps.pollIntervalSeconds }, clusterIds);
        if (summary.queued > 0) void kick();
        return summary;
      } catch (error) {
        deps.log?.error({ err: error, clusters: clusterIds }, "Alert evaluation failed");
        return null;
      }
    });
    chain = run;
    return run;
  };

  const kick = (): Promise<DeliverySummary | null> => {
    if (sending) {
      again = true;
      return sending;
    }
    sending = (async () => {
      let last: DeliverySummary | null = null;
      do {
        again = false;
        try {
          last = await deliverDue({
            ...deps,
            now,
            onError: (info) => deps.log?.warn(info, "Alert delivery failed; it will be retried"),
          });
        } catch (error) {
          deps.log?.error({ err: error }, "Alert outbox failed");
        }
      } while (again && !stopped);
      sending = null;
      return last;
    })();
    return sending;
  };

  const outboxTimer = setInterval(() => void kick(), deps.outboxTickMs ?? 5000);
  const evaluateTimer = setInterval(() => void evaluate(), deps.evaluateEveryMs ?? 30_000);
  outboxTimer.unref?.();
  evaluateTimer.unref?.();
  void evaluate();

  return {
    evaluate,
    kick,
    async stop() {
      stopped = true;
      clearInterval(outboxTimer);
      clearInterval(evaluateTimer);
      await chain.catch(() => undefined);
      await sending;
    },
  };
}

// One engine per server process; route handlers reach it here (a no-op before boot).
const globalForAlerts = globalThis as unknown as { pveStandbyAlerts?: AlertEngine };

export function setAppAlertEngine(engine: AlertEngine): AlertEngine {
  globalForAlerts.pveStandbyAlerts ??= engine;
  return globalForAlerts.pveStandbyAlerts;
}

export function getAppAlertEngine(): AlertEngine | undefined {
  return globalForAlerts.pveStandbyAlerts;
}
