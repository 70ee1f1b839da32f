import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import type { Server as NetServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openRemoteShell } from "@/lib/ssh/client";
import type { OpenRemoteShellOptions } from "@/lib/ssh/client";
import { SshAuthError, SshConnectionError, SshHostKeyChangedError, SshKeyError } from "@/lib/ssh/errors";
import type { RemoteShell } from "@/lib/ssh/remote-shell";

import { startServers } from "../server";
import { generateEd25519KeyPair } from "./host-keys";
import type { RunningServers } from "../server";
import { createSimulator } from "../simulator";
import type { Simulator } from "../simulator";
import { T0 } from "../test-support";

// Real SSH over loopback: the app's client (lib/ssh) against the simulator's sshd per node.

// The operator's key, passphrase-protected as a stored recovery credential may be.
const userKey = generateEd25519KeyPair({ passphrase: "key-passphrase", cipher: "aes256-ctr", rounds: 16 });

describe("SSH into simulated nodes", () => {
  let dir: string;
  let sim: Simulator;
  let servers: RunningServers;
  const shells: RemoteShell[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pve-sim-ssh-"));
    sim = createSimulator({ scenario: "demo", startTime: T0, speed: 0, authFailureDelayMs: 0 });
    sim.advance(3600);
    servers = await startServers(sim, { port: 0, dataDir: dir, sshAuthorizedKey: userKey.public });
  });
  afterAll(async () => {
    for (const s of shells) s.close();
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  const endpoint = (node: string) => {
    const e = servers.endpoints.find((x) => x.node === node);
    if (!e) throw new Error(`no endpoint ${node}`);
    return e;
  };
  const open = async (node: string, extra: Partial<OpenRemoteShellOptions> = {}) => {
    const e = endpoint(node);
    const opened = await openRemoteShell({ node, host: "127.0.0.1", port: e.sshPort, auth: { password: sim.credentials.rootPassword }, pinnedHostKey: e.sshFingerprint, timeoutMs: 5000, ...extra });
    shells.push(opened.shell);
    return opened;
  };

  it("stores one host key per node 0600 and presents it; a pinned key is accepted, another refused before login", async () => {
    const keyFile = await stat(join(dir, "nodes", "pve2", "ssh_host_ed25519_key"));
    expect(keyFile.mode & 0o777).toBe(0o600);
    const e = endpoint("pve2");
    expect(e.sshFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(new Set(servers.endpoints.map((x) => x.sshFingerprint)).size).toBe(servers.endpoints.length);

    const firstUse = await open("pve2", { pinnedHostKey: null });
    expect(firstUse.hostKey).toBe(e.sshFingerprint);

    // The key is the node's for good: a restart on the same data folder presents the same one.
    const again = await startServers(createSimulator({ scenario: "demo", startTime: T0, speed: 0 }), { port: 0, dataDir: dir });
    expect(again.endpoints.map((x) => x.sshFingerprint)).toEqual(servers.endpoints.map((x) => x.sshFingerprint));
    await again.close();

    const wrong = endpoint("pve3").sshFingerprint;
    const refused = await open("pve2", { pinnedHostKey: wrong }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SshHostKeyChangedError);
    expect(refused).toMatchObject({ expected: wrong, presented: e.sshFingerprint, node: "pve2" });
  });

  it("logs in with the root password or the authorized key, and refuses a wrong password", async () => {
    const { shell } = await open("pve1");
    expect(await shell.run("hostname")).toEqual({ code: 0, stdout: "pve1\n", stderr: "" });
    const byKey = await open("pve1", { auth: { privateKey: userKey.private, passphrase: "key-passphrase" } });
    expect((await byKey.shell.run("hostname")).stdout).toBe("pve1\n");
    const bad = await open("pve1", { auth: { password: "not-the-password" } }).catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(SshAuthError);
    expect(String((bad as Error).message)).not.toContain("not-the-password");
    const locked = await open("pve1", { auth: { privateKey: userKey.private, passphrase: "wrong" } }).catch((err: unknown) => err);
    expect(locked).toBeInstanceOf(SshKeyError);
    const otherKey = generateEd25519KeyPair();
    expect(await open("pve1", { auth: { privateKey: otherKey.private } }).catch((err: unknown) => err)).toBeInstanceOf(SshAuthError);
  });

  it("answers an unknown command as bash does", async () => {
    const { shell } = await open("pve1");
    expect(await shell.run("frobnicate --all")).toEqual({ code: 127, stdout: "", stderr: "bash: line 1: frobnicate: command not found\n" });
    // Comments and newlines as bash reads a pasted block: `#` starts a comment, a newline ends a command.
    expect(await shell.run("# on pve1, as root\nhostname   # which node\necho a#b")).toEqual({ code: 0, stdout: "pve1\na#b\n", stderr: "" });
  });

  it("pvecm status shows a quorate cluster in Proxmox's format", async () => {
    const { shell } = await open("pve2");
    const out = await shell.run("pvecm status");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Cluster information\n-------------------\nName: +\S+/);
    expect(out.stdout).toMatch(/\nQuorate: +Yes\n/);
    expect(out.stdout).toMatch(/\nExpected votes: +3\n[\s\S]*\nTotal votes: +3\nQuorum: +2 *\nFlags: +Quorate/);
    expect(out.stdout).toMatch(/\n0x00000002 +1 \S+ \(local\)\n/);
  });

  it("a silent peer times out with a tagged connection error; a command past its timeout is abandoned; output is capped", async () => {
    // A peer that accepts TCP and never speaks SSH (a hung sshd, a wrong port).
    const accepted: Socket[] = [];
    const silent: NetServer = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const timedOut = await openRemoteShell({ node: "ghost", host: "127.0.0.1", port, auth: { password: "x" }, timeoutMs: 300 }).catch((err: unknown) => err);
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(timedOut).toBeInstanceOf(SshConnectionError);
    expect(timedOut).toMatchObject({ reason: "timeout", node: "ghost" });

    const { shell } = await open("pve1", { maxOutputBytes: 64 });
    const slow = await shell.run("sleep 5", { timeoutMs: 200 });
    expect(slow.code).toBe(124);
    expect(slow.stderr).toMatch(/no answer within 0 s, the command was abandoned \(its outcome on pve1 is unknown\)/);
    const big = await shell.run("zfs list");
    expect(big.code).toBe(0);
    expect(big.stdout.startsWith("NAME")).toBe(true);
    expect(big.stdout).toMatch(/\n\[pve-standby: \d+ more bytes of output dropped\]\n$/);
    // The connection still serves commands after an abandoned one.
    expect((await shell.run("hostname")).stdout).toBe("pve1\n");
  });

  it("a node that is down refuses SSH, and accepts it again when it is back", async () => {
    // A node that dies under a running command: the command rejects (its outcome is unknown), nothing hangs.
    const { shell: doomed } = await open("pve3");
    const pending = doomed.run("sleep 5", { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    sim.setNodeOnline("pve3", false);
    await expect(pending).rejects.toBeInstanceOf(SshConnectionError);
    await expect(doomed.run("hostname")).rejects.toBeInstanceOf(SshConnectionError);

    const down = await open("pve3").catch((err: unknown) => err);
    expect(down).toBeInstanceOf(SshConnectionError);
    expect(down).toMatchObject({ reason: "refused" });
    sim.setNodeOnline("pve3", true);
    const { shell } = await open("pve3");
    expect((await shell.run("hostname")).stdout).toBe("pve3\n");
  });
});

describe("recovering a guest from a dead node over SSH (pvesr.adoc's manual procedure)", () => {
  let dir: string;
  let sim: Simulator;
  let servers: RunningServers;
  const shells: RemoteShell[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pve-sim-ssh-"));
    sim = createSimulator({ scenario: "demo", startTime: T0, speed: 0, authFailureDelayMs: 0 });
    sim.advance(3600);
    servers = await startServers(sim, { port: 0, dataDir: dir });
  });
  afterAll(async () => {
    for (const s of shells) s.close();
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  const shellOn = async (node: string) => {
    const e = servers.endpoints.find((x) => x.node === node);
    if (!e) throw new Error(`no endpoint ${node}`);
    const { shell } = await openRemoteShell({ node, host: "127.0.0.1", port: e.sshPort, auth: { password: sim.credentials.rootPassword }, pinnedHostKey: e.sshFingerprint, timeoutMs: 5000 });
    shells.push(shell);
    return shell;
  };
  const conf = (node: string, vmid: number) => `/etc/pve/nodes/${node}/qemu-server/${vmid}.conf`;

  it("lists and reads guest configurations under /etc/pve, with coreutils' errors", async () => {
    const shell = await shellOn("pve2");
    const ls = await shell.run("ls /etc/pve/nodes/pve1/qemu-server");
    expect(ls.code).toBe(0);
    expect(ls.stdout.split("\n")).toEqual(expect.arrayContaining(["100.conf", "101.conf", "103.conf"]));
    expect((await shell.run("ls /etc/pve/qemu-server")).stdout.split("\n")).toEqual(expect.arrayContaining(["104.conf", "105.conf"]));
    const cat = await shell.run(`cat ${conf("pve1", 101)}`);
    expect(cat.code).toBe(0);
    expect(cat.stdout).toMatch(/^agent: 1\n[\s\S]*\nname: web-01\n[\s\S]*\nscsi0: local-zfs:vm-101-disk-0,/);
    expect(await shell.run("cat /etc/pve/nodes/pve1/qemu-server/999.conf")).toEqual({ code: 1, stdout: "", stderr: "cat: /etc/pve/nodes/pve1/qemu-server/999.conf: No such file or directory\n" });
    expect(await shell.run("ls /etc/pve/nodes/pve9")).toEqual({ code: 2, stdout: "", stderr: "ls: cannot access '/etc/pve/nodes/pve9': No such file or directory\n" });
  });

  it("mv is refused while the cluster has no quorum, and allowed after pvecm expected 1", async () => {
    sim.setNodeOnline("pve1", false);
    sim.setNodeOnline("pve3", false);
    const shell = await shellOn("pve2");
    const status = await shell.run("pvecm status");
    expect(status.stdout).toMatch(/\nQuorate: +No\n/);
    expect(status.stdout).toMatch(/\nTotal votes: +1\nQuorum: +2 Activity blocked\n/);
    const move = `mv ${conf("pve1", 101)} ${conf("pve2", 101)}`;
    expect(await shell.run(move)).toEqual({ code: 1, stdout: "", stderr: `mv: cannot move '${conf("pve1", 101)}' to '${conf("pve2", 101)}': Permission denied\n` });
    expect(sim.model.guest(101)?.node).toBe("pve1");
    // The API sees the same quorum.
    const clusterQuorate = async () => {
      const res = await sim.handle("pve2", { method: "GET", url: "/api2/json/cluster/status", headers: { authorization: `PVEAPIToken=${sim.credentials.tokenId}=${sim.credentials.tokenSecret}` } });
      return (JSON.parse(res.body) as { data: { type: string; quorate?: number }[] }).data.find((e) => e.type === "cluster")?.quorate;
    };
    expect(await clusterQuorate()).toBe(0);

    expect(await shell.run("pvecm expected 1")).toMatchObject({ code: 0 });
    expect((await shell.run("pvecm status")).stdout).toMatch(/\nQuorate: +Yes\n[\s\S]*\nExpected votes: +1\n[\s\S]*\nQuorum: +1 *\nFlags: +Quorate/);
    expect(await clusterQuorate()).toBe(1);
    expect(await shell.run(move)).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(sim.model.guest(101)?.node).toBe("pve2");

    // A node that rejoins brings corosync.conf's expected votes back.
    sim.setNodeOnline("pve3", true);
    expect(sim.model.votequorum()).toEqual({ expected: 3, total: 2, quorum: 2 });
  });

  it("after the move the next scheduler pass turns the job around, qm start runs the guest there, and nowhere else", async () => {
    const shell = await shellOn("pve2");
    sim.advance(60);
    const job = sim.model.jobs.get("101-0");
    expect(job).toMatchObject({ source: "pve2", target: "pve1" });

    const start = await shell.run("qm start 101");
    expect(start).toEqual({ code: 0, stdout: "", stderr: "" });
    sim.advance(5);
    expect(sim.model.guest(101)).toMatchObject({ node: "pve2", status: "running" });
    expect((await shell.run("qm list")).stdout).toMatch(/\n +101 web-01 +running +/);
    expect(await shell.run("qm start 101")).toEqual({ code: 255, stdout: "", stderr: "VM 101 already running\n" });
    // The guests still configured on the dead node cannot be started from here...
    expect(await shell.run("qm start 103")).toEqual({ code: 255, stdout: "", stderr: "Configuration file 'nodes/pve2/qemu-server/103.conf' does not exist\n" });
    // ...and the dead node itself takes no SSH connection at all.
    await expect(shellOn("pve1")).rejects.toBeInstanceOf(SshConnectionError);
  });

  it("recovers a container the same way with pct", async () => {
    const shell = await shellOn("pve3");
    expect(await shell.run("mv /etc/pve/nodes/pve1/lxc/102.conf /etc/pve/nodes/pve3/lxc/ && pct start 102")).toEqual({ code: 0, stdout: "", stderr: "" });
    sim.advance(60);
    expect(sim.model.guest(102)).toMatchObject({ node: "pve3", status: "running" });
    expect((await shell.run("pct list")).stdout).toMatch(/\n102 +running +proxy/);
    expect(sim.model.jobs.get("102-0")).toMatchObject({ source: "pve3", target: "pve1" });
    expect(await shell.run("pct start 102")).toEqual({ code: 255, stdout: "", stderr: "CT 102 already running\n" });
  });

  it("mv of a missing file gives coreutils' text", async () => {
    const shell = await shellOn("pve2");
    expect(await shell.run(`mv ${conf("pve1", 999)} /etc/pve/nodes/pve2/qemu-server/`)).toEqual({
      code: 1, stdout: "", stderr: `mv: cannot stat '${conf("pve1", 999)}': No such file or directory\n`,
    });
  });
});
