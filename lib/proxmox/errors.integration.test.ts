import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { getPermissions } from "./access";
import { getClusterResources } from "./cluster";
import {
  PveAuthError,
  PveBusinessError,
  PveNotImplementedError,
  PveParameterError,
  PvePermissionError,
} from "./errors";
import { pvePath } from "./params";
import { evaluatePrivileges } from "./privileges";
import {
  createReplicationJob,
  deleteReplicationJob,
  getReplicationJob,
  listReplicationJobs,
  updateReplicationJob,
} from "./replication";
import { recordRequests, startSimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { createHttpsTransport } from "./transport";

let fx: SimulatorFixture;

beforeAll(async () => {
  fx = await startSimulatorFixture();
});

afterAll(async () => {
  await fx.close();
});

/** A guest on pve1 without a job to pve3, so creating one is allowed. */
async function freeJobSlot(): Promise<{ id: string; target: string }> {
  const client = fx.client();
  const [jobs, guests] = await Promise.all([listReplicationJobs(client), getClusterResources(client, { type: "vm" })]);
  const guest = guests.data.find((g) => g.node === "pve1" && !jobs.data.some((j) => j.guest === g.vmid && j.target === "pve3"));
  if (!guest?.vmid) throw new Error("scenario has no guest on pve1 without a job to pve3");
  const used = jobs.data.filter((j) => j.guest === guest.vmid).map((j) => j.jobnum);
  return { id: `${guest.vmid}-${Math.max(-1, ...used) + 1}`, target: "pve3" };
}

describe("Proxmox's errors as typed errors", () => {
  it("401: a wrong token secret", async () => {
    const client = fx.client({ auth: { kind: "token", tokenId: fx.sim.credentials.tokenId, secret: "00000000-0000-0000-0000-000000000000" } });
    const error = await listReplicationJobs(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveAuthError);
    expect((error as PveAuthError).status).toBe(401);
  });

  it("403: the read-only auditor token names the privilege it lacks", async () => {
    const auditor = fx.client({ auth: { kind: "token", tokenId: fx.sim.credentials.auditorTokenId, secret: fx.sim.credentials.auditorTokenSecret } });
    const slot = await freeJobSlot();
    const error = await createReplicationJob(auditor, { ...slot, schedule: "*/30" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PvePermissionError);
    expect((error as PvePermissionError).privilege).toBe("VM.Replicate");
    expect((error as PvePermissionError).aclPath).toBe(`/vms/${slot.id.split("-")[0]}`);

    const features = evaluatePrivileges((await getPermissions(auditor)).data);
    expect(features.map((f) => [f.feature, f.status])).toEqual([
      ["read", "ok"],
      ["manageJobs", "missing"],
      ["failover", "missing"],
    ]);
  });

  it("400: per-field messages from Proxmox's validator and handlers", async () => {
    const client = fx.client();
    const slot = await freeJobSlot();
    const invalid = await createReplicationJob(client, { ...slot, rate: 0 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(PveParameterError);
    expect(Object.keys((invalid as PveParameterError).errors)).toEqual(["rate"]);

    const conflict = await deleteReplicationJob(client, "100-0", { keep: true, force: true }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(PveParameterError);
    expect((conflict as PveParameterError).errors).toEqual({ keep: "conflicts with parameter 'force'" });
  });

  it("500: a business error carries Proxmox's text", async () => {
    const error = await getReplicationJob(fx.client(), "100-99").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveBusinessError);
    expect((error as PveBusinessError).message).toBe("no such replication job '100-99'");
  });

  it("501: an endpoint this Proxmox does not have", async () => {
    const error = await fx.client().call({ method: "GET", path: pvePath`/cluster/no-such-thing`, schema: z.unknown() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveNotImplementedError);
    expect((error as Error).message).toMatch(/not implemented/);
  });
});

describe("ticket authentication", () => {
  const rootLogin = () => ({ kind: "ticket" as const, username: "root@pam", password: fx.sim.credentials.rootPassword });

  it("logs in, sends the CSRF token on writes only, and manages a job", async () => {
    const { transport, log } = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 1000 }));
    const client = fx.client({ auth: rootLogin(), transport });
    const slot = await freeJobSlot();
    await createReplicationJob(client, { ...slot, schedule: "*/30", comment: "from the ticket test" });
    await updateReplicationJob(client, slot.id, { rate: 25, disable: true });
    const job = (await getReplicationJob(client, slot.id)).data;
    expect(job).toMatchObject({ id: slot.id, target: "pve3", schedule: "*/30", rate: 25, disable: true, comment: "from the ticket test" });
    await deleteReplicationJob(client, slot.id, { force: true });
    await expect(getReplicationJob(client, slot.id)).rejects.toBeInstanceOf(PveBusinessError);

    const logins = log.filter((r) => r.path === "/access/ticket");
    expect(logins).toHaveLength(1);
    const api = log.filter((r) => r.path !== "/access/ticket");
    expect(api.every((r) => r.headers.Cookie?.startsWith("PVEAuthCookie=PVE%3Aroot%40pam%3A"))).toBe(true);
    expect(api.filter((r) => r.method !== "GET").every((r) => r.headers.CSRFPreventionToken)).toBe(true);
    expect(api.filter((r) => r.method === "GET").some((r) => r.headers.CSRFPreventionToken)).toBe(false);
  });

  it("renews the ticket after an hour by posting it as the password", async () => {
    let now = 1_000_000;
    const { transport, log } = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 1000 }));
    const client = fx.client({ auth: rootLogin(), transport, now: () => now });
    await listReplicationJobs(client);
    now += 61 * 60 * 1000;
    await listReplicationJobs(client);
    const logins = log.filter((r) => r.path === "/access/ticket").map((r) => new URLSearchParams(r.body).get("password"));
    expect(logins).toEqual([fx.sim.credentials.rootPassword, expect.stringMatching(/^PVE:root@pam:/)]);
  });

  it("logs in again once when Proxmox no longer accepts the ticket", async () => {
    const { transport, log } = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 1000 }));
    const client = fx.client({ auth: rootLogin(), transport });
    await listReplicationJobs(client);
    // Move the cluster clock past the 2 h ticket lifetime while our clock says the ticket is fresh.
    fx.sim.clock.advance(2 * 3600 * 1000 + 60_000);
    await listReplicationJobs(client);
    expect(log.filter((r) => r.path === "/access/ticket")).toHaveLength(2);
  });

  it("a wrong password is an authentication error", async () => {
    const client = fx.client({ auth: { kind: "ticket", username: "root@pam", password: "wrong" } });
    await expect(listReplicationJobs(client)).rejects.toBeInstanceOf(PveAuthError);
  });
});
