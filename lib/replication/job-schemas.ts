import { z } from "zod";
import { validateCalendarEvent } from "@/lib/schedule/calendar-event";

// Client-safe: the job dialogs validate with these before sending, the routes again on arrival.
// Limits follow Proxmox's schema (ReplicationConfig.pm); Proxmox still has the final word.

const NODE_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const MAX_RPO_SECONDS = 366 * 86_400;

export const scheduleSchema = z
  .string()
  .trim()
  .min(1, "Enter a schedule, e.g. */15.")
  .max(128, "At most 128 characters.")
  .superRefine((value, ctx) => {
    const result = validateCalendarEvent(value);
    if (!result.ok) ctx.addIssue({ code: "custom", message: result.error });
  });

/** MB/s (decimal megabytes, as Proxmox's `rate`); null = unlimited. */
export const rateSchema = z.number({ message: "Enter a number of MB/s." }).min(1, "At least 1 MB/s, or leave empty for no limit.").max(1_000_000).nullable();

export const rpoSecondsSchema = z
  .number({ message: "Enter the RPO in minutes." })
  .int()
  .min(60, "At least one minute.")
  .max(MAX_RPO_SECONDS, "At most a year.")
  .nullable();

/** A guest id as Proxmox allows it (pve-common JSONSchema `pve-vmid`: 100 to 999999999). */
export const vmidSchema = z.number({ message: "Enter a guest id." }).int().min(100, "Guest ids start at 100.").max(999_999_999);

/** The same from a URL segment or query parameter. */
export const vmidParamSchema = z.coerce.number().pipe(vmidSchema);

const commentSchema = z.string().max(4096, "At most 4096 characters.");

export const createJobSchema = z.object({
  clusterId: z.string().min(1),
  vmid: vmidSchema,
  target: z.string().regex(NODE_NAME, "Choose a target node."),
  schedule: scheduleSchema,
  rate: rateSchema,
  comment: commentSchema,
  enabled: z.boolean(),
  rpoSeconds: rpoSecondsSchema,
});
export type CreateJobInput = z.infer<typeof createJobSchema>;

/** The target is fixed after creation (Proxmox's PUT does not accept it). */
export const updateJobSchema = z
  .object({ schedule: scheduleSchema, rate: rateSchema, comment: commentSchema, enabled: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "Nothing to change.");
export type UpdateJobInput = z.infer<typeof updateJobSchema>;

/**
 * Proxmox's three ways to remove a job (DELETE /cluster/replication/{id}):
 * full = remove the replicated data on the target; keep = keep it (keep=1); force = drop the
 * config entry only, no cleanup anywhere (force=1).
 */
export const DELETE_MODES = ["full", "keep", "force"] as const;
export const deleteJobSchema = z.object({ mode: z.enum(DELETE_MODES, { message: "Choose what happens to the replicated data." }) });
export type DeleteMode = (typeof DELETE_MODES)[number];

export const setRpoSchema = z.object({ rpoSeconds: rpoSecondsSchema });

export const emptyBodySchema = z.object({}).loose();
