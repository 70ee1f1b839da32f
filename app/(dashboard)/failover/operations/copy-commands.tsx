"use client";

import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { Button } from "@/components/ui/button";

/** Shell commands to run by hand, with a copy button; the text stays selectable when copying is not allowed. */
export function CopyCommands({ commands, label = "Commands" }: { commands: string[]; label?: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const text = commands.join("\n");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      // Clipboard refused (plain HTTP, permissions): say so; the commands stay on screen to select.
      setCopied("failed");
    }
  };
  return (
    <div className="grid gap-1" data-testid="recovery-commands">
      <div className="flex items-center justify-between gap-2">
        <p className="text-sm font-medium">{label}</p>
        <Button type="button" variant="outline" size="sm" onClick={() => void copy()}>
          {copied === "yes" ? <Check aria-hidden /> : <Copy aria-hidden />} {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <pre className="bg-muted/40 overflow-x-auto rounded-md border p-3 font-mono text-xs whitespace-pre">{text}</pre>
      {copied === "failed" && <p className="text-status-fail text-xs">The browser did not allow copying: select the text instead.</p>}
    </div>
  );
}
