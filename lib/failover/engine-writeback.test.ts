import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import type { FailoverDeps } from "./deps";
import { advanceOperation } from "./engine";
import type { StepHandler } from "./step-types";
import { STEP_HANDLERS } from "./steps";

// The engine's write-back never loses what a route wrote to a step while a phase of that step was
// running (an operator's decision, a key of `result`). Deterministic: the step's handler waits
// inside its check (or its action) on a gate the test opens only after the route's write landed.

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
let client: ProxmoxClient;
const original = STEP_HANDLERS.preflight;

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  client = fx.client();
});
afterEach(async () => {
  STEP_HANDLERS.preflight = original;
  client.close();
  await cleanup();
});

const now = () => fx.sim.now() * 1000;
const deps = (): FailoverDeps => ({ db, clientFor: () => client, now });

/** A gate a phase waits on, and a signal that the phase reached it. */
function gate() {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const arrived = new Promise<void>((r) => (reached = r));
  return { open, arrived, wait: async () => { reached(); await opened; } };
}

async function operationWithOneStep(result: Record<string, unknown>) {
  const op = await db.failoverOperation.create({
    data: { clusterId: "demo", kind: "switchover", title: "Write-back test", state: "running", createdById: "user-1", createdByLabel: "olivia@example.com" },
  });
  const step = await db.failoverStep.create({ data: { operationId: op.id, seq: 1, vmid: 100, kind: "preflight", title: "Check", state: "pending", result: JSON.stringify(result) } });
  return { op, step };
}

/** What a route does while the pass runs: stores an answer in `decision` and a key in `result`, from the row as it is now. */
async function routeWrites(stepId: string) {
  const row = await db.failoverStep.findUniqueOrThrow({ where: { id: stepId } });
  const result = { ...(JSON.parse(row.result) as Record<string, unknown>), fromRoute: "keep" };
  await db.failoverStep.update({ where: { id: stepId }, data: { result: JSON.stringify(result), decision: JSON.stringify({ choice: "keep" }) } });
}

describe("the engine's write-back of a step", () => {
  it("keeps what a route wrote while a check was in flight, and adds the check's own result", async () => {
    const g = gate();
    const handler: StepHandler = {
      timeoutSeconds: 3600,
      async check(ctx) {
        await g.wait();
        return { outcome: "wait", message: `waited (${String(ctx.result.planned)})`, result: { checkedAt: 1 } };
      },
      async verify() {
        return { outcome: "done", message: "done" };
      },
    };
    STEP_HANDLERS.preflight = handler;
    const { op, step } = await operationWithOneStep({ planned: "yes" });
    const pass = advanceOperation(deps(), op.id, client);
    await g.arrived;
    await routeWrites(step.id);
    g.open();
    expect((await pass).state).toBe("running");
    const after = await db.failoverStep.findUniqueOrThrow({ where: { id: step.id } });
    expect(JSON.parse(after.result)).toEqual({ planned: "yes", fromRoute: "keep", checkedAt: 1 });
    expect(after.decision).toBe(JSON.stringify({ choice: "keep" }));
    expect(after).toMatchObject({ state: "checking", message: "waited (yes)" });
  });

  it("keeps what a route wrote while an action was in flight, through the action's and the verification's write-back", async () => {
    const g = gate();
    const handler: StepHandler = {
      timeoutSeconds: 3600,
      async check() {
        return { outcome: "ready", message: "ready", result: { checked: true } };
      },
      async act() {
        await g.wait();
        return { message: "sent", result: { sent: true } };
      },
      async verify(ctx) {
        // The verification sees the route's key: its context is the row as stored after the action.
        return { outcome: "done", message: `verified (${String(ctx.result.fromRoute)})`, result: { verified: true } };
      },
    };
    STEP_HANDLERS.preflight = handler;
    const { op, step } = await operationWithOneStep({});
    const pass = advanceOperation(deps(), op.id, client);
    await g.arrived;
    await routeWrites(step.id);
    g.open();
    expect((await pass).state).toBe("succeeded");
    const after = await db.failoverStep.findUniqueOrThrow({ where: { id: step.id } });
    expect(JSON.parse(after.result)).toEqual({ checked: true, fromRoute: "keep", sent: true, verified: true });
    expect(after).toMatchObject({ state: "done", message: "verified (keep)", decision: JSON.stringify({ choice: "keep" }) });
  });
});
