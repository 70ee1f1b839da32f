"use client";

import { SegmentError } from "@/components/segment-error";

export default function ClusterError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="This cluster could not be loaded" error={error} reset={reset} />;
}
