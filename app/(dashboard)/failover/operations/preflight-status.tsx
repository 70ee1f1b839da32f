"use client";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";

/** What a failover dialog shows while its checks load, or when Proxmox could not be asked. */
export function PreflightStatus({ isLoading, error }: { isLoading: boolean; error: Error | null }) {
  return (
    <>
      {isLoading && <Skeleton className="h-40" />}
      {error && (
        <Alert variant="destructive">
          <AlertDescription>Could not check with Proxmox: {error.message}</AlertDescription>
        </Alert>
      )}
    </>
  );
}
