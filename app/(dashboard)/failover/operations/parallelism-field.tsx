"use client";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

/** Guests moved at a time: 1 to 10, MAX_PARALLELISM of the start routes (lib/failover/operations.ts is server-only). */
export function validParallelism(value: string): boolean {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 10;
}

export function ParallelismField({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const valid = validParallelism(value);
  return (
    <div className="grid max-w-48 gap-2">
      <Label htmlFor={id}>Guests at a time</Label>
      <Input id={id} inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!valid} />
      {!valid && <p className="text-status-fail text-sm">A whole number from 1 to 10.</p>}
    </div>
  );
}
