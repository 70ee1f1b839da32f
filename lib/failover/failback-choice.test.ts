import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { startSimulatedCluster } from "@/lib/testing/simulated-cluster";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { PrismaClient } from "@/prisma/generated/client";
import { advanceOperation } from "./engine";
import { recordFailbackChoice } from "./failback-choice";
import { startFailbackHold } from "./failback-plan";
import { failbackOnPage, failoverDeps, losePve1 as losePve1In, OLIVIA, operationPasses, simMillis, stepOf as stepOfIn } from "./failback-test-support";
import { getOperationView } from "./queries";

// The operator's keep/discard for a failback hold, against the simulated cluster over HTTPS: who
// may choose and when, once; where the choice is stored (the decide step's decision column), and
// that neither a running executor pass nor a hold stored the old way loses it.

let db: PrismaClient;
let fx: SimulatorFixture;
let cleanup: () => Promise<void>;
const olivia = OLIVIA;

beforeEach(async () => {
  ({ db, fx, cleanup } = await startSimulatedCluster());
  // vm:100's first full sync (232 GiB at 80 MB/s) takes most of an hour.
  fx.sim.advance(3 * 3600);
});
afterEach(() => cleanup());

const now = () => simMillis(fx);
const losePve1 = () => losePve1In(db, fx);
const passes = (client: ProxmoxClient, operationId: string, count: number) => operationPasses(db, fx, client, operationId, count);
const stepOf = (operationId: string, kind: string) => stepOfIn(db, operationId, kind);

// Each test replays a node failure and HA recovery over HTTPS: minutes on a loaded machine.
describe("the keep/discard choice of a failback hold", { timeout: 120_000 }, () => {
  it("a keep chosen while the executor is checking the decide step is not lost (nor read as discard)", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 4)).toBe("running");
    // The pass reads the waiting decide step, then Proxmox; the choice lands meanwhile.
    const pass = advanceOperation(failoverDeps(db, fx, survivors), op.id, survivors);
    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "keep", user: olivia, now: now() });
    await pass;
    expect(await passes(survivors, op.id, 6)).toBe("running");
    expect((await stepOf(op.id, "failback-decide")).state).toBe("done");
    const preserve = await stepOf(op.id, "failback-preserve");
    expect(preserve.message).toMatch(/pve1 is offline: its volumes are kept once it is back/);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();
    const page = await failbackOnPage(db, fx);
    expect(page.hold?.decision).toMatchObject({ choice: "keep", by: olivia.label });
    expect(page.hold?.asksChoice).toBe(false);
  });

  it("the choice round-trips through the decide step's decision column: stored there only, read by the steps and the page", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 4)).toBe("running");
    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "keep", user: olivia, now: now() });
    const decide = await stepOf(op.id, "failback-decide");
    expect(JSON.parse(decide.decision!)).toEqual({ choice: "keep", by: olivia.label, byId: olivia.id, at: new Date(now()).toISOString() });
    // Nothing is stored the old way any more.
    const lane = await db.failoverStep.findMany({ where: { operationId: op.id, vmid: 100 } });
    expect(lane.filter((s) => s.kind !== "failback-decide").map((s) => s.decision)).toEqual(lane.filter((s) => s.kind !== "failback-decide").map(() => null));
    expect(lane.some((s) => "decision" in (JSON.parse(s.result) as object))).toBe(false);
    expect(await passes(survivors, op.id, 6)).toBe("running");
    expect(await stepOf(op.id, "failback-decide")).toMatchObject({ state: "done", message: `${olivia.label} chose to keep pve1's writes.` });
    expect((await stepOf(op.id, "failback-preserve")).message).toMatch(/pve1 is offline: its volumes are kept once it is back/);
    const view = await getOperationView(db, op.id, olivia.id);
    expect(view?.steps.find((s) => s.kind === "failback-decide")?.decision).toMatchObject({ choice: "keep", by: olivia.label });
  });

  it("a hold stored before the decision column (its keep in the preserve step's result) goes on with that keep, and takes no second choice", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    expect(await passes(survivors, op.id, 4)).toBe("running");
    expect((await stepOf(op.id, "failback-decide")).state).toBe("checking");
    // What the previous route wrote: {decision: {choice, by, at (seconds)}} merged into the preserve step's result.
    const preserve = await stepOf(op.id, "failback-preserve");
    const legacy = { ...(JSON.parse(preserve.result) as object), decision: { choice: "keep", by: olivia.label, at: fx.sim.now() } };
    await db.failoverStep.update({ where: { id: preserve.id }, data: { result: JSON.stringify(legacy) } });
    const page = () => failbackOnPage(db, fx);
    expect((await page()).hold).toMatchObject({ decision: { choice: "keep", by: olivia.label, byId: null }, asksChoice: false });
    await expect(recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "discard", user: olivia, now: now() })).rejects.toThrow(/already made/);
    expect(await passes(survivors, op.id, 6)).toBe("running");
    expect(await stepOf(op.id, "failback-decide")).toMatchObject({ state: "done", message: `${olivia.label} chose to keep pve1's writes.`, decision: null });
    expect((await stepOf(op.id, "failback-preserve")).message).toMatch(/pve1 is offline: its volumes are kept once it is back/);
    expect(fx.sim.model.jobs.get("100-0")?.disable).toBeTruthy();
  });

  it("only the operator holding the hold decides, once", async () => {
    const survivors = await losePve1();
    const op = await startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia);
    // Not before the question is asked: the job is held first.
    await expect(recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "keep", user: olivia, now: now() })).rejects.toThrow(/not asked yet/);
    expect(await passes(survivors, op.id, 4)).toBe("running");
    expect((await stepOf(op.id, "failback-decide")).state).toBe("checking");
    await expect(recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "keep", user: { id: "user-2", label: "sam@example.com" }, now: now() })).rejects.toThrow(/olivia@example.com holds this operation/);
    await recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "keep", user: olivia, now: now() });
    await expect(recordFailbackChoice(db, { operationId: op.id, vmid: 100, choice: "discard", user: olivia, now: now() })).rejects.toThrow(/already made/);
    await expect(startFailbackHold({ db, client: survivors, now }, { clusterId: "demo", node: "pve1", vmids: [100] }, olivia)).rejects.toThrow(/held by olivia/);
  });
});
