import type * as React from "react";
import { cva } from "class-variance-authority";
import {
  CircleCheckIcon,
  CircleHelpIcon,
  CircleXIcon,
  RefreshCwIcon,
  TriangleAlertIcon,
} from "lucide-react";

import { cn } from "@/lib/utils";
import { Badge } from "@/components/ui/badge";

export const STATUS_TONES = ["ok", "warn", "fail", "unknown", "syncing"] as const;
export type StatusTone = (typeof STATUS_TONES)[number];

const statusBadgeVariants = cva("gap-1.5", {
  variants: {
    status: {
      ok: "border-status-ok/30 bg-status-ok/10 text-status-ok dark:bg-status-ok/15",
      warn: "border-status-warn/30 bg-status-warn/10 text-status-warn dark:bg-status-warn/15",
      fail: "border-status-fail/30 bg-status-fail/10 text-status-fail dark:bg-status-fail/15",
      unknown:
        "border-status-unknown/30 bg-status-unknown/10 text-status-unknown dark:bg-status-unknown/15",
      syncing:
        "border-status-syncing/30 bg-status-syncing/10 text-status-syncing dark:bg-status-syncing/15",
    },
  },
});

const STATUS_ICONS = {
  ok: CircleCheckIcon,
  warn: TriangleAlertIcon,
  fail: CircleXIcon,
  unknown: CircleHelpIcon,
  syncing: RefreshCwIcon,
} satisfies Record<StatusTone, React.ComponentType<{ className?: string }>>;

type StatusBadgeProps = Omit<React.ComponentProps<"span">, "children"> & {
  status: StatusTone;
  /** The visible label, e.g. "Lagging 14 min"; colour and icon never carry the meaning alone. */
  children: React.ReactNode;
  showIcon?: boolean;
};

/** Coloured status pill driven by the --color-status-* theme tokens. */
export function StatusBadge({
  status,
  children,
  showIcon = true,
  className,
  ...props
}: StatusBadgeProps) {
  // Unknown strings can still arrive from untyped JSON; render them as "unknown", not unstyled.
  const tone: StatusTone = STATUS_TONES.includes(status) ? status : "unknown";
  const Icon = STATUS_ICONS[tone];

  return (
    <Badge
      variant="outline"
      data-status={tone}
      className={cn(statusBadgeVariants({ status: tone }), className)}
      {...props}
    >
      {showIcon && (
        <Icon className={cn(tone === "syncing" && "motion-safe:animate-spin [animation-duration:2s]")} />
      )}
      {children}
    </Badge>
  );
}
