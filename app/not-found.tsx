import Link from "next/link";
import { SearchX } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="grid min-h-[70dvh] place-items-center p-4">
      <EmptyState
        headingLevel={1}
        icon={SearchX}
        title="Page not found"
        description="The address may be mistyped, or what it pointed to no longer exists."
        action={
          <Button asChild variant="outline">
            <Link href="/">Back to the overview</Link>
          </Button>
        }
      />
    </main>
  );
}
