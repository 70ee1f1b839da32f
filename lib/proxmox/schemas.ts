import { z } from "zod";

// Proxmox emits section-config booleans and numbers as JSON numbers (SectionConfig.pm
// check_value does `$value + 0`), but some handlers pass strings through untouched; accept both.
export const pveBooleanSchema = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.literal("0"), z.literal("1")])
  .transform((v) => v === true || v === 1 || v === "1");

export const pveNumberSchema = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .transform((v) => Number(v));

export const pveIntegerSchema = pveNumberSchema.pipe(z.number().int());

export const versionSchema = z.object({
  version: z.string(),
  release: z.string(),
  repoid: z.string(),
  console: z.string().optional(),
});
export type PveVersion = z.infer<typeof versionSchema>;

/** `GET /cluster/status`: one `cluster` entry (absent on a standalone node) and one per member node. */
export const clusterStatusEntrySchema = z.object({
  type: z.string(),
  id: z.string(),
  name: z.string(),
  nodes: pveIntegerSchema.optional(),
  version: pveIntegerSchema.optional(),
  quorate: pveBooleanSchema.optional(),
  nodeid: pveIntegerSchema.optional(),
  ip: z.string().optional(),
  local: pveBooleanSchema.optional(),
  online: pveBooleanSchema.optional(),
  level: z.string().optional(),
});
export type ClusterStatusEntry = z.infer<typeof clusterStatusEntrySchema>;

/** `GET /cluster/resources` (guests, nodes, storages, …); `pool` is a PVE resource pool, not ZFS. */
export const clusterResourceSchema = z.object({
  id: z.string(),
  type: z.string(),
  node: z.string().optional(),
  vmid: pveIntegerSchema.optional(),
  name: z.string().optional(),
  status: z.string().optional(),
  hastate: z.string().optional(),
  template: pveBooleanSchema.optional(),
  lock: z.string().optional(),
  tags: z.string().optional(),
  pool: z.string().optional(),
  uptime: pveNumberSchema.optional(),
  cpu: pveNumberSchema.optional(),
  maxcpu: pveNumberSchema.optional(),
  mem: pveNumberSchema.optional(),
  maxmem: pveNumberSchema.optional(),
  disk: pveNumberSchema.optional(),
  maxdisk: pveNumberSchema.optional(),
  storage: z.string().optional(),
  plugintype: z.string().optional(),
  shared: pveBooleanSchema.optional(),
  content: z.string().optional(),
  level: z.string().optional(),
});
export type ClusterResource = z.infer<typeof clusterResourceSchema>;

/** replication.cfg entry (pve-guest-common ReplicationConfig.pm). `schedule` absent = default `*\/15`. */
export const replicationJobSchema = z.object({
  id: z.string(),
  type: z.string(),
  guest: pveIntegerSchema,
  jobnum: pveIntegerSchema,
  target: z.string(),
  schedule: z.string().optional(),
  rate: pveNumberSchema.optional(),
  comment: z.string().optional(),
  disable: pveBooleanSchema.optional(),
  remove_job: z.enum(["local", "full"]).optional(),
  source: z.string().optional(),
});
export type ReplicationJob = z.infer<typeof replicationJobSchema>;

export const replicationJobConfigSchema = replicationJobSchema.extend({ digest: z.string().optional() });
export type ReplicationJobConfig = z.infer<typeof replicationJobConfigSchema>;

/**
 * One job as its owning node sees it (`GET /nodes/{node}/replication`). Times are epoch seconds on
 * the node's clock; `last_sync` 0 = never; `next_sync` 0 = parked, 1 = removal pending.
 */
export const replicationJobStatusSchema = replicationJobSchema.extend({
  vmtype: z.string().optional(),
  last_sync: pveIntegerSchema.default(0),
  last_try: pveIntegerSchema.default(0),
  next_sync: pveIntegerSchema.default(0),
  fail_count: pveIntegerSchema.default(0),
  error: z.string().optional(),
  duration: pveNumberSchema.optional(),
  pid: pveIntegerSchema.optional(),
});
export type ReplicationJobStatus = z.infer<typeof replicationJobStatusSchema>;

