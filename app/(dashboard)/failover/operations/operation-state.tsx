import { StatusBadge, type StatusTone } from "@/components/status-badge";

const OPERATION_TONE: Record<string, StatusTone> = { running: "syncing", paused: "warn", succeeded: "ok", failed: "fail", abandoned: "warn" };
const OPERATION_WORD: Record<string, string> = { running: "Running", paused: "Paused", succeeded: "Succeeded", failed: "Failed", abandoned: "Abandoned" };
const STEP_TONE: Record<string, StatusTone> = {
  pending: "unknown", checking: "syncing", acting: "syncing", verifying: "syncing", done: "ok", failed: "fail", skipped: "warn",
};
const STEP_WORD: Record<string, string> = {
  pending: "Waiting", checking: "Checking", acting: "Sending", verifying: "Following", done: "Done", failed: "Failed", skipped: "Not run",
};

export function OperationStateBadge({ state }: { state: string }) {
  return <StatusBadge status={OPERATION_TONE[state] ?? "unknown"}>{OPERATION_WORD[state] ?? state}</StatusBadge>;
}

export function StepStateBadge({ state }: { state: string }) {
  return <StatusBadge status={STEP_TONE[state] ?? "unknown"}>{STEP_WORD[state] ?? state}</StatusBadge>;
}

/** ISO time as UTC text, the same on the server and in the browser. */
export function utc(iso: string | null): string {
  return iso ? `${iso.replace("T", " ").slice(0, 19)} UTC` : "—";
}
