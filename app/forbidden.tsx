import Link from "next/link";
import { ShieldX } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <main className="grid min-h-[70dvh] place-items-center p-4">
      <EmptyState
        headingLevel={1}
        icon={ShieldX}
        title="You do not have permission to open this page"
        description="Your role does not include it. The attempt was recorded in the audit log; ask an admin if you need access."
        action={
          <Button asChild variant="outline">
            <Link href="/">Back to the overview</Link>
          </Button>
        }
      />
    </main>
  );
}
