import { PageHeader } from "@/components/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { listUsers } from "@/lib/auth/users";
import { getDb } from "@/lib/db/app-db";
import { CreateUserDialog } from "./create-user-dialog";
import { UsersTable } from "./users-table";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requirePagePermission("user.manage", "/settings/users");
  const users = await listUsers(getDb());
  return (
    <>
      <PageHeader
        title="Users"
        description="Viewers read; operators manage replication and fail over; admins also manage clusters and accounts."
        actions={<CreateUserDialog />}
      />
      <UsersTable users={users} currentUserId={me.id} />
    </>
  );
}
