"use client";

import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { DialogFooter } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";

/**
 * The end of every failover dialog: "I have read the warnings" when there are any, the error of
 * the start request, Cancel and the confirm button (disabled until the warnings are accepted).
 */
export function ConfirmBlock(props: {
  id: string;
  /** The acceptance sentence; null when nothing warns. */
  acceptLabel: string | null;
  accepted: boolean;
  onAcceptedChange: (accepted: boolean) => void;
  error: Error | null;
  /** A heading over the start request's error (the recovery dialogs say "Not started"). */
  errorTitle?: string;
  onCancel: () => void;
  /** Blocked for another reason than unaccepted warnings (a failing check, nothing loaded). */
  blocked: boolean;
  pending: boolean;
  confirmLabel: string;
  onConfirm: () => void;
}) {
  return (
    <>
      {props.acceptLabel !== null && (
        <div className="flex items-start gap-2">
          <Checkbox id={props.id} checked={props.accepted} onCheckedChange={(v) => props.onAcceptedChange(v === true)} />
          <Label htmlFor={props.id} className="text-sm leading-snug font-normal">
            {props.acceptLabel}
          </Label>
        </div>
      )}
      {props.error && (
        <Alert variant="destructive">
          {props.errorTitle && <AlertTitle>{props.errorTitle}</AlertTitle>}
          <AlertDescription>{props.error.message}</AlertDescription>
        </Alert>
      )}
      <DialogFooter>
        <Button variant="outline" onClick={props.onCancel}>
          Cancel
        </Button>
        <Button disabled={props.blocked || (props.acceptLabel !== null && !props.accepted) || props.pending} onClick={props.onConfirm}>
          {props.pending ? "Starting…" : props.confirmLabel}
        </Button>
      </DialogFooter>
    </>
  );
}
