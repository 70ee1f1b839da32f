import selfsigned from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getClusterStatus, getVersion, readQuorum } from "./cluster";
import { testConnection } from "./connection-test";
import { PveCertificateMismatchError, PveTimeoutError, PveUnreachableError } from "./errors";
import { getNodes } from "./nodes";
import { getNodeReplicationStatus, listReplicationJobs, scheduleReplicationNow } from "./replication";
import { closedPort, recordRequests, startBlackhole, startSilentTlsPeer, startSimulatorFixture } from "@/lib/testing/simulator-fixture";
import type { SimulatorFixture } from "@/lib/testing/simulator-fixture";
import { fetchCertificate } from "./tls";
import { createHttpsTransport } from "./transport";

let fx: SimulatorFixture;

beforeAll(async () => {
  fx = await startSimulatorFixture();
});

afterAll(async () => {
  await fx.close();
});

describe("TLS pinning against the simulator", () => {
  it("add-cluster flow: fetch the certificate, pin it, then read version, nodes and quorum", async () => {
    const presented = await fetchCertificate("127.0.0.1", fx.endpoint("pve1").port);
    const leaf = presented.chain[0];
    expect(leaf?.issuer).toContain("CN=Proxmox Virtual Environment");
    expect(presented.trustedBySystem).toBe(false);

    const client = fx.client({ endpoints: [fx.endpoint("pve1")], trust: { kind: "fingerprint", sha256: leaf?.fingerprint256 ?? "" } });
    const report = await testConnection(client);
    expect(report.version.version).toMatch(/^\d+\.\d+/);
    expect(report.quorum).toEqual({ clustered: true, quorate: true, name: expect.any(String) });
    expect(report.nodes.map((n) => n.name)).toEqual(fx.sim.nodeNames);
    // GET /nodes offers every node's pin, so the other addresses can be pinned too.
    expect(report.nodes.find((n) => n.name === "pve1")?.sslFingerprint).toBe(leaf?.fingerprint256);
    expect(report.features.map((f) => f.status)).toEqual(["ok", "ok", "ok"]);
  });

  it("returns the cluster clock as serverTime", async () => {
    const { serverTime } = await getClusterStatus(fx.client());
    expect(Math.abs((serverTime?.getTime() ?? 0) / 1000 - fx.sim.now())).toBeLessThan(2);
  });

  it("trusts the pinned cluster CA for every node", async () => {
    for (const node of fx.sim.nodeNames) {
      const client = fx.client({ endpoints: [fx.endpoint(node)], trust: { kind: "ca", pem: fx.servers.caCert } });
      expect((await getVersion(client)).endpoint).toBe(`127.0.0.1:${fx.endpoint(node).port}`);
    }
  });

  it("refuses a node whose certificate is not pinned, and does not route around it", async () => {
    const pve2Pin = fx.servers.endpoints[1]?.fingerprint ?? "";
    const { transport, log } = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: pve2Pin }, connectTimeoutMs: 1000 }));
    const client = fx.client({ endpoints: [fx.endpoint("pve1"), fx.endpoint("pve2")], transport });
    const error = await listReplicationJobs(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveCertificateMismatchError);
    expect((error as PveCertificateMismatchError).expected).toEqual([pve2Pin]);
    expect((error as PveCertificateMismatchError).presented[0]).toBe(fx.servers.endpoints[0]?.fingerprint);
    expect(log.map((r) => r.endpoint.port)).toEqual([fx.endpoint("pve1").port]);
  });

  it("refuses a certificate from another CA", async () => {
    const otherCa = await selfsigned.generate([{ name: "commonName", value: "Other CA" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [{ name: "basicConstraints", cA: true }],
    });
    const client = fx.client({ trust: { kind: "ca", pem: otherCa.cert } });
    const error = await getVersion(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveCertificateMismatchError);
    expect((error as PveCertificateMismatchError).presented[0]).toBe(fx.servers.endpoints[0]?.fingerprint);
  });
});

