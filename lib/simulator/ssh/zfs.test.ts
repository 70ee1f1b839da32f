import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { openRemoteShell } from "@/lib/ssh/client";
import type { RemoteShell } from "@/lib/ssh/remote-shell";

import { startServers } from "../server";
import type { RunningServers } from "../server";
import { createSimulator } from "../simulator";
import type { Simulator } from "../simulator";
import { T0 } from "../test-support";
import { zfsNamespace } from "../zfs-datasets";

// OpenZFS's receive rules as a returning node meets them, over real SSH: pve1 dies with VM 101
// running (writes after the last replication snapshot stay on pve1 only), 101 is recovered on pve2
// by hand, pve1 comes back, and the turned-around job 101-0 (pve2 → pve1) runs `zfs recv -F` into
// pve1's stale copy. What the operator does on pve1 before that run decides what survives.

const DISK = "rpool/data/vm-101-disk-0";
const VOLID = "local-zfs:vm-101-disk-0";

describe("zfs on a returning node: what survives pvesr's forced receive", () => {
  let dir: string;
  let sim: Simulator;
  let servers: RunningServers;
  const shells: RemoteShell[] = [];

  const shellOn = async (node: string) => {
    const e = servers.endpoints.find((x) => x.node === node);
    if (!e) throw new Error(`no endpoint ${node}`);
    const { shell } = await openRemoteShell({ node, host: "127.0.0.1", port: e.sshPort, auth: { password: sim.credentials.rootPassword }, pinnedHostKey: e.sshFingerprint, timeoutMs: 5000 });
    shells.push(shell);
    return shell;
  };
  const run = async (shell: RemoteShell, command: string) => {
    const out = await shell.run(command);
    if (out.code !== 0) throw new Error(`${command}: exit ${out.code}: ${out.stderr}`);
    return out.stdout;
  };
  const runsOf101Since = (t: number) => sim.model.performedRuns.filter((r) => r.jobId === "101-0" && r.node === "pve2" && r.start >= t);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pve-sim-zfs-"));
    sim = createSimulator({ scenario: "demo", startTime: T0, speed: 0, authFailureDelayMs: 0 });
    sim.advance(3600);
    servers = await startServers(sim, { port: 0, dataDir: dir });
    // pve1 dies 10 minutes after 101's last sync; 101 is recovered on pve2 as the manual says.
    sim.advance(600);
    sim.setNodeOnline("pve1", false);
    const pve2 = await shellOn("pve2");
    await run(pve2, "mv /etc/pve/nodes/pve1/qemu-server/101.conf /etc/pve/nodes/pve2/qemu-server/101.conf && qm start 101");
    sim.advance(300);
    sim.setNodeOnline("pve1", true);
  });
  afterEach(async () => {
    for (const s of shells.splice(0)) s.close();
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("without preservation the next run rolls pve1's copy back and the divergent writes are gone", async () => {
    const divergent = sim.model.volume("pve1", VOLID)?.divergent?.bytes ?? 0;
    expect(divergent).toBeGreaterThan(0);
    const pve1 = await shellOn("pve1");
    const written = await run(pve1, `zfs get -Hp -o value written ${DISK}`);
    expect(Number(written)).toBe(divergent);
    const base = (await run(pve1, `zfs list -H -t snapshot -o name -s creation ${DISK}`)).trim().split("\n").pop() ?? "";
    expect(base).toMatch(/@__replicate_101-0_\d+__$/);
    expect(Number(await run(pve1, `zfs get -Hp -o value written@${base.split("@")[1]} ${DISK}`))).toBe(divergent);
    const from = sim.now();
    sim.advance(3600);
    const ok = runsOf101Since(from).find((r) => r.outcome === "ok");
    expect(ok).toMatchObject({ kind: "incremental", discarded: divergent });
    expect(sim.model.volume("pve1", VOLID)?.divergent).toBeUndefined();
  });

  it("a snapshot alone does not survive: recv -F destroys what the sending side does not have", async () => {
    const pve1 = await shellOn("pve1");
    await run(pve1, `zfs snapshot ${DISK}@keep`);
    expect(await run(pve1, `zfs list -H -t snapshot -o name ${DISK}`)).toContain(`${DISK}@keep\n`);
    sim.advance(3600);
    expect(runsOf101Since(0).some((r) => r.outcome === "ok" && r.start > T0 + 4500)).toBe(true);
    expect(await run(pve1, `zfs list -H -t snapshot -o name ${DISK}`)).not.toContain("@keep");
  });

  it("a full local send | recv outside the storage keeps the writes, and the next sync still succeeds", async () => {
    const divergent = sim.model.volume("pve1", VOLID)?.divergent?.bytes ?? 0;
    const pve1 = await shellOn("pve1");
    await run(pve1, [
      `zfs snapshot ${DISK}@pve-standby-keep`,
      "zfs create -p rpool/pve-standby-keep",
      `zfs send ${DISK}@pve-standby-keep | zfs recv rpool/pve-standby-keep/vm-101-disk-0`,
      `zfs destroy ${DISK}@pve-standby-keep`,
    ].join(" && "));
    const from = sim.now();
    sim.advance(3600);
    expect(runsOf101Since(from).find((r) => r.outcome === "ok")).toMatchObject({ discarded: divergent });
    const kept = zfsNamespace(sim.model, "pve1").get("rpool/pve-standby-keep/vm-101-disk-0");
    expect(kept?.type).toBe("volume");
    expect(kept?.origin).toBeUndefined();
    expect(kept?.held?.bytes).toBe(divergent);
    expect(await run(pve1, "zfs list -H -o name,origin -t volume -r rpool/pve-standby-keep")).toBe("rpool/pve-standby-keep/vm-101-disk-0\t-\n");
    // Not a Proxmox volume: the storage does not list it.
    expect(sim.model.volumesOn("pve1").map((v) => v.volid)).not.toContain("local-zfs:pve-standby-keep");
  });

  it("a clone of a snapshot newer than the base breaks every sync until it goes (EEXIST), as on real ZFS", async () => {
    const pve1 = await shellOn("pve1");
    await run(pve1, `zfs snapshot ${DISK}@keep && zfs clone ${DISK}@keep rpool/keep-101`);
    expect(await pve1.run(`zfs destroy ${DISK}@keep`)).toEqual({
      code: 1, stdout: "", stderr: `cannot destroy '${DISK}@keep': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\nrpool/keep-101\n`,
    });
    const from = sim.now();
    sim.advance(3600);
    const failed = runsOf101Since(from).filter((r) => r.outcome === "failed");
    expect(failed.length).toBeGreaterThan(0);
    const log = sim.model.log("pve2", "101-0")?.map((l) => l.msg) ?? [];
    expect(log.some((m) => /^cannot restore to rpool\/data\/vm-101-disk-0@__replicate_101-0_\d+__: destination already exists$/.test(m))).toBe(true);
    expect(zfsNamespace(sim.model, "pve1").get("rpool/keep-101")?.held?.bytes).toBeGreaterThan(0);

    // Removing the clone unblocks the next run.
    await run(pve1, "zfs destroy rpool/keep-101");
    const after = sim.now();
    sim.advance(3600);
    expect(runsOf101Since(after).some((r) => r.outcome === "ok")).toBe(true);
  });

  it("renaming the volume out of the storage keeps it whole; the next run is a full sync", async () => {
    const divergent = sim.model.volume("pve1", VOLID)?.divergent?.bytes ?? 0;
    const pve1 = await shellOn("pve1");
    await run(pve1, `zfs rename -p ${DISK} rpool/pve-standby-keep/vm-101-disk-0`);
    expect(sim.model.volume("pve1", VOLID)).toBeUndefined();
    const from = sim.now();
    sim.advance(3600);
    expect(runsOf101Since(from).find((r) => r.outcome === "ok")).toMatchObject({ kind: "full" });
    expect(zfsNamespace(sim.model, "pve1").get("rpool/pve-standby-keep/vm-101-disk-0")?.held?.bytes).toBe(divergent);
  });
});

