import type { StepHandler } from "../step-types";
import type { StepKind } from "../types";
import { leaveAloneStep, preflightStep, verifyJobsStep, verifyPlacementStep } from "./guest-checks";
import { confirmStartStep } from "./confirm-start";
import { migrateStep } from "./migrate";
import { FAILBACK_STEP_HANDLERS } from "./failback-index";
import { moveConfigStep } from "./move-config";
import { confirmFencedStep, followHaStep, recoveryPreflightStep, verifyJobsParkedStep, verifyNodeDeadStep } from "./recovery-checks";
import { startGuestStep } from "./start-guest";

export const STEP_HANDLERS: Record<StepKind, StepHandler> = {
  preflight: preflightStep,
  migrate: migrateStep,
  "verify-placement": verifyPlacementStep,
  "verify-jobs": verifyJobsStep,
  "leave-alone": leaveAloneStep,
  // Part 2: failback after a dead node returned.
  ...FAILBACK_STEP_HANDLERS,
  "recovery-preflight": recoveryPreflightStep,
  "confirm-fenced": confirmFencedStep,
  "verify-node-dead": verifyNodeDeadStep,
  "move-config": moveConfigStep,
  "confirm-start": confirmStartStep,
  "start-guest": startGuestStep,
  "verify-jobs-parked": verifyJobsParkedStep,
  "follow-ha": followHaStep,
};
