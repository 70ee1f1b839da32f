import type { ProxmoxClient } from "@/lib/proxmox/client";
import type { FailoverOperation, FailoverStep } from "@/prisma/generated/client";
import type { FailoverDeps } from "./deps";
import type { Check } from "./types";

// The contract every step kind fulfils. Part 2's steps (SSH config move, start on the
// survivor, operator confirmations) are new handlers of the same shape.

export type StepContext = {
  deps: FailoverDeps;
  client: ProxmoxClient;
  op: FailoverOperation;
  step: FailoverStep;
  /** The step's fixed parameters (JSON of FailoverStep.params). */
  params: unknown;
  /** What earlier phases of this step stored (JSON of FailoverStep.result). */
  result: Record<string, unknown>;
};

export type CheckOutcome = {
  /** ready: act now · already-done: the effect exists, only verify · wait: ask again · fail: stop. */
  outcome: "ready" | "already-done" | "wait" | "fail";
  message: string;
  checks?: Check[];
  result?: Record<string, unknown>;
};

export type ActOutcome = { message: string; upid?: string; result?: Record<string, unknown> };

export type AdoptOutcome =
  /** The action had gone out: follow this task (or nothing to follow) and verify. */
  | { adopted: true; upid?: string; message: string }
  /** Nothing shows it went out: check again and act. */
  | { adopted: false };

export type VerifyOutcome = { outcome: "done" | "wait" | "fail"; message: string; result?: Record<string, unknown> };

export type StepHandler = {
  /** After this long without being done the step fails (seconds on our clock). */
  timeoutSeconds: number;
  check(ctx: StepContext): Promise<CheckOutcome>;
  /** Absent for check-only steps. Must be safe to call after check said "ready". */
  act?(ctx: StepContext): Promise<ActOutcome>;
  /** After a restart between sending the action and recording it: find what was sent. */
  adopt?(ctx: StepContext): Promise<AdoptOutcome>;
  verify(ctx: StepContext): Promise<VerifyOutcome>;
};
