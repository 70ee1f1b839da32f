import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from "./permissions";

describe("role permissions", () => {
  it("gives admins every permission", () => {
    for (const p of PERMISSIONS) expect(can("admin", p)).toBe(true);
  });

  it("lets viewers only read replication", () => {
    expect(PERMISSIONS.filter((p) => can("viewer", p))).toEqual(["replication.read"]);
  });

  it("lets operators run replication and failover but not manage users or clusters", () => {
    expect(can("operator", "replication.manage")).toBe(true);
    expect(can("operator", "failover.execute")).toBe(true);
    expect(can("operator", "user.manage")).toBe(false);
    expect(can("operator", "cluster.manage")).toBe(false);
  });

  it("grows monotonically from viewer to admin", () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = ROLE_PERMISSIONS[ROLES[i - 1]!];
      for (const p of lower) expect(can(ROLES[i]!, p)).toBe(true);
    }
  });

  it("denies everything without a role", () => {
    expect(can(null, "replication.read")).toBe(false);
  });
});