/** Log readers (`dump_logfile`): 1-based line number and text; the envelope adds `total`. */
export const logLineSchema = z.object({ n: pveIntegerSchema, t: z.string() });
export type LogLine = z.infer<typeof logLineSchema>;

export const nodeSchema = z.object({
  node: z.string(),
  status: z.string(),
  cpu: pveNumberSchema.optional(),
  maxcpu: pveNumberSchema.optional(),
  mem: pveNumberSchema.optional(),
  maxmem: pveNumberSchema.optional(),
  uptime: pveNumberSchema.optional(),
  level: z.string().optional(),
  ssl_fingerprint: z.string().optional(),
});
export type PveNode = z.infer<typeof nodeSchema>;

export const nodeTimeSchema = z.object({
  time: pveIntegerSchema,
  localtime: pveIntegerSchema,
  timezone: z.string(),
});
export type NodeTime = z.infer<typeof nodeTimeSchema>;

/** `GET /access/permissions`: path → privilege → propagate flag (RPCEnvironment.pm get_effective_permissions). */
export const permissionsSchema = z.record(z.string(), z.record(z.string(), pveBooleanSchema));
export type PvePermissions = z.infer<typeof permissionsSchema>;

export const storageContentSchema = z.object({
  volid: z.string(),
  format: z.string().optional(),
  size: pveNumberSchema.optional(),
  used: pveNumberSchema.optional(),
  vmid: pveIntegerSchema.optional(),
  ctime: pveIntegerSchema.optional(),
});
export type StorageContent = z.infer<typeof storageContentSchema>;

/** `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:` (pve-common UPID.pm). */
export const upidSchema = z.string().regex(/^UPID:/, "not a task UPID");

export const taskStatusSchema = z.object({
  upid: z.string(),
  node: z.string(),
  pid: pveIntegerSchema,
  pstart: pveIntegerSchema.optional(),
  starttime: pveIntegerSchema,
  type: z.string(),
  id: z.string(),
  user: z.string(),
  tokenid: z.string().optional(),
  status: z.string(),
  exitstatus: z.string().optional(),
});
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** `GET /nodes/{node}/tasks` entry; `status` is `OK`, `WARNINGS: n`, an error text or `RUNNING`. */
export const taskListEntrySchema = taskStatusSchema.omit({ status: true, exitstatus: true }).extend({
  status: z.string().optional(),
  endtime: pveIntegerSchema.optional(),
});
export type TaskListEntry = z.infer<typeof taskListEntrySchema>;

export const haResourceSchema = z.object({
  sid: z.string(),
  type: z.string().optional(),
  state: z.string().optional(),
  group: z.string().optional(),
  max_restart: pveIntegerSchema.optional(),
  max_relocate: pveIntegerSchema.optional(),
  failback: pveBooleanSchema.optional(),
  comment: z.string().optional(),
  digest: z.string().optional(),
});
export type HaResource = z.infer<typeof haResourceSchema>;

/** `GET /cluster/ha/status/current` entries: quorum, master, lrm:<node>, service:<sid>, fencing. */
export const haStatusEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  node: z.string().optional(),
  status: z.string().optional(),
  quorate: pveBooleanSchema.optional(),
  sid: z.string().optional(),
  state: z.string().optional(),
  crm_state: z.string().optional(),
  request_state: z.string().optional(),
  timestamp: pveIntegerSchema.optional(),
  "armed-state": z.string().optional(),
});
export type HaStatusEntry = z.infer<typeof haStatusEntrySchema>;

/** Writes answer `{"data": null}`; schedule_now is declared `string` but carries nothing useful. */
export const emptySchema = z.unknown().transform(() => undefined);
