"use client";

import { SegmentError } from "@/components/segment-error";

export default function JobError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <SegmentError title="This replication job could not be loaded" error={error} reset={reset} />;
}
