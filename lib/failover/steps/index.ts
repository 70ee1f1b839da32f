import type { StepHandler } from "../step-types";
import type { StepKind } from "../types";
import { leaveAloneStep, preflightStep, verifyJobsStep, verifyPlacementStep } from "./guest-checks";
import { migrateStep } from "./migrate";

export const STEP_HANDLERS: Record<StepKind, StepHandler> = {
  preflight: preflightStep,
  migrate: migrateStep,
  "verify-placement": verifyPlacementStep,
  "verify-jobs": verifyJobsStep,
  "leave-alone": leaveAloneStep,
};
