import type { SimResponse } from "./handler";
import { createSimulator } from "./simulator";
import type { Simulator, SimulatorOptions } from "./simulator";

/** Helpers for the simulator's own tests: a frozen-clock simulator and a small API caller. */
export const T0 = 1_700_000_000;

export function frozenSimulator(options: SimulatorOptions = {}): Simulator {
  return createSimulator({ scenario: "demo", seed: 1, startTime: T0, speed: 0, authFailureDelayMs: 0, ...options });
}

export type ApiResult = { status: number; statusText: string; body: Record<string, unknown>; headers: Record<string, string>; data: unknown };

export function rootToken(sim: Simulator): Record<string, string> {
  return { authorization: `PVEAPIToken=${sim.credentials.tokenId}=${sim.credentials.tokenSecret}` };
}

export function auditorToken(sim: Simulator): Record<string, string> {
  return { authorization: `PVEAPIToken=${sim.credentials.auditorTokenId}=${sim.credentials.auditorTokenSecret}` };
}

/** Calls `/api2/json<path>` on a node; params go to the query (GET/DELETE) or a form body. */
export async function api(
  sim: Simulator,
  method: string,
  path: string,
  params: Record<string, string | number> = {},
  headers: Record<string, string> = rootToken(sim),
  node = "pve1",
): Promise<ApiResult> {
  const form = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  const inQuery = method === "GET" || method === "DELETE";
  const url = `/api2/json${path}${inQuery && form ? `?${form}` : ""}`;
  const res: SimResponse = await sim.handle(node, {
    method,
    url,
    headers: inQuery ? headers : { ...headers, "content-type": "application/x-www-form-urlencoded" },
    body: inQuery ? undefined : form,
  });
  const body = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
  return { status: res.status, statusText: res.statusText, body, headers: res.headers, data: body.data };
}

export type JobStatusRow = Record<string, unknown> & { id: string; last_sync: number; last_try: number; next_sync: number; fail_count: number };

export async function jobStatus(sim: Simulator, node: string, id: string): Promise<JobStatusRow | undefined> {
  const res = await api(sim, "GET", `/nodes/${node}/replication`, {}, rootToken(sim), node);
  return (res.data as JobStatusRow[]).find((j) => j.id === id);
}
