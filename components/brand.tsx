import Link from "next/link";
import { DatabaseBackup } from "lucide-react";

export function Brand() {
  return (
    <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
      <span className="bg-primary text-primary-foreground grid size-7 place-items-center rounded-md">
        <DatabaseBackup className="size-4" aria-hidden />
      </span>
      pve-standby
    </Link>
  );
}
