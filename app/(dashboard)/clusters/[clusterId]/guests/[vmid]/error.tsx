"use client";

import { SegmentError } from "@/components/segment-error";

export default function GuestError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="This guest could not be loaded" error={error} reset={reset} />;
}
