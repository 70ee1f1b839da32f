import { hasPrivilege, requirePrivilege } from "../auth";
import type { ClusterModel } from "../cluster";
import { paramError, pveDie } from "../errors";
import type { JobConfig } from "../model-types";
import type { JobStatus } from "../pvesr";
import { formatRunLog } from "../replication-run";
import type { RouteContext, RouteTable } from "../route-types";
import { optNum, optStr, str, WithTotal } from "../route-types";

// Replication endpoints: pve-manager PVE/API2/ReplicationConfig.pm (cluster-wide config) and
// PVE/API2/Replication.pm (per-node status, log, schedule_now).

const UPDATABLE = ["schedule", "rate", "comment", "disable", "remove_job", "source"] as const;

export const replicationRoutes: RouteTable = {
  "GET /cluster/replication": ({ core, auth }) =>
    core.model.listJobs().filter((job) => hasPrivilege(auth, `/vms/${job.guest}`, "VM.Audit")).map(configView),

  "POST /cluster/replication": ({ core, auth, params }) => {
    const { model } = core;
    const id = str(params, "id");
    const { guest: vmid, jobnum } = parseJobId(id);
    requirePrivilege(auth, `/vms/${vmid}`, "VM.Replicate");
    requireQuorum(model);
    const guest = model.guest(vmid) ?? pveDie(`Guest '${vmid}' does not exist.`);
    const target = str(params, "target");
    if (!model.node(target)) pveDie(`Target '${target}' does not exist.`);
    const source = optStr(params, "source");
    if (source !== undefined && source !== guest.node) {
      pveDie(`Source '${source}' does not match current node of guest '${vmid}' (${guest.node})`);
    }
    if (target === guest.node) pveDie("Source and target must not be identical");
    if (model.replicatableVolumes(guest).length === 0) pveDie("No replicatable volumes found");
    if (model.jobs.has(id)) pveDie(`replication job '${id}' already exists`);
    if (model.jobsOfGuest(vmid).some((j) => j.target === target)) {
      pveDie(`replication job for guest '${vmid}' to target 'local/${target}' already exists`);
    }
    const job: JobConfig = { id, type: "local", guest: vmid, jobnum, target, source: source ?? guest.node };
    applyOptions(job, params);
    model.putJob(job);
    return null;
  },

  "GET /cluster/replication/{id}": ({ core, auth, params }) => {
    const job = requireJobWith(core.model, auth, str(params, "id"), "VM.Audit", "no such replication job");
    return { ...configView(job), digest: core.model.replicationDigest() };
  },

  "PUT /cluster/replication/{id}": ({ core, auth, params }) => {
    const { model } = core;
    const job = requireJobWith(model, auth, str(params, "id"), "VM.Replicate", "no such job");
    requireQuorum(model);
    const digest = optStr(params, "digest");
    if (digest !== undefined && digest !== model.replicationDigest()) {
      pveDie("detected modified configuration - file changed by other user? Try again.");
    }
    // SectionConfig update: `delete` first checks every key, then unsets; fixed/required keys refuse.
    const toDelete = (optStr(params, "delete") ?? "").split(/[,;\s]+/).filter(Boolean);
    for (const key of toDelete) {
      if (key === "target") pveDie(`unable to delete required option '${key}'`);
      if (key === "type") pveDie(`unable to delete fixed option '${key}'`);
      if (!(UPDATABLE as readonly string[]).includes(key)) pveDie(`no such option '${key}'`);
      if (params[key] !== undefined) pveDie(`cannot set and delete property '${key}' at the same time!`);
    }
    for (const key of toDelete) delete job[key as (typeof UPDATABLE)[number]];
    applyOptions(job, params);
    model.putJob(job);
    return null;
  },

  "DELETE /cluster/replication/{id}": ({ core, auth, params }) => {
    const { model } = core;
    const force = params.force === 1;
    if (force && params.keep === 1) paramError({ keep: "conflicts with parameter 'force'" });
    const job = requireJobWith(model, auth, str(params, "id"), "VM.Replicate", "no such job");
    requireQuorum(model);
    // Without force the job only gets marked; the owning node's next pvesr run cleans up and
    // deletes it (Replication.pm replicate → remove_job branch).
    if (force) model.deleteJob(job.id);
    else {
      job.remove_job = params.keep === 1 ? "local" : "full";
      model.putJob(job);
    }
    return null;
  },

  "GET /nodes/{node}/replication": ({ core, auth, params }) => {
    const guestFilter = optNum(params, "guest");
    return core.pvesr
      .jobStatus(str(params, "node"))
      .filter((s) => guestFilter === undefined || s.job.guest === guestFilter)
      .filter((s) => hasPrivilege(auth, `/vms/${s.job.guest}`, "VM.Audit"))
      .map(statusView);
  },

  "GET /nodes/{node}/replication/{id}": () => [{ name: "schedule_now" }, { name: "log" }, { name: "status" }],

  "GET /nodes/{node}/replication/{id}/status": ({ core, auth, params }) => {
    const id = str(params, "id");
    requirePrivilege(auth, `/vms/${parseJobId(id).guest}`, "VM.Audit");
    const status = core.pvesr.jobStatus(str(params, "node")).find((s) => s.job.id === id);
    return statusView(status ?? pveDie(`no such replication job '${id}'`));
  },

  "GET /nodes/{node}/replication/{id}/log": (ctx) => readJobLog(ctx),

  "POST /nodes/{node}/replication/{id}/schedule_now": ({ core, auth, params }) => {
    const job = requireJobWith(core.model, auth, str(params, "id"), "VM.Replicate", "no such replication job");
    core.pvesr.scheduleNow(str(params, "node"), job);
    return null;
  },
};

