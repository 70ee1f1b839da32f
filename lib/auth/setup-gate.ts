import "server-only";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/app-db";
import { countUsers } from "./users";

/** While no account exists, every page leads to /setup (production never seeds accounts). */
export async function redirectToSetupIfNoUsers(): Promise<void> {
  if ((await countUsers(getDb())) === 0) redirect("/setup");
}
