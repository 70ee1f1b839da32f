import { z } from "zod";

/**
 * Response faults: what a flaky network or an overloaded pveproxy does to API calls. A rule
 * matches by node (the one the client connected to), method and path (a glob on the path below
 * `/api2/json`: `*` within a segment, `**` across segments), and applies for `count` requests
 * and/or a window of simulator time [`from`, `until`).
 *
 * - `slow`: answers after `delayMs` real milliseconds.
 * - `error`: answers `status` (default 503) with `message`, in Proxmox's error envelope.
 * - `truncate`: sends the headers with the full Content-Length, then half the body, then closes.
 * - `reset`: resets the TCP connection before any answer (ECONNRESET for the client).
 * - `garble`: answers 200 with a body of the right length that is not JSON.
 */
export const responseFaultSchema = z.object({
  kind: z.enum(["slow", "error", "truncate", "reset", "garble"]),
  node: z.string().optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  status: z.number().int().min(500).max(599).optional(),
  message: z.string().optional(),
  delayMs: z.number().min(0).max(600_000).optional(),
  count: z.number().int().positive().optional(),
  from: z.number().optional(),
  until: z.number().optional(),
  /** Seconds from now; sets `until` (convenience for the control API and scripts). */
  duration: z.number().positive().optional(),
});

export type ResponseFaultSpec = z.infer<typeof responseFaultSchema>;
export type ResponseFault = Omit<ResponseFaultSpec, "duration"> & { id: number; hits: number };

export class FaultTable {
  private readonly rules: ResponseFault[] = [];
  private nextId = 1;

  add(spec: ResponseFaultSpec, now: number): ResponseFault {
    const { duration, ...rest } = spec;
    const rule: ResponseFault = { ...rest, id: this.nextId++, hits: 0 };
    if (duration !== undefined) rule.until = (rule.from ?? now) + duration;
    this.rules.push(rule);
    return rule;
  }

  remove(id: number): boolean {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i >= 0) this.rules.splice(i, 1);
    return i >= 0;
  }

  clear(): void {
    this.rules.length = 0;
  }

  list(): ResponseFault[] {
    return [...this.rules];
  }

  /** The first live rule for this request; consumes one of its `count`. */
  match(node: string, method: string, path: string, now: number): ResponseFault | undefined {
    for (const rule of this.rules) {
      if (rule.node !== undefined && rule.node !== node) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.from !== undefined && now < rule.from) continue;
      if (rule.until !== undefined && now >= rule.until) continue;
      if (rule.path !== undefined && !globToRegExp(rule.path).test(path)) continue;
      rule.hits++;
      if (rule.count !== undefined && rule.hits >= rule.count) this.remove(rule.id);
      return rule;
    }
    return undefined;
  }
}

const globCache = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob
      .split("**")
      .map((part) => part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*"))
      .join(".*");
    re = new RegExp(`^${body}$`);
    globCache.set(glob, re);
  }
  return re;
}

/** Deterministic garbage of a given length: what a broken proxy or a flipped gzip header yields. */
export function garble(body: string): string {
  const length = Math.max(16, Buffer.byteLength(body));
  let out = "";
  for (let i = 0; i < length; i++) out += String.fromCharCode(0x21 + ((i * 7919 + 13) % 90));
  return `\u001f\u008b${out.slice(2)}`;
}
