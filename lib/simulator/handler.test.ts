import { describe, expect, it } from "vitest";

import { api, auditorToken, frozenSimulator, rootToken, T0 } from "./test-support";

describe("simulator API conventions", () => {
  it("wraps results in {data} and sets Proxmox's headers with the simulator's Date", async () => {
    const sim = frozenSimulator();
    const res = await api(sim, "GET", "/version");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { version: "9.1.3", release: "9.1", repoid: expect.any(String) } });
    expect(res.headers.server).toBe("pve-api-daemon/3.0");
    expect(res.headers.date).toBe(new Date(T0 * 1000).toUTCString());
  });

  it("answers 501 for unknown paths and for schema paths it does not simulate", async () => {
    const sim = frozenSimulator();
    const unknown = await api(sim, "GET", "/nodes/pve1/foo");
    expect(unknown.status).toBe(501);
    expect(unknown.statusText).toBe("Method 'GET /api2/json/nodes/pve1/foo' not implemented");
    expect(unknown.body).toEqual({ data: null, message: "Method 'GET /api2/json/nodes/pve1/foo' not implemented\n" });
  });

  it("answers 401 without credentials or with a wrong token, after the configured delay", async () => {
    const sim = frozenSimulator({ authFailureDelayMs: 30 });
    const none = await api(sim, "GET", "/nodes", {}, {});
    expect(none.status).toBe(401);
    expect(none.statusText).toBe("No ticket");
    const started = Date.now();
    const bad = await api(sim, "GET", "/nodes", {}, { authorization: `PVEAPIToken=${sim.credentials.tokenId}=wrong` });
    expect(bad.status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("logs in with a ticket, requires the CSRF token on writes, and refuses tokens on /access/ticket", async () => {
    const sim = frozenSimulator();
    const wrong = await api(sim, "POST", "/access/ticket", { username: "root@pam", password: "nope" }, {});
    expect(wrong.status).toBe(401);
    expect(wrong.statusText).toBe("authentication failure");
    const login = await api(sim, "POST", "/access/ticket", { username: "root@pam", password: "simulator" }, {});
    expect(login.status).toBe(200);
    const { ticket, CSRFPreventionToken, username } = login.data as Record<string, string>;
    expect(username).toBe("root@pam");
    expect(ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::/);
    const cookie = { cookie: `PVEAuthCookie=${encodeURIComponent(ticket as string)}` };
    expect((await api(sim, "GET", "/cluster/replication", {}, cookie)).status).toBe(200);
    const noCsrf = await api(sim, "PUT", "/cluster/replication/101-0", { rate: 5 }, cookie);
    expect(noCsrf.status).toBe(401);
    expect(noCsrf.statusText).toBe("Permission denied - invalid csrf token");
    const withCsrf = await api(sim, "PUT", "/cluster/replication/101-0", { rate: 5 }, { ...cookie, csrfpreventiontoken: CSRFPreventionToken as string });
    expect(withCsrf.status).toBe(200);
    // Clients renew by posting the ticket as password; tickets expire after two hours of simulated time.
    sim.advance(3600);
    const renewed = await api(sim, "POST", "/access/ticket", { username: "root@pam", password: ticket as string }, {});
    expect((renewed.data as Record<string, string>).ticket).not.toBe(ticket);
    sim.advance(3601);
    expect((await api(sim, "GET", "/cluster/replication", {}, cookie)).status).toBe(401);
    const viaToken = await api(sim, "POST", "/access/ticket", { username: "root@pam", password: "simulator" }, rootToken(sim));
    expect(viaToken.status).toBe(200);
  });

  it("gives the auditor token read access and 403 on writes", async () => {
    const sim = frozenSimulator();
    const read = await api(sim, "GET", "/cluster/replication", {}, auditorToken(sim));
    expect((read.data as unknown[]).length).toBeGreaterThan(5);
    const write = await api(sim, "POST", "/cluster/replication", { id: "110-0", type: "local", target: "pve2" }, auditorToken(sim));
    expect(write.status).toBe(403);
    expect(write.statusText).toBe("Permission check failed (/vms/110, VM.Replicate)");
    const perms = await api(sim, "GET", "/access/permissions", {}, auditorToken(sim));
    expect((perms.data as Record<string, Record<string, number>>)["/"]).toMatchObject({ "Sys.Audit": 1, "VM.Audit": 1 });
    expect((perms.data as Record<string, Record<string, number>>)["/"]?.["VM.Replicate"]).toBeUndefined();
  });

  it("validates parameters from the schema with Proxmox's texts", async () => {
    const sim = frozenSimulator();
    const missing = await api(sim, "POST", "/cluster/replication", { id: "101-1", type: "local" });
    expect(missing.status).toBe(400);
    expect(missing.statusText).toBe("Parameter verification failed.");
    expect(missing.body.errors).toEqual({ target: "property is missing and it is not optional" });

    const bad = await api(sim, "POST", "/cluster/replication", {
      id: "99-0", type: "remote", target: "pve2", disable: "true", rate: 0, schedule: "bogus", color: "red",
    });
    expect(bad.body.errors).toMatchObject({
      id: "value does not match the regex pattern\ninvalid format - invalid replication job id '99-0' (guest IDs < 100 are reserved)",
      type: "value 'remote' does not have a value in the enumeration 'local'",
      disable: "type check ('boolean') failed - got 'true'",
      rate: "value must have a minimum value of 1",
      color: "property is not defined in schema and the schema does not allow additional properties",
    });
    expect(String((bad.body.errors as Record<string, string>).schedule)).toMatch(/^invalid format - invalid calendar event 'bogus'/);

    const dup = await api(sim, "PUT", "/cluster/replication/101-0?id=102-0", { rate: 3 });
    expect(dup.status).toBe(400);
    expect(dup.body.errors).toEqual({ id: "duplicate parameter (already defined in URI) with conflicting values!" });
  });

  it("accepts JSON bodies with real booleans", async () => {
    const sim = frozenSimulator();
    const res = await sim.handle("pve1", {
      method: "POST",
      url: "/api2/json/cluster/replication",
      headers: { ...rootToken(sim), "content-type": "application/json" },
      body: JSON.stringify({ id: "101-1", type: "local", target: "pve3", disable: true, rate: 12.5 }),
    });
    expect(res.status).toBe(200);
    const job = await api(sim, "GET", "/cluster/replication/101-1");
    expect(job.data).toMatchObject({ id: "101-1", guest: 101, jobnum: 1, target: "pve3", disable: 1, rate: 12.5, source: "pve1" });
  });

  it("reports business errors as 500 with the message, never 404", async () => {
    const sim = frozenSimulator();
    const cases: [string, string, Record<string, string | number>, string][] = [
      ["GET", "/cluster/replication/555-0", {}, "no such replication job '555-0'"],
      ["POST", "/cluster/replication", { id: "555-0", type: "local", target: "pve2" }, "Guest '555' does not exist."],
      ["POST", "/cluster/replication", { id: "101-5", type: "local", target: "pve9" }, "Target 'pve9' does not exist."],
      ["POST", "/cluster/replication", { id: "101-5", type: "local", target: "pve1" }, "Source and target must not be identical"],
      ["POST", "/cluster/replication", { id: "101-0", type: "local", target: "pve3" }, "replication job '101-0' already exists"],
      ["POST", "/cluster/replication", { id: "101-7", type: "local", target: "pve2" }, "replication job for guest '101' to target 'local/pve2' already exists"],
      ["POST", "/cluster/replication", { id: "110-0", type: "local", target: "pve2" }, "missing replicate feature on volume 'local:110/vm-110-disk-0.qcow2'"],
      ["PUT", "/cluster/replication/101-0", { delete: "target" }, "unable to delete required option 'target'"],
      ["PUT", "/cluster/replication/101-0", { digest: "0".repeat(40) }, "detected modified configuration - file changed by other user? Try again."],
      ["GET", "/nodes/pve2/qemu/100/config", {}, "Configuration file 'nodes/pve2/qemu-server/100.conf' does not exist"],
    ];
    for (const [method, path, params, message] of cases) {
      const res = await api(sim, method, path, params);
      expect({ path, status: res.status, message: res.body.message }).toEqual({ path, status: 500, message: `${message}\n` });
    }
    const conflict = await api(sim, "DELETE", "/cluster/replication/101-0", { force: 1, keep: 1 });
    expect(conflict.status).toBe(400);
    expect(conflict.body.errors).toEqual({ keep: "conflicts with parameter 'force'" });
  });

  it("updates jobs with delete lists and keeps unset keys absent", async () => {
    const sim = frozenSimulator();
    const before = (await api(sim, "GET", "/cluster/replication/100-0")).data as Record<string, unknown>;
    expect(before).toMatchObject({ schedule: "*/5", rate: 80 });
    const put = await api(sim, "PUT", "/cluster/replication/100-0", { delete: "rate,comment", schedule: "*/10", digest: before.digest as string });
    expect(put.status).toBe(200);
    const after = (await api(sim, "GET", "/cluster/replication/100-0")).data as Record<string, unknown>;
    expect(after.schedule).toBe("*/10");
    expect("rate" in after).toBe(false);
    expect("comment" in after).toBe(false);
    expect(after.digest).not.toBe(before.digest);
  });

  it("answers 595 for proxied calls to a node that is down, and refuses connections to it", async () => {
    const sim = frozenSimulator();
    sim.setNodeOnline("pve3", false);
    const res = await api(sim, "GET", "/nodes/pve3/replication");
    expect(res.status).toBe(595);
    await expect(api(sim, "GET", "/version", {}, rootToken(sim), "pve3")).rejects.toThrow(/ECONNREFUSED/);
    const nodes = (await api(sim, "GET", "/nodes")).data as { node: string; status: string }[];
    expect(nodes.find((n) => n.node === "pve3")?.status).toBe("offline");
  });

  it("refuses config writes without quorum", async () => {
    const sim = frozenSimulator();
    sim.setNodeOnline("pve2", false);
    sim.setNodeOnline("pve3", false);
    const status = (await api(sim, "GET", "/cluster/status")).data as { type: string; quorate?: number; online?: number }[];
    expect(status[0]).toMatchObject({ type: "cluster", quorate: 0 });
    const res = await api(sim, "PUT", "/cluster/replication/101-0", { rate: 5 });
    expect(res.status).toBe(500);
    expect(res.statusText).toBe("cfs-lock 'file-replication_cfg' error: no quorum!");
  });

  it("offers a WHATWG fetch for in-process clients", async () => {
    const sim = frozenSimulator();
    const fetchSim = sim.fetch();
    const res = await fetchSim("https://pve2:8006/api2/json/nodes/pve2/replication", { headers: rootToken(sim) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((j) => j.id)).toEqual(["104-0", "105-0", "106-0", "107-0"]);
  });
});