function readJobLog({ core, auth, params, now }: RouteContext): WithTotal {
  const id = str(params, "id");
  const node = str(params, "node");
  const vmid = parseJobId(id).guest;
  if (!hasPrivilege(auth, `/vms/${vmid}`, "VM.Audit") && !hasPrivilege(auth, `/nodes/${node}`, "Sys.Audit")) {
    requirePrivilege(auth, `/vms/${vmid}`, "VM.Audit");
  }
  const job = core.model.jobs.get(id) ?? pveDie(`no such replication job '${id}'`);
  const stored = core.model.log(node, job.id);
  // pve-common Tools.pm dump_logfile: a missing file and an empty one each give one line.
  let lines: string[];
  if (!stored) lines = ["unable to open file - No such file or directory"];
  else {
    lines = formatRunLog(stored.filter((l) => l.t <= now), job.id, core.model.timeZone);
    if (lines.length === 0) lines = ["no content"];
  }
  const start = optNum(params, "start") ?? 0;
  const limit = optNum(params, "limit") ?? 50;
  const slice = lines.slice(start, limit === 0 ? undefined : start + limit);
  return new WithTotal(slice.map((t, i) => ({ n: start + i + 1, t })), lines.length);
}

function parseJobId(id: string): { guest: number; jobnum: number } {
  const [guest, jobnum] = id.split("-").map(Number) as [number, number];
  return { guest, jobnum };
}

function requireJobWith(model: ClusterModel, auth: RouteContext["auth"], id: string, priv: string, missing: string): JobConfig {
  requirePrivilege(auth, `/vms/${parseJobId(id).guest}`, priv);
  return model.jobs.get(id) ?? pveDie(`${missing} '${id}'`);
}

function requireQuorum(model: ClusterModel): void {
  if (!model.isQuorate()) pveDie("cfs-lock 'file-replication_cfg' error: no quorum!");
}

function applyOptions(job: JobConfig, params: RouteContext["params"]): void {
  const schedule = optStr(params, "schedule");
  if (schedule !== undefined) job.schedule = schedule;
  const rate = optNum(params, "rate");
  if (rate !== undefined) job.rate = rate;
  const comment = optStr(params, "comment");
  if (comment !== undefined) job.comment = comment;
  const disable = optNum(params, "disable");
  if (disable !== undefined) job.disable = disable;
  const removeJob = optStr(params, "remove_job");
  if (removeJob !== undefined) job.remove_job = removeJob as JobConfig["remove_job"];
  const source = optStr(params, "source");
  if (source !== undefined) job.source = source;
}

/** The job as replication.cfg holds it; unset options stay absent. */
function configView(job: JobConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { id: job.id, type: job.type, guest: job.guest, jobnum: job.jobnum, target: job.target };
  for (const key of UPDATABLE) if (job[key] !== undefined) out[key] = job[key];
  return out;
}

/** PVE/API2/Replication.pm extract_job_status: config + vmtype + next_sync + defined state keys. */
function statusView(s: JobStatus): Record<string, unknown> {
  const out = configView(s.job);
  out.vmtype = s.vmtype;
  out.next_sync = s.nextSync;
  out.last_sync = s.state.last_sync;
  out.last_try = s.state.last_try;
  out.fail_count = s.state.fail_count;
  if (s.state.error !== undefined) out.error = s.state.error;
  if (s.state.duration !== undefined) out.duration = s.state.duration;
  if (s.state.pid !== undefined) out.pid = s.state.pid;
  return out;
}
