import type { Condition } from "./conditions";

export type SilenceRow = { id: string; rule: string | null; clusterId: string | null; jobRowId: string | null; subjectId: string | null; expiresAt: Date; cancelledAt: Date | null };
type Silenceable = Pick<Condition, "rule" | "clusterId" | "jobRowId" | "subjectId">;

/** A silence matches when every field it sets equals the alert's; unset fields match anything. */
export function isSilenced(alert: Silenceable, silences: SilenceRow[], now: Date): boolean {
  return silences.some(
    (s) =>
      s.cancelledAt === null &&
      s.expiresAt > now &&
      (s.rule === null || s.rule === alert.rule) &&
      (s.clusterId === null || s.clusterId === alert.clusterId) &&
      (s.jobRowId === null || s.jobRowId === alert.jobRowId) &&
      (s.subjectId === null || s.subjectId === alert.subjectId),
  );
}
