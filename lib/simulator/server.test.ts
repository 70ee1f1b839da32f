import { mkdtemp, rm, stat } from "node:fs/promises";
import { request } from "node:https";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadOrCreateCertificates } from "./certs";
import { startServers } from "./server";
import type { RunningServers } from "./server";
import { createSimulator } from "./simulator";
import type { Simulator } from "./simulator";
import { T0 } from "./test-support";

type Reply = { status: number; statusText: string; body: string; fingerprint: string };

function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string; pin?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        // Either trust the cluster CA, or pin the leaf fingerprint like Proxmox's own tools do.
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        agent: false,
      },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        if (options.pin && fingerprint !== options.pin) return reject(new Error("fingerprint mismatch"));
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", body, fingerprint }));
      },
    );
    req.on("error", reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

describe("HTTPS listeners", () => {
  let dir: string;
  let sim: Simulator;
  let servers: RunningServers;
  let token: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pve-sim-"));
    sim = createSimulator({ scenario: "demo", startTime: T0, speed: 0, authFailureDelayMs: 0 });
    servers = await startServers(sim, { port: 0, dataDir: dir });
    token = { authorization: `PVEAPIToken=${sim.credentials.tokenId}=${sim.credentials.tokenSecret}` };
  });
  afterAll(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves each node on its own port with a CA-signed certificate whose fingerprint /nodes reports", async () => {
    expect(servers.endpoints.map((e) => e.node)).toEqual(["pve1", "pve2", "pve3"]);
    const pve1 = servers.endpoints[0]!;
    const res = await call(`${pve1.url}/api2/json/nodes`, { headers: token, ca: servers.caCert });
    expect(res.status).toBe(200);
    const nodes = (JSON.parse(res.body) as { data: { node: string; ssl_fingerprint: string }[] }).data;
    expect(nodes.map((n) => n.ssl_fingerprint)).toEqual(servers.endpoints.map((e) => e.fingerprint));
    expect(nodes[0]?.ssl_fingerprint).toBe(res.fingerprint);
    expect(res.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const pinned = await call(`${servers.endpoints[1]!.url}/api2/json/version`, { headers: token, pin: servers.endpoints[1]!.fingerprint });
    expect(pinned.status).toBe(200);
  });

  it("logs in with a ticket over HTTPS and writes with the CSRF token", async () => {
    const url = servers.endpoints[0]!.url;
    const login = await call(`${url}/api2/json/access/ticket`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=root%40pam&password=simulator",
      ca: servers.caCert,
    });
    const { ticket, CSRFPreventionToken } = (JSON.parse(login.body) as { data: Record<string, string> }).data as Record<string, string>;
    const res = await call(`${url}/api2/json/cluster/replication`, {
      method: "POST",
      headers: {
        cookie: `PVEAuthCookie=${encodeURIComponent(ticket as string)}`,
        csrfpreventiontoken: CSRFPreventionToken as string,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "id=101-1&type=local&target=pve3&schedule=*%2F30",
      ca: servers.caCert,
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"data":null}');
    const tokenWrite = await call(`${url}/api2/json/cluster/replication/101-1`, { method: "PUT", headers: token, ca: servers.caCert, body: "" });
    expect(tokenWrite.status).toBe(200); // tokens need no CSRF token
    const err = await call(`${url}/api2/json/cluster/replication/555-0`, { headers: token, ca: servers.caCert });
    expect(err.status).toBe(500);
    expect(err.statusText).toBe("no such replication job '555-0'");
  });

  it("drives the clock through the control API and stops answering on a node that is down", async () => {
    const [pve1, pve2] = [servers.endpoints[0]!, servers.endpoints[1]!];
    const control = (path: string, body: unknown) =>
      call(`${pve1.url}/control${path}`, {
        method: path === "/clock" ? "POST" : "PUT",
        headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        ca: servers.caCert,
      });
    const clock = await control("/clock", { advance: 3600 });
    expect(JSON.parse(clock.body).data.now).toBe(T0 + 3600);
    const time = await call(`${pve1.url}/api2/json/nodes/pve1/time`, { headers: token, ca: servers.caCert });
    expect(JSON.parse(time.body).data.time).toBe(T0 + 3600);

    expect((await control("/nodes/pve2", { online: 0 })).status).toBe(200);
    await expect(call(`${pve2.url}/api2/json/version`, { headers: token, ca: servers.caCert })).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    const proxied = await call(`${pve1.url}/api2/json/nodes/pve2/replication`, { headers: token, ca: servers.caCert });
    expect(proxied.status).toBe(595);
    expect((await control("/nodes/pve2", { online: 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect((await call(`${pve2.url}/api2/json/version`, { headers: token, ca: servers.caCert })).status).toBe(200);
  });

  it("reuses the certificates from the data folder and keeps keys private", async () => {
    const again = await loadOrCreateCertificates(dir, ["pve1", "pve2", "pve3"]);
    expect([...again.nodes.values()].map((n) => n.fingerprint)).toEqual(servers.endpoints.map((e) => e.fingerprint));
    expect((await stat(join(dir, "pve-root-ca.key"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "nodes", "pve1", "pve-ssl.key"))).mode & 0o777).toBe(0o600);
  });
});
