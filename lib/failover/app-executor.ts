import type { Executor, ExecutorDeps } from "./executor";
import { startFailoverExecutor } from "./executor";

// One executor per server process; the globalThis slot survives dev-mode module reloads.
const globalForExecutor = globalThis as unknown as { pveStandbyFailoverExecutor?: Executor };

export function startAppFailoverExecutor(deps: ExecutorDeps): Executor {
  globalForExecutor.pveStandbyFailoverExecutor ??= startFailoverExecutor(deps);
  return globalForExecutor.pveStandbyFailoverExecutor;
}

/** Runs a pass now (after an operator starts, resumes or abandons) instead of at the next tick. */
export function triggerFailoverExecutor(): void {
  globalForExecutor.pveStandbyFailoverExecutor?.trigger();
}
