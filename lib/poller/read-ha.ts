import { getHaStatus, listHaResources } from "@/lib/proxmox/ha";
import type { ProxmoxClient } from "@/lib/proxmox/client";
import { PveNotImplementedError, PveParameterError } from "@/lib/proxmox/errors";
import { listHaGroups, listHaRules, parseHaNodeList } from "@/lib/proxmox/ha-placement";
import type { HaStatusEntry } from "@/lib/proxmox/schemas";
import type { HaLrm, HaPlacement, HaResourceState } from "@/lib/failover/ha-state";
import { describeFailure, type ReadFailure } from "./read-cluster";

export type PlacementApi = "rules" | "groups" | "unknown";

export type HaRead =
  | { ok: true; placementApi: PlacementApi; resources: HaResourceState[]; placement: HaPlacement[]; lrm: HaLrm[]; master: string | null }
  | { ok: false; placementApi: PlacementApi; failure: ReadFailure };

/**
 * HA with cluster-wide calls only, so a cycle's requests still grow with nodes, never with
 * guests: `/cluster/ha/resources`, then (when any resource exists) the placement (PVE 9
 * `/cluster/ha/rules`, PVE 8 `/cluster/ha/groups`: the first answer that exists is remembered
 * in `knownApi`) and `/cluster/ha/status/current`. Never throws; a failure is returned.
 */
export async function readHa(client: ProxmoxClient, options: { knownApi: PlacementApi; signal?: AbortSignal }): Promise<HaRead> {
  const call = { signal: options.signal };
  let placementApi = options.knownApi;
  try {
    const resources = (await listHaResources(client, call)).data;
    if (resources.length === 0) return { ok: true, placementApi, resources: [], placement: [], lrm: [], master: null };
    const [placementRead, status] = await Promise.all([readPlacement(client, placementApi, call), getHaStatus(client, call)]);
    placementApi = placementRead.api;
    const services = new Map(status.data.filter((e) => e.type === "service" && e.sid).map((e) => [e.sid as string, e]));
    return {
      ok: true,
      placementApi,
      placement: placementRead.placement,
      resources: resources.map((r) => {
        const service = services.get(r.sid);
        return {
          sid: r.sid,
          vmid: Number(r.sid.split(":").at(-1)),
          state: r.state ?? "started",
          failback: r.failback ?? true,
          group: r.group ?? null,
          maxRestart: r.max_restart ?? null,
          maxRelocate: r.max_relocate ?? null,
          crmState: service?.crm_state ?? null,
          node: service?.node ?? null,
        };
      }),
      lrm: status.data.filter((e) => e.type === "lrm" && e.node).map(lrmOf),
      master: status.data.find((e) => e.type === "master")?.node ?? null,
    };
  } catch (error) {
    return { ok: false, placementApi, failure: describeFailure(error) };
  }
}

async function readPlacement(client: ProxmoxClient, known: PlacementApi, call: { signal?: AbortSignal }): Promise<{ api: PlacementApi; placement: HaPlacement[] }> {
  if (known !== "groups") {
    try {
      const rules = (await listHaRules(client, call)).data;
      return {
        api: "rules",
        placement: rules
          .filter((r) => r.type === "node-affinity")
          .map((r) => ({
            name: r.rule, kind: "node-affinity" as const, resources: (r.resources ?? "").split(",").filter(Boolean), nodes: parseHaNodeList(r.nodes),
            strict: r.strict ?? false, failback: null, disabled: r.disable ?? false,
          })),
      };
    } catch (error) {
      // PVE 8 has no rules endpoint (501 "Method … not implemented"); only then try groups.
      if (!(error instanceof PveNotImplementedError) && !(error instanceof PveParameterError)) throw error;
    }
  }
  const groups = (await listHaGroups(client, call)).data;
  return {
    api: "groups",
    placement: groups.map((g) => ({
      name: g.group, kind: "group" as const, resources: null, nodes: parseHaNodeList(g.nodes), strict: g.restricted ?? false, failback: !(g.nofailback ?? false), disabled: false,
    })),
  };
}

/** `lrm:<node>` entries: status text `<node> (<mode>, <time>)`; "old timestamp - dead?" after 30 s silence. */
function lrmOf(entry: HaStatusEntry): HaLrm {
  const mode = entry.status?.match(/\(([^,]+),/)?.[1]?.trim() ?? "unknown";
  return { node: entry.node as string, mode: mode.startsWith("old timestamp") ? "dead" : mode, timestamp: entry.timestamp ?? null };
}
