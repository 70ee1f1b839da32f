import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { responseFaultSchema } from "./faults";
import type { SimResponse } from "./handler";
import { loadScript } from "./script";
import type { SimCore } from "./route-types";

/**
 * The control token for a simulator data folder: SIM_CONTROL_TOKEN when set, otherwise one
 * generated once into <dataDir>/control-token (0600) and reused on later starts. Anyone who
 * holds it can cut links, power nodes off and shift the clock, so it is never a fixed string.
 */
export function resolveControlToken(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, "control-token");
  const read = () => readFileSync(file, "utf8").trim();
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString("base64url");
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
    return token;
  } catch (error) {
    // Another process created it meanwhile: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return read();
    throw error;
  }
}

/**
 * The simulator's own control API, outside /api2 and with its own bearer token: read and
 * advance the clock, set a guest's change rate, a storage's fill level, a node's power.
 *
 *   GET  /control/clock                      → { now, iso, speed }
 *   POST /control/clock   { advance?, to?, speed? }   (seconds / unix seconds)
 *   PUT  /control/guests/{vmid}              { change_rate }  bytes per second
 *   PUT  /control/storage/{node}/{storage}   { fill } fraction 0..1, or { used } bytes
 *   PUT  /control/nodes/{node}               { online: 0|1 }
 *   GET  /control/runs?job=&since=           runs the scheduler performed (ground truth)
 *   PUT  /control/links/{a}/{b}              { cut: 0|1 }  cut or restore the link between two nodes
 *   PUT  /control/quorum                     { quorate: 0|1|"auto" }  force quorum loss / follow the votes
 *   GET  /control/faults · POST /control/faults {kind, node?, method?, path?, status?, message?, delayMs?, count?, from?, until?, duration?}
 *   DELETE /control/faults[/{id}]            remove one or all response faults
 *   POST /control/script                     a scenario script (JSON), scheduled from now
 *   GET  /control/events                     pending timed events (HA delays, task ends, script)
 *   GET  /control/ha                         HA manager state (services, node states, self-fenced nodes)
 *   GET  /control/volumes/{node}             ZFS volumes of a node with snapshots and divergent writes
 */
