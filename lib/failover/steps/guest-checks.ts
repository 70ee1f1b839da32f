import { getGuestStatus } from "@/lib/proxmox/guests";
import { PveBusinessError } from "@/lib/proxmox/errors";
import { gatherSwitchoverPreflight } from "../gather";
import { guestEntries, jobsOfGuest, readLiveCluster } from "../live-state";
import type { StepContext, StepHandler } from "../step-types";
import { guestPlanSchema, type GuestPlan } from "../types";

const label = (g: GuestPlan) => `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}`;
const plan = (ctx: StepContext) => guestPlanSchema.parse(ctx.params);

/** The confirmation-time checklist, run again against live state right before acting. */
export const preflightStep: StepHandler = {
  timeoutSeconds: 600,
  async check(ctx) {
    const g = plan(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    // Resuming after the migration already happened: the checklist no longer applies.
    if (guestEntries(live, g.vmid)[0]?.node === g.target) {
      return { outcome: "already-done", message: `${label(g)} already runs on ${g.target}; the checklist is moot.` };
    }
    const pre = await gatherSwitchoverPreflight({ db: ctx.deps.db, client: ctx.client, now: ctx.deps.now }, ctx.op.clusterId, g.vmid, g.target, { live, ownOperationId: ctx.op.id });
    const failed = pre.checks.filter((c) => c.result === "fail");
    if (failed.length) return { outcome: "fail", checks: pre.checks, message: `Not moved: ${failed.map((c) => c.message).join(" ")}` };
    const warnings = pre.checks.filter((c) => c.result === "warning").length;
    return { outcome: "ready", checks: pre.checks, message: warnings ? `Checks passed with ${warnings} warning(s).` : "All checks passed." };
  },
  async verify(ctx) {
    return { outcome: "done", message: ctx.step.message ?? "Checked." };
  },
};

/** A step that sends nothing: its check goes straight to verifying what `verify` reads. */
function readOnlyStep(timeoutSeconds: number, reading: string, verify: StepHandler["verify"]): StepHandler {
  return {
    timeoutSeconds,
    async check() {
      return { outcome: "already-done", message: reading };
    },
    verify,
  };
}

/** The guest runs on the target and nowhere else: one entry in the cluster, none left on the source. */
export const verifyPlacementStep = readOnlyStep(180, "Reading where the guest runs.", async (ctx) => {
  const g = plan(ctx);
  const live = await readLiveCluster(ctx.client, ctx.deps.now);
  const entries = guestEntries(live, g.vmid);
  if (entries.length > 1) return { outcome: "fail", message: `Proxmox lists ${label(g)} on ${entries.map((e) => e.node).join(" and ")}: check it now.` };
  const entry = entries[0];
  if (!entry || entry.node !== g.target) return { outcome: "fail", message: `${label(g)} is on ${entry?.node ?? "no node"}, not on ${g.target}.` };
  const onSource = await getGuestStatus(ctx.client, g.source, g.type, g.vmid).then(
    () => true,
    (error: unknown) => {
      if (error instanceof PveBusinessError && /does not exist/.test(error.message)) return false;
      throw error;
    },
  );
  if (onSource) return { outcome: "fail", message: `${g.source} still has a configuration for ${label(g)}.` };
  const status = await getGuestStatus(ctx.client, g.target, g.type, g.vmid);
  const result = { node: entry.node, status: status.data.status };
  if (g.running && status.data.status !== "running") return { outcome: "wait", message: `${label(g)} is on ${g.target} but ${status.data.status}; waiting for it to run.`, result };
  return { outcome: "done", message: `${label(g)} is ${status.data.status} on ${g.target} and nowhere else; ${g.source} no longer has it.`, result };
});

/** Proxmox turns the job around after migrating to a replication target (QemuMigrate/LXC Migrate). */
export const verifyJobsStep = readOnlyStep(300, "Reading the replication jobs.", async (ctx) => {
  const g = plan(ctx);
  const live = await readLiveCluster(ctx.client, ctx.deps.now);
  const jobs = jobsOfGuest(live, g.vmid);
  const job = jobs.find((j) => j.id === g.jobId);
  const result = { jobs: jobs.map((j) => ({ id: j.id, source: j.source ?? null, target: j.target })) };
  if (!job) return { outcome: "fail", message: `Job ${g.jobId} no longer exists.`, result };
  const others = jobs.filter((j) => j.id !== g.jobId && j.source && j.source !== g.target);
  if (job.target === g.source && (job.source ?? g.target) === g.target && others.length === 0) {
    return { outcome: "done", message: `Job ${g.jobId} now replicates ${g.target} → ${g.source}, turned around by Proxmox.`, result };
  }
  return { outcome: "wait", message: `Job ${g.jobId} still reads ${job.source ?? "?"} → ${job.target}; waiting for Proxmox to turn it around.`, result };
});

/** A guest of an evacuated node that is not moved: recorded with the reason, never silently. */
export const leaveAloneStep: StepHandler = {
  timeoutSeconds: 1,
  async check() {
    return { outcome: "fail", message: "Left alone." };
  },
  async verify() {
    return { outcome: "done", message: "Left alone." };
  },
};
