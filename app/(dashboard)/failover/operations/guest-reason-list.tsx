import type { ReactNode } from "react";

export type GuestWithReason = { vmid: number; name: string | null; reason: ReactNode; extra?: ReactNode };

/**
 * A dialog's list of guests that are not moved by it (left alone, not recoverable, followed
 * from HA), each with the reason in the owner's words.
 */
export function GuestReasonList(props: { title: string; guests: GuestWithReason[]; emptyText?: ReactNode; testId?: string }) {
  const { title, guests, emptyText, testId } = props;
  return (
    <section className="grid gap-2">
      <h3 className="font-medium">
        {title} ({guests.length})
      </h3>
      {guests.length === 0 ? (
        <p className="text-sm">{emptyText}</p>
      ) : (
        <ul className="grid gap-2 text-sm" data-testid={testId}>
          {guests.map((g) => (
            <li key={g.vmid}>
              <span className="font-medium">
                {g.vmid}
                {g.name && ` (${g.name})`}
              </span>
              : {g.reason}
              {g.extra}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
