import { timingSafeEqual } from "node:crypto";

import type { SimResponse } from "./handler";
import type { SimCore } from "./route-types";

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
