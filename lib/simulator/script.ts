import { z } from "zod";

import { logger } from "@/lib/logger";

import { responseFaultSchema } from "./faults";
import { migrateGuest } from "./guest-migration";
import { powerAction } from "./guest-power";
import type { SimCore } from "./route-types";

/**
 * Scenario scripts: a JSON file of timed events, replayed on the simulator clock so a demo or a
 * test can re-run an incident. `at` is seconds after the script is loaded (the simulator start
 * when passed to createSimulator / --script). Events at the same second run in file order; the
 * same script with the same seed gives the same cluster history.
 *
 * { "name": "pve1 dies", "events": [
 *     { "at": 600, "action": "node-down", "node": "pve1" },
 *     { "at": 1800, "action": "node-up", "node": "pve1" } ] }
 */
const base = { at: z.number().min(0), note: z.string().optional() };
const node = z.string().min(1);

export const scriptEventSchema = z.discriminatedUnion("action", [
  z.object({ ...base, action: z.literal("node-down"), node }),
  z.object({ ...base, action: z.literal("node-up"), node }),
  z.object({ ...base, action: z.literal("link-cut"), a: node, b: node }),
  z.object({ ...base, action: z.literal("link-restore"), a: node, b: node }),
  z.object({ ...base, action: z.literal("storage-fill"), node, storage: z.string(), fill: z.number().min(0).max(1) }),
  z.object({ ...base, action: z.literal("quorum"), quorate: z.boolean().nullable() }),
  z.object({ ...base, action: z.literal("change-rate"), vmid: z.number().int(), rate: z.number().min(0) }),
  z.object({ ...base, action: z.literal("fault"), fault: responseFaultSchema }),
  z.object({ ...base, action: z.literal("clear-faults") }),
  z.object({ ...base, action: z.enum(["start", "stop", "shutdown"]), vmid: z.number().int() }),
  z.object({ ...base, action: z.literal("migrate"), vmid: z.number().int(), target: node, online: z.boolean().optional(), restart: z.boolean().optional(), force: z.boolean().optional() }),
]);

export const scenarioScriptSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  events: z.array(scriptEventSchema),
});

export type ScenarioScript = z.infer<typeof scenarioScriptSchema>;
export type ScriptEvent = z.infer<typeof scriptEventSchema>;

/** Validates a script and schedules its events from `origin` (unix seconds). Throws a readable error on a bad script. */
export function loadScript(core: SimCore, input: unknown, origin: number): ScenarioScript {
  const parsed = scenarioScriptSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid scenario script: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const script = parsed.data;
  for (const event of script.events) {
    for (const n of [("node" in event ? event.node : undefined), ("a" in event ? event.a : undefined), ("b" in event ? event.b : undefined)]) {
      if (n !== undefined && !core.model.node(n)) throw new Error(`invalid scenario script: no such node '${n}'`);
    }
    if ("vmid" in event && !core.model.guest(event.vmid)) throw new Error(`invalid scenario script: no such guest ${event.vmid}`);
  }
  for (const event of script.events) {
    core.events.schedule(origin + event.at, `script ${event.action}`, (t) => runEvent(core, event, t));
  }
  return script;
}

function runEvent(core: SimCore, event: ScriptEvent, t: number): void {
  const { model } = core;
  const ops = { model, events: core.events };
  try {
    switch (event.action) {
      case "node-down":
      case "node-up":
        model.setNodeOnline(event.node, event.action === "node-up", t);
        return;
      case "link-cut":
      case "link-restore":
        model.setLinkCut(event.a, event.b, event.action === "link-cut");
        return;
      case "storage-fill": {
        const ns = model.storageOn(event.node, event.storage);
        if (!ns) return;
        const volumes = model.storageUsage(event.node, event.storage).used - ns.extraUsed;
        ns.extraUsed = Math.max(0, Math.round(event.fill * ns.total) - volumes);
        return;
      }
      case "quorum":
        model.setQuorumOverride(event.quorate ?? undefined, t);
        return;
      case "change-rate": {
        const guest = model.guest(event.vmid);
        if (guest) guest.changeRate = event.rate;
        return;
      }
      case "fault":
        core.faults.add(event.fault, t);
        return;
      case "clear-faults":
        core.faults.clear();
        return;
      case "start":
      case "stop":
      case "shutdown": {
        const guest = model.guest(event.vmid);
        if (!guest || !model.node(guest.node)?.online) return;
        if (core.ha.isManaged(guest)) core.ha.request(guest, event.action === "start" ? "started" : "stopped", t);
        else powerAction(ops, guest, event.action, "root@pam", t);
        return;
      }
      case "migrate": {
        const guest = model.guest(event.vmid);
        if (!guest || !model.node(guest.node)?.online) return;
        if (core.ha.isManaged(guest)) core.ha.requestMigrate(guest, event.target, t);
        else migrateGuest(ops, guest, { target: event.target, online: event.online ?? true, restart: event.restart ?? true, force: event.force, withLocalDisks: true, user: "root@pam", at: t });
        return;
      }
    }
  } catch (err) {
    // A refused action (already running, no quorum...) is what the real cluster would answer; the script goes on.
    logger.info({ action: event.action, at: t, reason: err instanceof Error ? err.message : String(err) }, "simulator: scripted action refused by the cluster");
  }
}
