import { z } from "zod";

// Pure and client-safe: the UI hides controls with this table, the server enforces with it.
export const ROLES = ["viewer", "operator", "admin"] as const;
export const roleSchema = z.enum(ROLES, { message: "role must be viewer, operator or admin" });
export type Role = z.infer<typeof roleSchema>;

export const PERMISSIONS = [
  "replication.read",
  "replication.manage",
  "failover.execute",
  "cluster.manage",
  "user.manage",
  "audit.read",
  "alert.manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Operators are the people on call: they run and change replication, fail over and handle
// alerts, and may read the audit trail of what they and others did. Admins also manage
// clusters (credentials) and accounts.
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ["replication.read"],
  operator: ["replication.read", "replication.manage", "failover.execute", "alert.manage", "audit.read"],
  admin: PERMISSIONS,
};

export const ROLE_LABELS: Record<Role, string> = { viewer: "Viewer", operator: "Operator", admin: "Admin" };

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].includes(permission) : false;
}
