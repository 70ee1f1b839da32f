import type { StepHandler } from "../step-types";
import type { FailbackStepKind } from "../failback-types";
import { failbackHoldHaStep, failbackHoldJobStep, failbackReleaseStep, failbackRestoreHaStep } from "./failback-hold";
import { failbackDecideStep, failbackPreserveStep } from "./failback-keep";
import { failbackSyncStep } from "./failback-sync";

export const FAILBACK_STEP_HANDLERS: Record<FailbackStepKind, StepHandler> = {
  "failback-hold-ha": failbackHoldHaStep,
  "failback-hold-job": failbackHoldJobStep,
  "failback-decide": failbackDecideStep,
  "failback-preserve": failbackPreserveStep,
  "failback-release": failbackReleaseStep,
  "failback-sync": failbackSyncStep,
  "failback-restore-ha": failbackRestoreHaStep,
};
