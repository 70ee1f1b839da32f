import { randomBytes } from "node:crypto";

import { AuthService, DEFAULT_CREDENTIALS } from "./auth";
import type { Credentials } from "./auth";
import { createClock } from "./clock";
import type { SimClock } from "./clock";
import type { ClusterModel } from "./cluster";
import { EventQueue } from "./events";
import { FaultTable } from "./faults";
import { HaManager } from "./ha";
import { handleRequest } from "./handler";
import { nodeLifecycle } from "./lifecycle";
import { loadScript } from "./script";
import type { ScenarioScript } from "./script";
import type { SimRequest, SimResponse } from "./handler";
import { fencingNotification, notificationsOf, replicationFailedNotification, shouldNotifyAtFailCount } from "./notifications";
import { Pvesr } from "./pvesr";
import type { SimCore } from "./route-types";
import { downgradeToPve8, type PveMajor } from "./pve8";
import { buildScenario } from "./scenarios";
import type { ScenarioName } from "./scenarios";

export type SimulatorOptions = {
  scenario?: ScenarioName;
  seed?: number;
  /** Simulated start (unix seconds). Default: the real time now. */
  startTime?: number;
  /** Simulated seconds per real second; 0 freezes the clock so only `advance` moves it. Default 1. */
  speed?: number;
  /** Injected clock (overrides startTime/speed). */
  clock?: SimClock;
  /** `large` scenario sizes. */
  nodes?: number;
  guests?: number;
  timeZone?: string;
  credentials?: Partial<Credentials>;
  controlToken?: string;
  /** Delay of 401 answers in real ms; Proxmox waits 3 s. Tests set 0. */
  authFailureDelayMs?: number;
  /** Seconds per HA round (CRM/LRM `$max_time`, default 10; Proxmox's HA test harness uses 20). */
  haRound?: number;
  /** A scenario script (timed events) to replay from the start time. */
  script?: ScenarioScript | unknown;
  /** The Proxmox VE major version the API answers as: 9 (default, HA rules) or 8 (HA groups, no rules). */
  pveVersion?: PveMajor;
};

export const DEFAULT_CONTROL_TOKEN = "sim-control-3f9a1c7e";

export type Simulator = {
  core: SimCore;
  model: ClusterModel;
  clock: SimClock;
  credentials: Credentials;
  controlToken: string;
  nodeNames: string[];
  /** Unix seconds on the simulator clock. */
  now(): number;
  /** Moves the clock forward and processes every scheduler tick in between. */
  advance(seconds: number): void;
  /** Powers a node off or on at the current simulator time (its HTTPS listener follows). */
  setNodeOnline(node: string, online: boolean): void;
  /** Schedules a scenario script's events relative to now (validated; throws on a bad script). */
  loadScript(script: ScenarioScript | unknown): void;
  /** The API of one node, in-process. Throws NodeUnreachableError when that node is down. */
  handle(node: string, req: SimRequest): Promise<SimResponse>;
  /**
   * A WHATWG `fetch` that talks to the simulator in-process. The node is the URL's host name
   * when it is a node name (`https://pve2/api2/json/...`), else `defaultNode`.
   */
  fetch(defaultNode?: string): (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
};

/** Creates the simulated cluster, its clock and request handler; no ports are opened. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const clock = options.clock ?? createClock({ startMs: options.startTime !== undefined ? options.startTime * 1000 : undefined, speed: options.speed });
  const start = clock.nowMs() / 1000;
  const model = buildScenario(options.scenario ?? "demo", {
    seed: options.seed ?? 1,
    start,
    timeZone: options.timeZone,
    nodes: options.nodes,
    guests: options.guests,
  });
  if (options.pveVersion === 8) downgradeToPve8(model);
  const credentials: Credentials = { ...DEFAULT_CREDENTIALS, ticketKey: randomBytes(32).toString("hex"), ...options.credentials };
  const pvesr = new Pvesr(model, start);
  const controlToken = options.controlToken ?? DEFAULT_CONTROL_TOKEN;
  const now = () => clock.nowMs() / 1000;
  const events = new EventQueue();
  nodeLifecycle(model, events);
  const ha = new HaManager(model, events, start, { round: options.haRound });
  // Proxmox's notifications: replication failures at the gated fail counts, and fencing.
  pvesr.onJobFailed = ({ node, job, state, at }) => {
    if (!shouldNotifyAtFailCount(state.fail_count)) return;
    const nextSync = state.last_try + 60 * (state.fail_count <= 3 ? 5 * state.fail_count : 30);
    notificationsOf(model).emit(
      replicationFailedNotification({ node, jobId: job.id, target: job.target, schedule: job.schedule ?? "*/15", failCount: state.fail_count, lastSync: state.last_sync, nextSync, error: state.error ?? "", at }),
    );
  };
  ha.onFence = (node, at) => notificationsOf(model).emit(fencingNotification(node, at));
  let syncing = false;
  const core: SimCore = {
    model,
    pvesr,
    clock,
    auth: new AuthService(credentials),
    now,
    // Timed events and scheduler ticks in one time order: the scheduler catches up to each event
    // before it runs, then to the clock.
    sync: () => {
      if (syncing) return;
      syncing = true;
      try {
        const until = now();
        for (let e = events.peek(); e && e.at <= until; e = events.peek()) {
          pvesr.processUntil(e.at);
          events.shift();
          e.run(e.at);
        }
        pvesr.processUntil(until);
      } finally {
        syncing = false;
      }
    },
    authFailureDelayMs: options.authFailureDelayMs ?? 3000,
    controlToken,
    events,
    faults: new FaultTable(),
    ha,
  };
  if (options.script !== undefined) loadScript(core, options.script, start);
  core.sync();

  const handle = (node: string, req: SimRequest) => handleRequest(core, node, req);
  return {
    core,
    model,
    clock,
    credentials,
    controlToken,
    nodeNames: model.nodes.map((n) => n.name),
    now,
    advance(seconds) {
      clock.advance(seconds * 1000);
      core.sync();
    },
    setNodeOnline(node, online) {
      core.sync();
      model.setNodeOnline(node, online, now());
    },
    loadScript(script) {
      core.sync();
      loadScript(core, script, now());
    },
    handle,
    fetch(defaultNode) {
      return async (input, init) => {
        const request = input instanceof Request ? input : new Request(input, init);
        const url = new URL(request.url);
        const node = model.node(url.hostname) ? url.hostname : (defaultNode ?? model.nodes[0]?.name ?? "");
        const headers: Record<string, string> = {};
        request.headers.forEach((v, k) => (headers[k] = v));
        const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
        const res = await handle(node, { method: request.method, url: url.pathname + url.search, headers, body: body || undefined });
        if (res.truncated) {
          // The body stream ends with an error after the part that got through, as over a dropped connection.
          const part = new TextEncoder().encode(res.body);
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(part);
              controller.error(new TypeError("terminated: other side closed"));
            },
          });
          return new Response(stream, { status: res.status, statusText: res.statusText, headers: { ...res.headers, "content-length": String(res.truncated.contentLength) } });
        }
        return new Response(res.body === "" ? null : res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
      };
    },
  };
}
