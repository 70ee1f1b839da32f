import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startServers } from "./server";
import type { RunningServers } from "./server";
import { createSimulator } from "./simulator";
import type { Simulator } from "./simulator";
import { api, frozenSimulator, rootToken, T0 } from "./test-support";

async function addFault(sim: Simulator, spec: Record<string, unknown>) {
  const res = await sim.handle("pve1", {
    method: "POST",
    url: "/control/faults",
    headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
  return { status: res.status, body: JSON.parse(res.body) as { data: { id: number }; error?: string } };
}

describe("response faults, in-process", () => {
  it("fails matching requests with a 5xx for a number of requests, per node and endpoint", async () => {
    const sim = frozenSimulator();
    expect((await addFault(sim, { kind: "error", status: 503, node: "pve2", path: "/nodes/*/replication", count: 2 })).status).toBe(200);
    const first = await api(sim, "GET", "/nodes/pve2/replication", {}, rootToken(sim), "pve2");
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ data: null, message: "Service Unavailable\n" });
    expect((await api(sim, "GET", "/nodes/pve2/replication", {}, rootToken(sim), "pve1")).status).toBe(200); // other node
    expect((await api(sim, "GET", "/cluster/status", {}, rootToken(sim), "pve2")).status).toBe(200); // other endpoint
    expect((await api(sim, "GET", "/nodes/pve2/replication", {}, rootToken(sim), "pve2")).status).toBe(503);
    expect((await api(sim, "GET", "/nodes/pve2/replication", {}, rootToken(sim), "pve2")).status).toBe(200); // count used up
  });

  it("applies a fault for a window of simulator time", async () => {
    const sim = frozenSimulator();
    await addFault(sim, { kind: "error", status: 502, message: "proxy loop detected", path: "/**", duration: 60 });
    const res = await api(sim, "GET", "/version");
    expect(res.status).toBe(502);
    expect(res.statusText).toBe("proxy loop detected");
    sim.advance(61);
    expect((await api(sim, "GET", "/version")).status).toBe(200);
  });

  it("slows, resets, truncates and garbles answers through the in-process fetch", async () => {
    const sim = frozenSimulator();
    const fetchPve = sim.fetch();
    const url = "https://pve1/api2/json/cluster/resources";
    const init = { headers: rootToken(sim) };

    await addFault(sim, { kind: "slow", delayMs: 80, count: 1 });
    const started = Date.now();
    expect((await fetchPve(url, init)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);

    await addFault(sim, { kind: "reset", count: 1 });
    await expect(fetchPve(url, init)).rejects.toThrow(/ECONNRESET/);

    await addFault(sim, { kind: "truncate", count: 1 });
    const cut = await fetchPve(url, init);
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow(/terminated/);

    await addFault(sim, { kind: "garble", count: 1 });
    const garbled = await fetchPve(url, init);
    expect(garbled.status).toBe(200);
    await expect(garbled.json()).rejects.toThrow();
    expect((await fetchPve(url, init)).status).toBe(200);
  });

  it("validates fault specs and lists and removes them", async () => {
    const sim = frozenSimulator();
    expect((await addFault(sim, { kind: "explode" })).status).toBe(400);
    const { data } = (await addFault(sim, { kind: "reset", node: "pve3" })).body;
    const list = await sim.handle("pve1", { method: "GET", url: "/control/faults", headers: { authorization: `Bearer ${sim.controlToken}` } });
    expect(JSON.parse(list.body).data).toHaveLength(1);
    const del = await sim.handle("pve1", { method: "DELETE", url: `/control/faults/${data.id}`, headers: { authorization: `Bearer ${sim.controlToken}` } });
    expect(del.status).toBe(200);
    expect((await api(sim, "GET", "/version", {}, rootToken(sim), "pve3")).status).toBe(200);
  });
});

type Outcome = { status?: number; body: string; error?: string; complete: boolean };

function get(url: string, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    let body = "";
    let status: number | undefined;
    const req = request(url, { headers, rejectUnauthorized: false, agent: false }, (res) => {
      status = res.statusCode;
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status, body, complete: res.complete }));
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ status, body, error: err.code ?? err.message, complete: false }));
      res.on("aborted", () => resolve({ status, body, error: "aborted", complete: false }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ status, body, error: `${err.code}: ${err.message}`, complete: false }));
    req.end();
  });
}

describe("response faults over HTTPS", () => {
  let dir: string;
  let sim: Simulator;
  let servers: RunningServers;
  let base: string;
  let token: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pve-sim-faults-"));
    sim = createSimulator({ scenario: "demo", startTime: T0, speed: 0, authFailureDelayMs: 0 });
    servers = await startServers(sim, { port: 0, dataDir: dir });
    base = servers.endpoints[0]!.url;
    token = rootToken(sim);
  });
  afterAll(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("resets the TCP connection", async () => {
    await addFault(sim, { kind: "reset", path: "/cluster/resources", count: 1 });
    const out = await get(`${base}/api2/json/cluster/resources`, token);
    expect(out.status).toBeUndefined();
    // A real RST ("read ECONNRESET"), not a closed connection ("socket hang up").
    expect(out.error).toBe("ECONNRESET: read ECONNRESET");
    expect((await get(`${base}/api2/json/cluster/resources`, token)).status).toBe(200);
  });

  it("cuts a body short: the headers announce more than arrives", async () => {
    await addFault(sim, { kind: "truncate", path: "/cluster/resources", count: 1 });
    const out = await get(`${base}/api2/json/cluster/resources`, token);
    expect(out.status).toBe(200);
    expect(out.complete).toBe(false);
    expect(out.error).toBeDefined();
    expect(out.body.length).toBeGreaterThan(0);
    expect(() => JSON.parse(out.body)).toThrow();
  });

  it("answers 5xx, garbles and slows down", async () => {
    await addFault(sim, { kind: "error", status: 500, message: "unable to read file '/etc/pve/nodes'", count: 1 });
    const failed = await get(`${base}/api2/json/version`, token);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ data: null, message: "unable to read file '/etc/pve/nodes'\n" });

    await addFault(sim, { kind: "garble", count: 1 });
    const garbled = await get(`${base}/api2/json/version`, token);
    expect(garbled.status).toBe(200);
    expect(garbled.complete).toBe(true);
    expect(() => JSON.parse(garbled.body)).toThrow();

    await addFault(sim, { kind: "slow", delayMs: 100, count: 1 });
    const started = Date.now();
    expect((await get(`${base}/api2/json/version`, token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});
