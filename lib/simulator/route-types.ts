import type { AuthContext, AuthService } from "./auth";
import type { SimClock } from "./clock";
import type { ClusterModel } from "./cluster";
import type { EventQueue } from "./events";
import type { FaultTable } from "./faults";
import type { HaManager } from "./ha";
import type { Pvesr } from "./pvesr";
import type { Params } from "./validate";

/** What every route and the control API work on: one simulated cluster and its clock. */
export type SimCore = {
  model: ClusterModel;
  pvesr: Pvesr;
  clock: SimClock;
  auth: AuthService;
  /** Simulated unix seconds (float). */
  now(): number;
  /** Brings the model up to the clock: runs every scheduler event until now. */
  sync(): void;
  /** Delay before answering a 401, in real ms (Proxmox: 3 s). */
  authFailureDelayMs: number;
  /** Control API bearer token. */
  controlToken: string;
  /** Timed events (task ends, HA delays, scripted incidents), processed by `sync` in time order. */
  events: EventQueue;
  /** Injected response faults (slow, 5xx, truncated, reset, garbled). */
  faults: FaultTable;
  ha: HaManager;
};

export type RouteContext = {
  core: SimCore;
  auth: AuthContext;
  /** Validated and converted parameters, path parameters included. */
  params: Params;
  /** The node whose API answered (the one the client connected to). */
  contactedNode: string;
  now: number;
};

/** A route answer with the `total` that Proxmox adds next to `data` for log readers. */
export class WithTotal {
  constructor(
    readonly data: unknown,
    readonly total: number,
  ) {}
}

export type RouteHandler = (ctx: RouteContext) => unknown;

/** Keyed by `METHOD /path/{template}` exactly as in the schema file. */
export type RouteTable = Record<string, RouteHandler>;

export function str(params: Params, key: string): string {
  return params[key] as string;
}

export function optStr(params: Params, key: string): string | undefined {
  const v = params[key];
  return v === undefined ? undefined : String(v);
}

export function optNum(params: Params, key: string): number | undefined {
  const v = params[key];
  return v === undefined ? undefined : Number(v);
}
