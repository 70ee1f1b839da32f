import type { StepView } from "@/lib/failover/queries";
import { Checklist } from "../checklist";
import { CopyCommands } from "../copy-commands";
import { StepStateBadge, utc } from "../operation-state";

/** A guest's steps in order: state, what it saw or did, its checks and its Proxmox task log. */
export function StepList({ steps, print = false }: { steps: StepView[]; print?: boolean }) {
  return (
    <ol className="grid gap-4">
      {steps.map((s) => (
        <li key={s.id} className="grid gap-2 break-inside-avoid" data-testid="failover-step" data-state={s.state}>
          <div className="flex flex-wrap items-center gap-2">
            <StepStateBadge state={s.state} />
            <span className="font-medium">{s.title}</span>
          </div>
          {s.message && <p className="text-sm">{s.message}</p>}
          {(s.startedAt || s.endedAt) && (
            <p className="text-muted-foreground text-xs">
              {s.startedAt && `Started ${utc(s.startedAt)}`}
              {s.endedAt && ` · ended ${utc(s.endedAt)}`}
            </p>
          )}
          {s.checks.length > 0 && <Checklist checks={s.checks} />}
          {s.commands && !print && s.state === "checking" && <CopyCommands commands={s.commands} label="Run on the target as root" />}
          {s.commands && print && <pre className="font-mono text-xs whitespace-pre-wrap">{s.commands.join("\n")}</pre>}
          {s.upid && (
            <p className="text-muted-foreground font-mono text-xs break-all">
              Proxmox task {s.upid}
              {s.exitstatus && ` · ${s.exitstatus}`}
            </p>
          )}
          {s.progress && s.state === "verifying" && <p className="text-sm" data-testid="task-progress">Progress: {s.progress}</p>}
          {s.taskLog.length > 0 &&
            (print ? (
              <div className="grid gap-1">
                <p className="text-sm font-medium">Task log ({s.taskLog.length} lines)</p>
                <pre className="bg-muted/40 overflow-x-auto rounded-md border p-3 font-mono text-xs whitespace-pre-wrap" data-testid="task-log">
                  {s.taskLog.join("\n")}
                </pre>
              </div>
            ) : (
              <details open={s.state !== "done"} className="rounded-md border">
                <summary className="cursor-pointer px-3 py-2 text-sm">Task log ({s.taskLog.length} lines)</summary>
                <pre className="bg-muted/40 max-h-80 overflow-x-auto overflow-y-auto p-3 font-mono text-xs whitespace-pre-wrap" data-testid="task-log">
                  {s.taskLog.join("\n")}
                </pre>
              </details>
            ))}
        </li>
      ))}
    </ol>
  );
}
