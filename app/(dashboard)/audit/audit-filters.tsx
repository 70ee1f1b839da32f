import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

// A plain GET form: filters live in the URL, so a filtered view can be bookmarked or shared.
export function AuditFilters({ initial, invalid }: { initial: Record<string, string | undefined>; invalid: boolean }) {
  const fields = [
    { name: "actor", label: "Actor", placeholder: "email" },
    { name: "action", label: "Action", placeholder: "user. or auth.signin" },
    { name: "target", label: "Target", placeholder: "id or type" },
  ];
  return (
    <form method="get" action="/audit" className="bg-card mb-4 grid gap-3 rounded-lg border p-4 sm:grid-cols-2 lg:grid-cols-6 lg:items-end">
      {fields.map((f) => (
        <div key={f.name} className="grid gap-1.5">
          <Label htmlFor={`audit-${f.name}`}>{f.label}</Label>
          <Input id={`audit-${f.name}`} name={f.name} defaultValue={initial[f.name] ?? ""} placeholder={f.placeholder} />
        </div>
      ))}
      <div className="grid gap-1.5">
        <Label htmlFor="audit-from">From (UTC)</Label>
        <Input id="audit-from" name="from" type="datetime-local" defaultValue={initial.from ?? ""} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-to">To (UTC)</Label>
        <Input id="audit-to" name="to" type="datetime-local" defaultValue={initial.to ?? ""} />
      </div>
      <div className="flex gap-2">
        <Button type="submit">Filter</Button>
        <Button asChild variant="ghost">
          <Link href="/audit">Clear</Link>
        </Button>
      </div>
      {invalid && <p className="text-destructive text-sm lg:col-span-6">Some filters were not valid and were ignored.</p>}
    </form>
  );
}
