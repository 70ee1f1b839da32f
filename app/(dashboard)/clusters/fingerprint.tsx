import { Fragment } from "react";
import { cn } from "@/lib/utils";

/** A SHA-256 fingerprint, monospaced and allowed to wrap after any pair so it fits a phone. */
export function Fingerprint({ value, className }: { value: string; className?: string }) {
  const pairs = value.split(":");
  return (
    <code className={cn("font-mono text-xs", className)}>
      {pairs.map((pair, i) => (
        <Fragment key={i}>
          {pair}
          {i < pairs.length - 1 && (
            <>
              :<wbr />
            </>
          )}
        </Fragment>
      ))}
    </code>
  );
}
