import { formatDateTime } from "@/lib/replication/format-time";

/**
 * A Unix time in the viewer's zone. The server renders it in its own zone and the browser
 * re-renders it in the viewer's, so the mismatch is expected and not a hydration error.
 */
export function LocalTime({ at, className }: { at: number | null | undefined; className?: string }) {
  if (!at) return <span className={className}>—</span>;
  return (
    <time dateTime={new Date(at * 1000).toISOString()} className={className} suppressHydrationWarning>
      {formatDateTime(at)}
    </time>
  );
}