describe("zfs send | zfs recv on one node (OpenZFS rules)", () => {
  let dir: string;
  let sim: Simulator;
  let servers: RunningServers;
  let shell: RemoteShell;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pve-sim-zfs-"));
    sim = createSimulator({ scenario: "demo", startTime: T0, speed: 0, authFailureDelayMs: 0 });
    servers = await startServers(sim, { port: 0, dataDir: dir });
    const e = servers.endpoints.find((x) => x.node === "pve3");
    shell = (await openRemoteShell({ node: "pve3", host: "127.0.0.1", port: e?.sshPort ?? 0, auth: { password: sim.credentials.rootPassword }, pinnedHostKey: e?.sshFingerprint, timeoutMs: 5000 })).shell;
  });
  afterEach(async () => {
    shell.close();
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  const SRC = "rpool/data/vm-109-disk-0";
  const DST = "rpool/copy";

  it("an incremental receive needs its base; without -F the destination must be unchanged; -F rolls back and destroys newer snapshots", async () => {
    const ok = (command: string) => shell.run(command).then((r) => expect(r, command).toMatchObject({ code: 0 }));
    await ok(`zfs snapshot ${SRC}@a && zfs send ${SRC}@a | zfs recv ${DST}`);
    expect(await shell.run(`zfs send ${SRC}@a | zfs recv ${DST}`)).toMatchObject({ code: 1, stderr: `cannot receive new filesystem stream: destination '${DST}' exists\nmust specify -F to overwrite it\n` });
    sim.advance(60);
    await ok(`zfs snapshot ${SRC}@b && zfs snapshot ${DST}@local`);
    expect(await shell.run(`zfs send -i @a ${SRC}@b | zfs recv ${DST}`)).toMatchObject({ code: 1, stderr: `cannot receive incremental stream: most recent snapshot of ${DST} does not\nmatch incremental source\n` });
    await ok(`zfs send -i @a ${SRC}@b | zfs recv -F ${DST}`);
    expect((await shell.run(`zfs list -H -t snapshot -o name ${DST}`)).stdout).toBe(`${DST}@a\n${DST}@b\n`);
    expect(await shell.run(`zfs send -i @b ${SRC}@a | zfs recv ${DST}`)).toEqual({
      code: 1, stdout: "", stderr: `cannot send '${SRC}@a': incremental source must be earlier than destination\ncannot receive: failed to read from stream\n`,
    });
  });

  it("-F cannot destroy a newer snapshot that has clones; promote reverses the dependency", async () => {
    const ok = (command: string) => shell.run(command).then((r) => expect(r, command).toMatchObject({ code: 0 }));
    await ok(`zfs snapshot ${SRC}@a && zfs send ${SRC}@a | zfs recv ${DST}`);
    sim.advance(60);
    await ok(`zfs snapshot ${SRC}@b && zfs snapshot ${DST}@mine && zfs clone ${DST}@mine rpool/mine`);
    expect(await shell.run(`zfs send -R -I @a ${SRC}@b | zfs recv -F ${DST}`)).toMatchObject({ code: 1, stderr: `cannot restore to ${DST}@b: destination already exists\n` });
    // libzfs deferred the destroy of the cloned snapshot and renamed it out of the way.
    expect((await shell.run(`zfs list -H -t snapshot -o name,clones ${DST}`)).stdout).toMatch(new RegExp(`^${DST}@a\\t\\n${DST}@recv-\\d+-1\\trpool/mine\\n$`));
    await ok("zfs promote rpool/mine");
    expect((await shell.run(`zfs get -H -o value origin ${DST} rpool/mine`)).stdout).toMatch(/^rpool\/mine@recv-\d+-1\n-\n$/);
    expect((await shell.run("zfs list -H -t snapshot -o name rpool/mine")).stdout).toMatch(/^rpool\/mine@a\nrpool\/mine@recv-\d+-1\n$/);
    expect(await shell.run("zfs promote rpool/data")).toMatchObject({ code: 1, stderr: "cannot promote 'rpool/data': not a cloned filesystem\n" });
  });

  it("lists datasets and snapshots like zfs list, and answers a missing one with zfs's text", async () => {
    const list = await shell.run("zfs list");
    expect(list.stdout).toMatch(/^NAME +USED +AVAIL +REFER +MOUNTPOINT\n/);
    expect(list.stdout).toMatch(/\nrpool\/data\/vm-109-disk-0 +\S+ +\S+ +\S+ +-\n/);
    expect((await shell.run("zfs list -Hp -o name,volsize rpool/data/vm-109-disk-0")).stdout).toBe(`rpool/data/vm-109-disk-0\t${32 * 1024 ** 3}\n`);
    expect(await shell.run("zfs list rpool/nope")).toEqual({ code: 1, stdout: "", stderr: "cannot open 'rpool/nope': dataset does not exist\n" });
    expect(await shell.run("zfs frob")).toMatchObject({ code: 2 });
    // The disk of a running guest is open: ZFS refuses to take it away.
    expect(sim.model.guest(109)).toMatchObject({ node: "pve3", status: "running" });
    expect(await shell.run(`zfs destroy ${SRC}`)).toEqual({ code: 1, stdout: "", stderr: `cannot destroy '${SRC}': dataset is busy\n` });
    expect(await shell.run(`zfs rename ${SRC} rpool/elsewhere`)).toEqual({ code: 1, stdout: "", stderr: `cannot rename '${SRC}': dataset is busy\n` });
  });
});
