import type { StepHandler } from "../step-types";
import type { StepKind } from "../types";
import { leaveAloneStep, preflightStep, verifyJobsStep, verifyPlacementStep } from "./guest-checks";
import { migrateStep } from "./migrate";
import { FAILBACK_STEP_HANDLERS } from "./failback-index";

export const STEP_HANDLERS: Record<StepKind, StepHandler> = {
  preflight: preflightStep,
  migrate: migrateStep,
  "verify-placement": verifyPlacementStep,
  "verify-jobs": verifyJobsStep,
  "leave-alone": leaveAloneStep,
  // Part 2: failback after a dead node returned.
  ...FAILBACK_STEP_HANDLERS,
};
