import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { SCENARIOS } from "./scenarios";
import type { ScenarioName } from "./scenarios";
import { resolveControlToken } from "./control";
import { startServers } from "./server";
import { createSimulator } from "./simulator";

// `npm run simulator -- --port 8006 --scenario demo --seed 1 --data-dir ./data/simulator`
// Extra: --speed N, --start=<ISO|unix|-24h>, --warmup 24h, --nodes/--guests (large),
// --timezone, --host, --auth-delay-ms, --script <file.json> (timed events from the start time),
// --ssh-port (first node's sshd; default --port + 1000), --pve-version 8 (HA groups instead of
// rules, as PVE 8 answers).
// Credentials come from SIM_* environment variables; SIM_SSH_AUTHORIZED_KEY (or the first line of
// <data-dir>/authorized_keys) is a public key root may log in with over SSH.

const USAGE = `usage: npm run simulator -- [--port 8006] [--scenario demo|large|empty] [--seed 1]
       [--data-dir ./data/simulator] [--speed 1] [--start=<ISO|unix|-24h>] [--warmup 24h]
       [--nodes 20] [--guests 2000] [--timezone UTC] [--host 127.0.0.1] [--auth-delay-ms 3000]
       [--script incident.json] [--ssh-port <port+1000>] [--pve-version 9|8]`;

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`bad duration '${text}' (e.g. 90m, 24h, 2d)`);
  return Number(m[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "" | "s" | "m" | "h" | "d"];
}

function parseStart(text: string, nowSec: number): number {
  if (text.startsWith("-")) return nowSec - parseDuration(text.slice(1));
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`bad --start '${text}'`);
  return ms / 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8006" },
      host: { type: "string", default: "127.0.0.1" },
      scenario: { type: "string", default: "demo" },
      seed: { type: "string", default: "1" },
      "data-dir": { type: "string", default: "./data/simulator" },
      speed: { type: "string", default: "1" },
      start: { type: "string" },
      warmup: { type: "string" },
      nodes: { type: "string" },
      guests: { type: "string" },
      timezone: { type: "string" },
      "auth-delay-ms": { type: "string" },
      script: { type: "string" },
      "ssh-port": { type: "string" },
      "pve-version": { type: "string", default: "9" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const scenario = values.scenario as ScenarioName;
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario '${values.scenario}' (${SCENARIOS.join(", ")})`);
  const pveVersion = Number(values["pve-version"]);
  if (pveVersion !== 8 && pveVersion !== 9) throw new Error(`unknown --pve-version '${values["pve-version"]}' (8 or 9)`);
  const nowSec = Date.now() / 1000;
  const warmup = values.warmup ? parseDuration(values.warmup) : 0;
  const startTime = values.start ? parseStart(values.start, nowSec) : nowSec - warmup;

  const dataDir = resolve(values["data-dir"] as string);
  const script = values.script ? (JSON.parse(await readFile(resolve(values.script), "utf8")) as unknown) : undefined;
  const sim = createSimulator({
    script,
    scenario,
    pveVersion,
    seed: Number(values.seed),
    startTime,
    speed: Number(values.speed),
    nodes: values.nodes ? Number(values.nodes) : undefined,
    guests: values.guests ? Number(values.guests) : undefined,
    timeZone: values.timezone,
    authFailureDelayMs: values["auth-delay-ms"] !== undefined ? Number(values["auth-delay-ms"]) : undefined,
    controlToken: resolveControlToken(dataDir, process.env.SIM_CONTROL_TOKEN),
    credentials: {
      ...(process.env.SIM_ROOT_PASSWORD ? { rootPassword: process.env.SIM_ROOT_PASSWORD } : {}),
      ...(process.env.SIM_TOKEN_ID ? { tokenId: process.env.SIM_TOKEN_ID } : {}),
      ...(process.env.SIM_TOKEN_SECRET ? { tokenSecret: process.env.SIM_TOKEN_SECRET } : {}),
      ...(process.env.SIM_AUDITOR_TOKEN_SECRET ? { auditorTokenSecret: process.env.SIM_AUDITOR_TOKEN_SECRET } : {}),
    },
  });
  if (warmup > 0) {
    const t0 = Date.now();
    sim.advance(warmup);
    console.log(`warm-up: replayed ${values.warmup} of cluster time in ${Date.now() - t0} ms`);
  }

  const sshAuthorizedKey = process.env.SIM_SSH_AUTHORIZED_KEY || (await readAuthorizedKey(dataDir));
  const servers = await startServers(sim, {
    host: values.host,
    port: Number(values.port),
    dataDir,
    sshPort: values["ssh-port"] !== undefined ? Number(values["ssh-port"]) : undefined,
    sshAuthorizedKey,
  });
  const c = sim.credentials;
  console.log(`Proxmox VE simulator: scenario '${scenario}', seed ${values.seed}, clock ${new Date(sim.clock.nowMs()).toISOString()} x${sim.clock.speed}`);
  for (const e of servers.endpoints) console.log(`  ${e.node.padEnd(6)} ${e.url}/api2/json  fingerprint ${e.fingerprint}`);
  for (const e of servers.endpoints) console.log(`  ${e.node.padEnd(6)} ssh root@${values.host} -p ${e.sshPort}  host key ${e.sshFingerprint}`);
  console.log(`  cluster CA: ${resolve(dataDir, "pve-root-ca.pem")}`);
  console.log(`  login:         root@pam / ${c.rootPassword}`);
  console.log(`  ssh login:     root / ${c.rootPassword}${sshAuthorizedKey ? `, or the key ${sshAuthorizedKey.trim().split(/\s+/).slice(0, 2).join(" ").slice(0, 40)}...` : ""}`);
  console.log(`  API token:     PVEAPIToken=${c.tokenId}=${c.tokenSecret}`);
  console.log(`  auditor token: PVEAPIToken=${c.auditorTokenId}=${c.auditorTokenSecret}  (PVEAuditor on /)`);
  console.log(`  control API:   ${servers.endpoints[0]?.url ?? ""}/control/clock  (Authorization: Bearer ${sim.controlToken})`);

  // For scripts that start the simulator as a child process (demo, e2e): where and how to connect.
  const info = {
    scenario,
    seed: Number(values.seed),
    endpoints: servers.endpoints,
    caCertPath: join(dataDir, "pve-root-ca.pem"),
    tokenId: c.tokenId,
    tokenSecret: c.tokenSecret,
    auditorTokenId: c.auditorTokenId,
    auditorTokenSecret: c.auditorTokenSecret,
    rootPassword: c.rootPassword,
    controlToken: sim.controlToken,
    pid: process.pid,
  };
  await writeFile(join(dataDir, "simulator.json"), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  console.log(`  connection info: ${join(dataDir, "simulator.json")}`);

  const stop = () => {
    void servers.close().then(() => process.exit(0));
  };
  // Timed events (HA delays, script) also happen while nobody calls the API: a dying node must
  // close its port on time.
  const ticker = sim.clock.speed > 0 ? setInterval(() => sim.core.sync(), 1000) : undefined;
  ticker?.unref();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** The first key line of `<data-dir>/authorized_keys`, if that file exists. */
async function readAuthorizedKey(dataDir: string): Promise<string | undefined> {
  try {
    const text = await readFile(join(dataDir, "authorized_keys"), "utf8");
    return text.split("\n").find((l) => l.trim() && !l.startsWith("#"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exit(1);
});
