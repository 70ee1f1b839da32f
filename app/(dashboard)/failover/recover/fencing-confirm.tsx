"use client";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

/**
 * The one thing pve-standby cannot check: that the dead node is really off. The operator types
 * its name; one confirmation covers every guest of the node.
 */
export function FencingConfirm({ node, value, onChange }: { node: string; value: string; onChange: (value: string) => void }) {
  const id = `fence-${node}`;
  return (
    <div className="border-status-fail/40 bg-status-fail/5 grid gap-2 rounded-md border p-3" data-testid="fencing-confirm">
      <p className="text-sm font-medium">Make absolutely sure {node} is off before you go on.</p>
      <p className="text-sm">
        Power it off, or fence it (cut its power through IPMI or the PDU, or its network). If it still runs somewhere, hung or cut off from the others by the network, recovering its guests starts
        them a second time from older disks: two copies writing, and the data of one of them lost. Offline in Proxmox does not prove it is off.
      </p>
      <Label htmlFor={id} className="text-sm">
        Type <code className="font-mono">{node}</code> to confirm that it is powered off or fenced
      </Label>
      <Input id={id} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} className="max-w-60 font-mono" />
    </div>
  );
}
