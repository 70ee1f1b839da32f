import { describe, expect, it } from "vitest";

import { BUILT_IN_ROLES, evaluatePrivileges, findSmallestRole } from "./privileges";

describe("built-in roles", () => {
  it("mirrors Proxmox's role construction", () => {
    expect([...(BUILT_IN_ROLES.PVEAuditor ?? [])].sort()).toEqual(
      ["Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit", "VM.GuestAgent.Audit"].sort(),
    );
    expect(BUILT_IN_ROLES.PVEVMAdmin?.has("VM.Replicate")).toBe(true);
    expect(BUILT_IN_ROLES.PVEVMUser?.has("VM.Migrate")).toBe(false);
    expect(BUILT_IN_ROLES.PVEAdmin?.has("Sys.Modify")).toBe(false);
    expect(BUILT_IN_ROLES.PVEAdmin?.has("Mapping.Modify")).toBe(false);
  });

  it("finds the smallest role", () => {
    expect(findSmallestRole(["VM.Audit", "Sys.Audit"])).toBe("PVEAuditor");
    expect(findSmallestRole(["VM.Replicate"])).toBe("PVEVMAdmin");
    expect(findSmallestRole(["VM.PowerMgmt"])).toBe("PVEVMUser");
    expect(findSmallestRole(["VM.Migrate", "VM.PowerMgmt", "Sys.Console"])).toBe("PVEAdmin");
    expect(findSmallestRole(["Sys.Modify"])).toBe("Administrator");
  });
});

describe("evaluatePrivileges", () => {
  const auditorOnRoot = {
    "/": { "Sys.Audit": 1, "VM.Audit": 1, "Datastore.Audit": 1 },
    "/vms": { "Sys.Audit": 1, "VM.Audit": 1, "Datastore.Audit": 1 },
    "/nodes": { "Sys.Audit": 1, "VM.Audit": 1, "Datastore.Audit": 1 },
  };

  it("an auditor token can read but not manage or fail over", () => {
    const [read, manage, failover] = evaluatePrivileges(auditorOnRoot);
    expect(read?.status).toBe("ok");
    expect(read?.smallestRole).toBe("PVEAuditor");
    expect(manage?.status).toBe("missing");
    expect(manage?.missing.map((m) => m.privilege)).toEqual(["VM.Replicate"]);
    expect(manage?.smallestRole).toBe("PVEVMAdmin");
    expect(failover?.missing.map((m) => m.privilege)).toEqual(["VM.Migrate", "VM.PowerMgmt", "Sys.Console"]);
    expect(failover?.perPathRoles).toEqual([
      { path: "/vms", role: "PVEVMAdmin" },
      { path: "/", role: "PVESysAdmin" },
    ]);
  });

  it("reports per-guest grants as partial", () => {
    const perms = { ...auditorOnRoot, "/vms/100": { "VM.Audit": 1, "VM.Replicate": 0 } };
    const [manage] = evaluatePrivileges(perms, ["manageJobs"]);
    expect(manage?.status).toBe("partial");
    expect(manage?.requirements[0]?.grantedOn).toEqual(["/vms/100"]);
  });

  it("root has everything", () => {
    const all = Object.fromEntries([...(BUILT_IN_ROLES.Administrator ?? [])].map((p) => [p, 1]));
    const results = evaluatePrivileges({ "/": all, "/vms": all });
    expect(results.every((r) => r.status === "ok")).toBe(true);
  });
});