export function handleControl(core: SimCore, method: string, url: URL, headers: Record<string, string>, body?: string): SimResponse {
  const reply = (status: number, data: unknown, error?: string): SimResponse => ({
    status,
    statusText: error ?? "OK",
    headers: { "content-type": "application/json;charset=UTF-8" },
    body: JSON.stringify(error ? { data: null, error } : { data }),
  });
  const given = /^Bearer (.+)$/.exec(headers["authorization"] ?? "")?.[1] ?? "";
  const a = Buffer.from(given);
  const b = Buffer.from(core.controlToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return reply(401, null, "invalid control token");

  let input: Record<string, unknown> = {};
  if (body) {
    try {
      input = headers["content-type"]?.includes("json") ? (JSON.parse(body) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(body));
    } catch {
      return reply(400, null, "malformed body");
    }
  }
  const num = (key: string) => (input[key] === undefined || input[key] === "" ? undefined : Number(input[key]));
  const parts = url.pathname.split("/").filter(Boolean).slice(1);
  const { model } = core;
  const clockView = () => ({ now: core.now(), iso: new Date(core.clock.nowMs()).toISOString(), speed: core.clock.speed });

  try {
    if (parts[0] === "clock" && parts.length === 1) {
      if (method === "GET") return reply(200, clockView());
      if (method === "POST") {
        const speed = num("speed");
        const advance = num("advance");
        const to = num("to");
        if (advance !== undefined) core.clock.advance(advance * 1000);
        if (to !== undefined) core.clock.set(to * 1000);
        if (speed !== undefined) core.clock.setSpeed(speed);
        core.sync();
        return reply(200, clockView());
      }
    }
    if (parts[0] === "runs" && parts.length === 1 && method === "GET") {
      const job = url.searchParams.get("job");
      const since = Number(url.searchParams.get("since") ?? 0);
      return reply(200, model.performedRuns.filter((r) => (!job || r.jobId === job) && r.start >= since));
    }
    if (parts[0] === "guests" && parts.length === 2 && method === "PUT") {
      const guest = model.guest(Number(parts[1]));
      const rate = num("change_rate");
      if (!guest) return reply(404, null, `no such guest '${parts[1]}'`);
      if (rate === undefined || !(rate >= 0)) return reply(400, null, "change_rate must be a number >= 0 (bytes/s)");
      guest.changeRate = rate;
      return reply(200, { vmid: guest.vmid, change_rate: rate });
    }
    if (parts[0] === "storage" && parts.length === 3 && method === "PUT") {
      const [node, storage] = [parts[1] as string, parts[2] as string];
      const ns = model.storageOn(node, storage);
      if (!ns) return reply(404, null, `no storage '${storage}' on node '${node}'`);
      const fill = num("fill");
      const used = num("used");
      const volumes = model.storageUsage(node, storage).used - ns.extraUsed;
      if (fill !== undefined && fill >= 0 && fill <= 1) ns.extraUsed = Math.max(0, Math.round(fill * ns.total) - volumes);
      else if (used !== undefined && used >= 0) ns.extraUsed = Math.max(0, used - volumes);
      else return reply(400, null, "give fill (0..1) or used (bytes)");
      return reply(200, model.storageUsage(node, storage));
    }
    if (parts[0] === "links" && parts.length === 3 && method === "PUT") {
      const [a, b] = [parts[1] as string, parts[2] as string];
      if (!model.node(a) || !model.node(b) || a === b) return reply(404, null, `no link between '${a}' and '${b}'`);
      const cut = num("cut");
      if (cut !== 0 && cut !== 1) return reply(400, null, "cut must be 0 or 1");
      core.sync();
      model.setLinkCut(a, b, cut === 1);
      return reply(200, { a, b, cut });
    }
    if (parts[0] === "quorum" && parts.length === 1 && method === "PUT") {
      const q = input.quorate;
      if (q !== "auto" && q !== 0 && q !== 1 && q !== "0" && q !== "1" && q !== true && q !== false) return reply(400, null, "quorate must be 0, 1 or auto");
      core.sync();
      model.setQuorumOverride(q === "auto" ? undefined : q === 1 || q === "1" || q === true, core.now());
      return reply(200, { quorate: model.isQuorate() ? 1 : 0, forced: model.quorumOverride !== undefined ? 1 : 0 });
    }
    if (parts[0] === "faults") {
      if (parts.length === 1 && method === "GET") return reply(200, core.faults.list());
      if (parts.length === 1 && method === "POST") {
        const coerced = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, typeof v === "string" && /^(status|delayMs|count|from|until|duration)$/.test(k) ? Number(v) : v]));
        const parsed = responseFaultSchema.safeParse(coerced);
        if (!parsed.success) return reply(400, null, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
        return reply(200, core.faults.add(parsed.data, core.now()));
      }
      if (parts.length === 1 && method === "DELETE") {
        core.faults.clear();
        return reply(200, []);
      }
      if (parts.length === 2 && method === "DELETE") {
        return core.faults.remove(Number(parts[1])) ? reply(200, { id: Number(parts[1]) }) : reply(404, null, `no fault ${parts[1]}`);
      }
    }
    if (parts[0] === "script" && parts.length === 1 && method === "POST") {
      core.sync();
      const script = loadScript(core, input, core.now());
      return reply(200, { name: script.name ?? null, events: script.events.length, origin: core.now() });
    }
    if (parts[0] === "events" && parts.length === 1 && method === "GET") return reply(200, core.events.list());
    if (parts[0] === "ha" && parts.length === 1 && method === "GET") {
      const services = Object.fromEntries([...model.haResources.keys()].map((sid) => [sid, core.ha.service(sid)]));
      return reply(200, { services, nodes: Object.fromEntries(model.nodes.map((n) => [n.name, core.ha.nodeState(n.name)])), selfFenced: [...core.ha.selfFenced] });
    }
    if (parts[0] === "volumes" && parts.length === 2 && method === "GET") {
      if (!model.node(parts[1] as string)) return reply(404, null, `no such node '${parts[1]}'`);
      return reply(200, model.volumesOn(parts[1] as string).map((v) => ({ ...v, snapshots: Object.fromEntries(v.snapshots) })));
    }
    if (parts[0] === "nodes" && parts.length === 2 && method === "PUT") {
      const online = num("online");
      if (!model.node(parts[1] as string)) return reply(404, null, `no such node '${parts[1]}'`);
      if (online !== 0 && online !== 1) return reply(400, null, "online must be 0 or 1");
      core.sync();
      model.setNodeOnline(parts[1] as string, online === 1, core.now());
      return reply(200, { node: parts[1], online });
    }
  } catch (err) {
    return reply(400, null, err instanceof Error ? err.message : String(err));
  }
  return reply(404, null, `no control endpoint ${method} ${url.pathname}`);
}
