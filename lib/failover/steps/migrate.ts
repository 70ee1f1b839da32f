import { getHaStatus, moveHaResource } from "@/lib/proxmox/ha";
import { migrateGuest } from "@/lib/proxmox/guests";
import { guestEntries, haResourceOf, isOnline, readLiveCluster } from "../live-state";
import type { StepContext, StepHandler } from "../step-types";
import { guestPlanSchema, type GuestPlan } from "../types";
import { findMigrationTask, followTask, taskError, taskProgress, taskSucceeded } from "./task-follow";

// The migration itself. Idempotent: a guest already on the target is only recorded; a task
// whose UPID was stored is followed, never started again; after a restart between sending and
// storing, the task list of the source node tells whether it went out.

const label = (g: GuestPlan) => `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}`;
const plan = (ctx: StepContext) => guestPlanSchema.parse(ctx.params);
const clusterNow = (ctx: StepContext) => Number(ctx.result.checkedAt ?? 0);

export const migrateStep: StepHandler = {
  // A large first sync can take hours; HA answers in rounds of 10 s.
  timeoutSeconds: 6 * 3600,

  async check(ctx) {
    const g = plan(ctx);
    const live = await readLiveCluster(ctx.client, ctx.deps.now);
    const entries = guestEntries(live, g.vmid);
    const where = entries.map((e) => e.node).join(", ");
    const result = { checkedAt: live.now };
    if (entries.length !== 1) return { outcome: "fail", message: `Proxmox lists ${label(g)} ${entries.length} times (${where || "nowhere"}); nothing was sent.`, result };
    if (entries[0]?.node === g.target) return { outcome: "already-done", message: `${label(g)} already runs from ${g.target}; no migration sent.`, result };
    if (entries[0]?.node !== g.source) return { outcome: "fail", message: `${label(g)} is on ${where}, not on ${g.source}; nothing was sent.`, result };
    if (!live.quorate) return { outcome: "fail", message: "The cluster lost quorum; nothing was sent.", result };
    if (!isOnline(live, g.target)) return { outcome: "fail", message: `${g.target} went offline; nothing was sent.`, result };
    if (g.mode === "ha" && !haResourceOf(live, g.vmid)) return { outcome: "fail", message: `${label(g)} is no longer HA-managed; start a new switch-over.`, result };
    return { outcome: "ready", message: `${label(g)} is on ${g.source}; sending the migration.`, result };
  },

  async act(ctx) {
    const g = plan(ctx);
    if (g.mode === "ha") {
      const answer = await moveHaResource(ctx.client, g.haSid ?? `${g.type === "lxc" ? "ct" : "vm"}:${g.vmid}`, g.target, "migrate");
      const blocking = answer["blocking-resources"]?.map((b) => `${b.sid} (${b.cause})`).join(", ");
      return { message: `HA accepted the request to migrate ${answer.sid} to ${answer["requested-node"]}${blocking ? `; blocked by ${blocking}` : ""}.` };
    }
    const upid = await migrateGuest(ctx.client, g.source, g.type, g.vmid, {
      target: g.target,
      online: g.mode === "online" ? true : undefined,
      restart: g.mode === "restart" ? true : undefined,
    });
    return { upid, message: `Proxmox started the migration task ${upid}.` };
  },

  async adopt(ctx) {
    const g = plan(ctx);
    if (g.mode === "ha") {
      const status = await getHaStatus(ctx.client);
      const service = status.data.find((e) => e.type === "service" && e.sid === g.haSid);
      const state = service?.crm_state ?? service?.state;
      if (service?.node === g.target || state === "migrate") return { adopted: true, message: `HA is already moving ${g.haSid} (${service?.status ?? state}).` };
      return { adopted: false };
    }
    const upid = await findMigrationTask(ctx.client, g.source, g.vmid, g.type, clusterNow(ctx) - 5);
    return upid ? { adopted: true, upid, message: `Found the migration task sent before the restart: ${upid}; following it instead of sending another.` } : { adopted: false };
  },

  async verify(ctx) {
    const g = plan(ctx);
    if (g.mode === "ha") return verifyHa(ctx, g);
    const upid = ctx.step.upid;
    if (!upid) {
      // Already on the target before anything was sent: only confirm it.
      return confirmOnTarget(ctx, g, {});
    }
    const task = await followTask(ctx.client, upid);
    const result = { taskLog: task.log, exitstatus: task.exitstatus ?? null, progress: taskProgress(task.log) };
    if (task.running) return { outcome: "wait", message: `Migration running${result.progress ? `: ${result.progress}` : ""}.`, result };
    if (!taskSucceeded(task)) return { outcome: "fail", message: `Proxmox's migration task failed: ${taskError(task)}. ${label(g)} stays on ${g.source}.`, result };
    return confirmOnTarget(ctx, g, result);
  },
};

async function confirmOnTarget(ctx: StepContext, g: GuestPlan, result: Record<string, unknown>) {
  const live = await readLiveCluster(ctx.client, ctx.deps.now);
  const node = guestEntries(live, g.vmid)[0]?.node;
  // movedAt (cluster clock) tells later whether the reversed job has synced since.
  if (node === g.target) return { outcome: "done" as const, message: `${label(g)} moved to ${g.target}.`, result: { ...result, movedAt: live.now } };
  return { outcome: "wait" as const, message: `The task ended; waiting for Proxmox to list ${label(g)} on ${g.target} (now ${node ?? "nowhere"}).`, result };
}

async function verifyHa(ctx: StepContext, g: GuestPlan) {
  const [status, live] = await Promise.all([getHaStatus(ctx.client), readLiveCluster(ctx.client, ctx.deps.now)]);
  const service = status.data.find((e) => e.type === "service" && e.sid === g.haSid);
  const crm = service?.crm_state ?? service?.state;
  const node = guestEntries(live, g.vmid)[0]?.node;
  // The LRM runs the real qmigrate/vzmigrate on the source; follow it for its log and its error.
  const lrmUpid = (ctx.result.lrmUpid as string | undefined) ?? (await findMigrationTask(ctx.client, g.source, g.vmid, g.type, clusterNow(ctx) - 5));
  const task = lrmUpid ? await followTask(ctx.client, lrmUpid) : undefined;
  const result = { lrmUpid: lrmUpid ?? null, taskLog: task?.log ?? [], exitstatus: task?.exitstatus ?? null, haStatus: service?.status ?? null, progress: task ? taskProgress(task.log) : null };
  if (task && !task.running && !taskSucceeded(task)) {
    return { outcome: "fail" as const, message: `HA's migration task failed: ${taskError(task)}. ${label(g)} stays on ${node ?? g.source}.`, result };
  }
  if (crm === "error") return { outcome: "fail" as const, message: `HA put ${g.haSid} in the error state (${service?.status}).`, result };
  const wanted = g.running ? "started" : "stopped";
  if (node === g.target && service?.node === g.target && crm === wanted) {
    return { outcome: "done" as const, message: `HA reports ${g.haSid} ${wanted} on ${g.target}.`, result: { ...result, movedAt: live.now } };
  }
  return { outcome: "wait" as const, message: `HA: ${service?.status ?? "no status yet"}${result.progress ? `; ${result.progress}` : ""}.`, result };
}
