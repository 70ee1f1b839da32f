"use client";

import { SegmentError } from "@/components/segment-error";

export default function ClustersError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="The clusters could not be loaded" error={error} reset={reset} />;
}
