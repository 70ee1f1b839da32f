"use client";

import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import type { ActiveSilence } from "@/lib/alerts/queries";
import { sendJson } from "@/lib/http/fetch-json";
import { ruleLabel, utc } from "./alert-format";

export function SilencesList({ silences, canManage }: { silences: ActiveSilence[]; canManage: boolean }) {
  const router = useRouter();
  return (
    <section aria-labelledby="silences-heading" className="mb-8">
      <h2 id="silences-heading" className="mb-3 text-lg font-semibold">
        Silences ({silences.length})
      </h2>
      <ul className="divide-y rounded-lg border">
        {silences.map((s) => (
          <li key={s.id} className="flex items-center justify-between gap-4 p-3 text-sm">
            <span>
              <span className="font-medium">{[s.rule && ruleLabel(s.rule), s.subjectId ?? s.jobRowId ?? s.clusterId].filter(Boolean).join(" · ") || "everything"}</span>
              <span className="text-muted-foreground"> until {utc(s.expiresAt)} by {s.createdBy}: {s.reason}</span>
            </span>
            {canManage && (
              <Button
                size="sm"
                variant="outline"
                onClick={async () => {
                  await sendJson(`/api/alerts/silences/${s.id}`, "DELETE", {});
                  router.refresh();
                }}
              >
                End now
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
