"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormField } from "@/components/form-field";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { sendJson } from "@/lib/http/fetch-json";

/** Silences the subject of one alert (same rule, same job/node/cluster) for a while, with a reason. */
export function SilenceDialog({ alertId, title }: { alertId: string; title: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [hours, setHours] = useState("4");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost">
          Silence
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form
          className="grid gap-4"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              await sendJson("/api/alerts/silences", "POST", { alertId, durationMinutes: Math.round(Number(hours) * 60), reason });
              setOpen(false);
              router.refresh();
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
            }
          }}
        >
          <DialogHeader>
            <DialogTitle>Silence this alert</DialogTitle>
            <DialogDescription>{title}. No notifications are sent about it until the silence ends; it stays on this page.</DialogDescription>
          </DialogHeader>
          <FormField label="For how many hours">{(field) => <Input {...field} type="number" min="0.1" step="0.5" value={hours} onChange={(e) => setHours(e.target.value)} />}</FormField>
          <FormField label="Reason">{(field) => <Input {...field} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Maintenance of pve3 until noon" />}</FormField>
          {error && (
            <Alert variant="destructive">
              <AlertDescription>{error}</AlertDescription>
            </Alert>
          )}
          <DialogFooter>
            <Button type="submit">Silence</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
