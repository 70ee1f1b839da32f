import { FlaskConical } from "lucide-react";

export function DemoBanner() {
  return (
    <div role="note" className="bg-status-warn/15 text-status-warn border-status-warn/30 flex items-center justify-center gap-2 border-b px-4 py-1.5 text-center text-xs font-medium">
      <FlaskConical className="size-3.5 shrink-0" aria-hidden />
      Demo mode: a simulated Proxmox cluster and demo accounts. Nothing here touches a real cluster.
    </div>
  );
}
