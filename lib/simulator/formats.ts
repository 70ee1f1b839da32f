import { CalendarEventError, parseCalendarEvent } from "@/lib/schedule/calendar-event";

/**
 * Named `format`s of PVE::JSONSchema (pve-common src/PVE/JSONSchema.pm and the plugins that
 * register formats). A checker returns the error text after "invalid format - ", or undefined.
 * Formats not listed here, and property-string formats given as objects, are accepted as-is:
 * the simulator does not need to parse guest hardware strings.
 */
type FormatChecker = (value: string) => string | undefined;

const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
const STORAGE_ID_RE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const STORAGE_CONTENT = ["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"];
const TASK_STATUS_TYPES = ["ok", "warning", "error", "unknown"];

const listOf =
  (check: FormatChecker): FormatChecker =>
  (value) => {
    for (const item of value.split(/[,;\s]+/).filter(Boolean)) {
      const err = check(item);
      if (err) return err;
    }
    return undefined;
  };

const nodeName: FormatChecker = (v) =>
  NODE_RE.test(v) && v.length <= 63 ? undefined : `value does not look like a valid node name`;
const configId: FormatChecker = (v) => (CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'`);
const storageId: FormatChecker = (v) =>
  STORAGE_ID_RE.test(v) ? undefined : `storage ID '${v}' contains illegal characters`;
const storageContent: FormatChecker = (v) =>
  STORAGE_CONTENT.includes(v) ? undefined : `invalid content type '${v}'`;

const FORMATS: Record<string, FormatChecker> = {
  "pve-node": nodeName,
  "pve-node-list": listOf(nodeName),
  "pve-vmid": (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : `value does not look like a valid VM ID`),
  "pve-configid": configId,
  "pve-configid-list": listOf(configId),
  "pve-storage-id": storageId,
  "pve-storage-content": storageContent,
  "pve-storage-content-list": listOf(storageContent),
  "pve-task-status-type-list": listOf((v) =>
    TASK_STATUS_TYPES.includes(v) ? undefined : `invalid status type '${v}'`,
  ),
  "pve-realm": (v) => (/^[A-Za-z][A-Za-z.\-_0-9]+$/.test(v) ? undefined : `value '${v}' does not look like a valid realm`),
  "pve-volume-id": (v) =>
    /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i.test(v) ? undefined : `unable to parse volume ID '${v}'`,
  // ReplicationConfig.pm parse_replication_job_id: guest IDs below 100 are reserved.
  "pve-replication-job-id": (v) => {
    const m = /^(\d+)-(\d+)$/.exec(v);
    if (!m) return `invalid replication job id '${v}'`;
    if (Number(m[1]) < 100) return `invalid replication job id '${v}' (guest IDs < 100 are reserved)`;
    return undefined;
  },
  "pve-ha-resource-or-vm-id": (v) =>
    /^(?:(?:vm|ct):)?[1-9][0-9]{2,8}$/.test(v) || /^[a-z]+:\S+$/.test(v)
      ? undefined
      : `unable to parse HA resource id '${v}'`,
  // The schedule engine already frames its messages as Proxmox does ("invalid calendar event ...").
  "pve-calendar-event": (v) => {
    try {
      parseCalendarEvent(v);
      return undefined;
    } catch (err) {
      if (err instanceof CalendarEventError) return err.message.replace(/\n$/, "");
      throw err;
    }
  },
};

export function checkFormat(format: string, value: string): string | undefined {
  return FORMATS[format]?.(value);
}
