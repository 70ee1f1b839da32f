"use client";

import { TriangleAlert } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";

/** Body of every error.tsx: what failed, and a retry that re-renders the segment. */
export function SegmentError({ title, error, reset }: { title: string; error: Error & { digest?: string }; reset: () => void }) {
  return (
    <EmptyState
      icon={TriangleAlert}
      title={title}
      description={
        <>
          Something went wrong while reading pve-standby&apos;s database. Try again; if it keeps failing, the server log has the details
          {error.digest ? ` (reference ${error.digest})` : ""}.
        </>
      }
      action={<Button onClick={reset}>Try again</Button>}
    />
  );
}