describe("endpoint failover", () => {
  it("moves on when the first address refuses connections and remembers the good one", async () => {
    const dead = { host: "127.0.0.1", port: await closedPort() };
    const { transport, log } = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 1000 }));
    const client = fx.client({ endpoints: [dead, fx.endpoint("pve2"), fx.endpoint("pve3")], transport });
    expect((await getVersion(client)).endpoint).toBe(`127.0.0.1:${fx.endpoint("pve2").port}`);
    expect(client.activeEndpoint()).toEqual(fx.endpoint("pve2"));
    log.length = 0;
    await listReplicationJobs(client);
    expect(log.map((r) => r.endpoint.port)).toEqual([fx.endpoint("pve2").port]);
  });

  it("moves on when a node hangs in the handshake (connect timeout)", async () => {
    const blackhole = await startBlackhole();
    try {
      const client = fx.client({ endpoints: [{ host: "127.0.0.1", port: blackhole.port }, fx.endpoint("pve3")], timeouts: { connectMs: 300 } });
      const started = Date.now();
      // A write fails over too: nothing was sent to the hanging node.
      const jobs = (await listReplicationJobs(client)).data;
      // Not the job pve1 is syncing: Proxmox refuses schedule_now while the sync holds the guest's migration lock.
      const syncing = new Set((await getNodeReplicationStatus(client, "pve1")).data.filter((s) => s.pid !== undefined).map((s) => s.id));
      const job = jobs.find((j) => !j.disable && j.source === "pve1" && !syncing.has(j.id));
      expect(job).toBeDefined();
      await scheduleReplicationNow(client, "pve1", job?.id ?? "");
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await blackhole.close();
    }
  });

  it("follows a node going down and reports proxied calls to it as unreachable", async () => {
    fx.sim.model.setNodeOnline("pve1", false);
    try {
      const client = fx.client();
      const status = await getClusterStatus(client);
      expect(status.endpoint).not.toBe(`127.0.0.1:${fx.endpoint("pve1").port}`);
      expect(readQuorum(status.data).quorate).toBe(true);
      expect(status.data.find((e) => e.name === "pve1")?.online).toBe(false);
      const error = await getNodeReplicationStatus(client, "pve1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PveUnreachableError);
      expect((error as PveUnreachableError).scope).toBe("proxied-node");
    } finally {
      fx.sim.model.setNodeOnline("pve1", true);
    }
    await expect.poll(async () => (await getVersion(fx.client({ endpoints: [fx.endpoint("pve1")] }))).endpoint).toContain(":");
  });

  it("retries reads with backoff but sends a write to each address at most once", async () => {
    const dead = [{ host: "127.0.0.1", port: await closedPort() }, { host: "127.0.0.1", port: await closedPort() }];
    const { transport, log } = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: fx.pins }, connectTimeoutMs: 500 }));
    const client = fx.client({ endpoints: dead, transport, retries: { attempts: 2, baseDelayMs: 1 } });
    await expect(getNodes(client)).rejects.toBeInstanceOf(PveUnreachableError);
    expect(log).toHaveLength(6);
    log.length = 0;
    await expect(scheduleReplicationNow(client, "pve1", "100-0")).rejects.toBeInstanceOf(PveUnreachableError);
    expect(log).toHaveLength(2);
  });
});

describe("timeouts", () => {
  it("a hung node: reads time out and fail over, a write times out with an unknown outcome and goes nowhere else", async () => {
    const hung = await startSilentTlsPeer();
    try {
      const { transport, log } = recordRequests(createHttpsTransport({ trust: { kind: "fingerprint", sha256: [hung.fingerprint, ...fx.pins] }, connectTimeoutMs: 1000 }));
      const endpoints = [{ host: "127.0.0.1", port: hung.port }, fx.endpoint("pve2")];
      const client = fx.client({ endpoints, transport, timeouts: { requestMs: 300 } });
      expect((await getVersion(client)).endpoint).toBe(`127.0.0.1:${fx.endpoint("pve2").port}`);
      expect(hung.received()).toMatch(/^GET \/api2\/json\/version/);

      const writer = fx.client({ endpoints, transport, timeouts: { requestMs: 300 } });
      log.length = 0;
      const error = await scheduleReplicationNow(writer, "pve1", "100-0").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PveTimeoutError);
      expect((error as PveTimeoutError).phase).toBe("request");
      expect((error as PveTimeoutError).requestSent).toBe(true);
      expect(log.map((r) => r.endpoint.port)).toEqual([hung.port]);
    } finally {
      await hung.close();
    }
  });

  it("a handshake that never completes is a connect timeout", async () => {
    const blackhole = await startBlackhole();
    try {
      const client = fx.client({ endpoints: [{ host: "127.0.0.1", port: blackhole.port }], timeouts: { connectMs: 200 }, retries: { attempts: 0 } });
      const error = await getVersion(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PveTimeoutError);
      expect((error as PveTimeoutError).phase).toBe("connect");
      expect((error as PveTimeoutError).requestSent).toBe(false);
    } finally {
      await blackhole.close();
    }
  });
});
