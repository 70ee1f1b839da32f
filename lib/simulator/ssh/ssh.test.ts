import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { utils } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openRemoteShell } from "@/lib/ssh/client";
import type { OpenRemoteShellOptions } from "@/lib/ssh/client";
import { SshAuthError, SshConnectionError, SshHostKeyChangedError } from "@/lib/ssh/errors";
import type { RemoteShell } from "@/lib/ssh/remote-shell";

import { startServers } from "../server";
import type { RunningServers } from "../server";
import { createSimulator } from "../simulator";
import type { Simulator } from "../simulator";
import { T0 } from "../test-support";

// Real SSH over loopback: the app's client (lib/ssh) against the simulator's sshd per node.

const userKey = utils.generateKeyPairSync("ed25519");

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

    const wrong = endpoint("pve3").sshFingerprint;
    const refused = await open("pve2", { pinnedHostKey: wrong }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SshHostKeyChangedError);
    expect(refused).toMatchObject({ expected: wrong, presented: e.sshFingerprint, node: "pve2" });
  });

  it("logs in with the root password or the authorized key, and refuses a wrong password", async () => {
    const { shell } = await open("pve1");
    expect(await shell.run("hostname")).toEqual({ code: 0, stdout: "pve1\n", stderr: "" });
    const byKey = await open("pve1", { auth: { privateKey: userKey.private } });
    expect((await byKey.shell.run("hostname")).stdout).toBe("pve1\n");
    const bad = await open("pve1", { auth: { password: "not-the-password" } }).catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(SshAuthError);
    expect(String((bad as Error).message)).not.toContain("not-the-password");
    const otherKey = utils.generateKeyPairSync("ed25519");
    expect(await open("pve1", { auth: { privateKey: otherKey.private } }).catch((err: unknown) => err)).toBeInstanceOf(SshAuthError);
  });

  it("answers an unknown command as bash does", async () => {
    const { shell } = await open("pve1");
    expect(await shell.run("frobnicate --all")).toEqual({ code: 127, stdout: "", stderr: "bash: line 1: frobnicate: command not found\n" });
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

  it("a node that is down refuses SSH, and accepts it again when it is back", async () => {
    sim.setNodeOnline("pve3", false);
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
    // The API refuses alike: one quorum for both.
    expect(sim.model.isQuorate()).toBe(false);

    expect(await shell.run("pvecm expected 1")).toMatchObject({ code: 0 });
    expect((await shell.run("pvecm status")).stdout).toMatch(/\nQuorate: +Yes\n[\s\S]*\nExpected votes: +1\n[\s\S]*\nQuorum: +1 *\nFlags: +Quorate/);
    expect(sim.model.isQuorate()).toBe(true);
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

  it("mv of a missing file gives coreutils' text", async () => {
    const shell = await shellOn("pve2");
    expect(await shell.run(`mv ${conf("pve1", 999)} /etc/pve/nodes/pve2/qemu-server/`)).toEqual({
      code: 1, stdout: "", stderr: `mv: cannot stat '${conf("pve1", 999)}': No such file or directory\n`,
    });
  });
});
