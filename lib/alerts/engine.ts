import crypto from "node:crypto";
import type { PrismaClient } from "@/prisma/generated/client";
import type { DeliveryDeps } from "./channels/deliver";
import { deliverDue, type DeliverySummary } from "./deliver-due";
import { withAlertLease } from "./engine-lease";
import { evaluateAlerts, type EvaluationSummary } from "./evaluate";

/** Without a poll, every cluster is evaluated this often (poller behind, repeats, silences expiring). */
export const EVALUATE_EVERY_MS = 30_000;
/** The outbox is looked at this often without a kick (retries). */
export const OUTBOX_TICK_MS = 5_000;

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
  /** Names this process in the evaluation and delivery leases. */
  holder?: string;
  /** How often to look again while another process holds a lease. */
  leaseRetryMs?: number;
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
 * callers fire and forget, and every failure is logged here and recorded for the Alerts page.
 *
 * Evaluating and sending each run under a database lease (engine-lease.ts): when the app and
 * `npm run poller` (or two app instances) share a database, one waits while the other
 * evaluates or sends, then runs itself, so a poll's results are still evaluated at once.
 */
export function startAlertEngine(deps: AlertEngineDeps): AlertEngine {
  const now = deps.now ?? (() => new Date());
  const holder = deps.holder ?? `alerts-${crypto.randomUUID()}`;
  let chain: Promise<unknown> = Promise.resolve();
  let sending: Promise<DeliverySummary | null> | null = null;
  let again = false;
  let stopped = false;
  const lease = {
    db: deps.db,
    holder,
    now,
    retryMs: deps.leaseRetryMs,
    cancelled: () => stopped,
    onLeaseTrouble: (error: unknown) => deps.log?.error({ err: error, holder }, "Alert engine lease trouble"),
  };

  const evaluate = (clusterIds?: string[]) => {
    const run = chain.then(async () => {
      if (stopped) return null;
      try {
        const result = await withAlertLease("evaluate", lease, () =>
          evaluateAlerts({ db: deps.db, now, appUrl: deps.appUrl, pollIntervalSeconds: deps.pollIntervalSeconds }, clusterIds),
        );
        if (!result.ran) return null;
        if (result.value.queued > 0) void kick();
        return result.value;
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
          const result = await withAlertLease("deliver", lease, () =>
            deliverDue({
              ...deps,
              now,
              onError: (info) => deps.log?.warn(info, "Alert delivery failed; it will be retried"),
            }),
          );
          if (result.ran) last = result.value;
        } catch (error) {
          deps.log?.error({ err: error }, "Alert outbox failed");
        }
      } while (again && !stopped);
      sending = null;
      return last;
    })();
    return sending;
  };

  const outboxTimer = setInterval(() => void kick(), deps.outboxTickMs ?? OUTBOX_TICK_MS);
  const evaluateTimer = setInterval(() => void evaluate(), deps.evaluateEveryMs ?? EVALUATE_EVERY_MS);
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
