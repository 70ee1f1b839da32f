/**
 * What each pve-standby feature needs from the Proxmox token, checked against the answer of
 * `GET /access/permissions`. Pure: shared by the connection test and the settings page.
 */

export type Requirement = { privilege: string; path: string; why: string };

export const FEATURES = {
  read: {
    label: "Read replication, guests and cluster health",
    requires: [
      { privilege: "VM.Audit", path: "/vms", why: "see replication jobs, their status and logs" },
      { privilege: "Sys.Audit", path: "/", why: "cluster status, quorum, HA status, task logs" },
    ],
  },
  manageJobs: {
    label: "Create, change, delete and run replication jobs",
    requires: [{ privilege: "VM.Replicate", path: "/vms", why: "POST/PUT/DELETE /cluster/replication, schedule_now" }],
  },
  failover: {
    label: "Guided failover and switchover",
    requires: [
      { privilege: "VM.Migrate", path: "/vms", why: "planned switchover (migrate)" },
      { privilege: "VM.PowerMgmt", path: "/vms", why: "start/stop guests" },
      { privilege: "Sys.Console", path: "/", why: "HA migrate/relocate and resource changes" },
    ],
  },
} as const satisfies Record<string, { label: string; requires: readonly Requirement[] }>;

export type Feature = keyof typeof FEATURES;

// Built-in roles exactly as pve-access-control builds them (src/PVE/AccessControl.pm, 5ccd07d:
// $privgroups + create_roles): PVE<Cat>Admin = admin+user+audit, PVE<Cat>User = user+audit
// (only if the group has user privs), PVEAuditor = every audit priv, PVEAdmin = all
// admin+user+audit except Mapping.Modify; root-only privs are only in Administrator.
const PRIV_GROUPS: Record<string, { root: string[]; admin: string[]; user: string[]; audit: string[] }> = {
  VM: {
    root: [],
    admin: [
      "VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.HWType",
      "VM.Config.Options", "VM.Allocate", "VM.Clone", "VM.GuestAgent.Unrestricted", "VM.Migrate",
      "VM.Replicate", "VM.Snapshot", "VM.Snapshot.Rollback",
    ],
    user: [
      "VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console", "VM.Backup", "VM.GuestAgent.FileRead",
      "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite", "VM.PowerMgmt",
    ],
    audit: ["VM.Audit", "VM.GuestAgent.Audit"],
  },
  Sys: { root: ["Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"], admin: ["Sys.Console", "Sys.Syslog"], user: [], audit: ["Sys.Audit"] },
  Datastore: { root: [], admin: ["Datastore.Allocate", "Datastore.AllocateTemplate"], user: ["Datastore.AllocateSpace"], audit: ["Datastore.Audit"] },
  SDN: { root: [], admin: ["SDN.Allocate", "SDN.Audit"], user: ["SDN.Use"], audit: ["SDN.Audit"] },
  User: { root: ["Realm.Allocate"], admin: ["User.Modify", "Group.Allocate", "Realm.AllocateUser"], user: [], audit: [] },
  Pool: { root: [], admin: ["Pool.Allocate"], user: ["Pool.Audit"], audit: ["Pool.Audit"] },
  Mapping: { root: [], admin: ["Mapping.Modify"], user: ["Mapping.Use"], audit: ["Mapping.Audit"] },
};

export const BUILT_IN_ROLES: Readonly<Record<string, ReadonlySet<string>>> = buildRoles();

export type RequirementResult = Requirement & {
  granted: boolean;
  /** Narrower ACL paths (e.g. `/vms/100`) where the privilege exists although `path` lacks it. */
  grantedOn: string[];
};

export type FeatureResult = {
  feature: Feature;
  label: string;
  status: "ok" | "partial" | "missing";
  requirements: RequirementResult[];
  missing: Requirement[];
  /** Smallest built-in role that covers the whole feature when granted on `/`. */
  smallestRole: string;
  /** Smallest role per path, when granting per path is narrower (e.g. PVEVMAdmin on /vms + PVESysAdmin on /). */
  perPathRoles: { path: string; role: string }[];
};

/** `permissions` is the `data` of GET /access/permissions: path → privilege → propagate flag. */
export function evaluatePrivileges(
  permissions: Record<string, Record<string, unknown>>,
  features: readonly Feature[] = Object.keys(FEATURES) as Feature[],
): FeatureResult[] {
  return features.map((feature) => {
    const def = FEATURES[feature];
    const requirements = def.requires.map((req) => evaluateRequirement(permissions, req));
    const missing = requirements.filter((r) => !r.granted).map(({ privilege, path, why }) => ({ privilege, path, why }));
    const partial = requirements.some((r) => !r.granted && r.grantedOn.length > 0);
    return {
      feature,
      label: def.label,
      status: missing.length === 0 ? "ok" : partial ? "partial" : "missing",
      requirements,
      missing,
      smallestRole: findSmallestRole(def.requires.map((r) => r.privilege)),
      perPathRoles: suggestPerPath(def.requires),
    };
  });
}

/** The built-in role with the fewest privileges that holds all of `privileges` (Administrator at worst). */
export function findSmallestRole(privileges: readonly string[]): string {
  let best = "Administrator";
  let bestSize = Infinity;
  for (const [role, privs] of Object.entries(BUILT_IN_ROLES)) {
    if (role === "Administrator" || !privileges.every((p) => privs.has(p))) continue;
    if (privs.size < bestSize) {
      best = role;
      bestSize = privs.size;
    }
  }
  return best;
}

function evaluateRequirement(permissions: Record<string, Record<string, unknown>>, req: Requirement): RequirementResult {
  // Proxmox already folded inheritance into each listed path (propagated ACLs of `/` show up
  // under `/vms`), so the requirement's own path is the one to read.
  const granted = permissions[req.path]?.[req.privilege] !== undefined;
  const prefix = req.path === "/" ? "/" : `${req.path}/`;
  const grantedOn = granted
    ? []
    : Object.entries(permissions)
        .filter(([path, privs]) => path.startsWith(prefix) && path !== req.path && privs[req.privilege] !== undefined)
        .map(([path]) => path)
        .sort();
  return { ...req, granted, grantedOn };
}

function suggestPerPath(requires: readonly Requirement[]): { path: string; role: string }[] {
  const byPath = new Map<string, string[]>();
  for (const r of requires) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.privilege]);
  return [...byPath.entries()].map(([path, privs]) => ({ path, role: findSmallestRole(privs) }));
}

function buildRoles(): Record<string, Set<string>> {
  const roles: Record<string, Set<string>> = { NoAccess: new Set(), Administrator: new Set(["Permissions.Modify"]) };
  const add = (role: string, privs: string[]) => {
    const set = (roles[role] ??= new Set());
    for (const p of privs) set.add(p);
  };
  for (const [cat, g] of Object.entries(PRIV_GROUPS)) {
    add("Administrator", [...g.root, ...g.admin, ...g.user, ...g.audit]);
    add(`PVE${cat}Admin`, [...g.admin, ...g.user, ...g.audit]);
    add("PVEAdmin", [...g.admin, ...g.user, ...g.audit]);
    if (g.user.length > 0) add(`PVE${cat}User`, [...g.user, ...g.audit]);
    add("PVEAuditor", g.audit);
  }
  roles.PVEAdmin?.delete("Mapping.Modify");
  roles.PVETemplateUser = new Set(["VM.Clone", "VM.Audit"]);
  return roles;
}
