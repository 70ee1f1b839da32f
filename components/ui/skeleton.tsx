import * as React from "react";

import { cn } from "@/lib/utils";

// Decorative; the loading region around it should carry the accessible "loading" text.
function Skeleton({ className, ...props }: React.ComponentProps<"div">) {
  return (
    <div
      data-slot="skeleton"
      aria-hidden="true"
      className={cn("animate-pulse rounded-md bg-accent", className)}
      {...props}
    />
  );
}

export { Skeleton };
