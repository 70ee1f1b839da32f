"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { StatusBadge } from "@/components/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { Role } from "@/lib/auth/permissions";
import type { UserRow } from "@/lib/auth/users";
import { sendJson } from "@/lib/http/fetch-json";
import { ResetPasswordDialog } from "./reset-password-dialog";
import { RoleSelect } from "./role-select";

export function UsersTable({ users, currentUserId }: { users: UserRow[]; currentUserId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const update = useMutation({
    mutationFn: ({ id, change }: { id: string; change: { role?: Role; disabled?: boolean } }) => sendJson(`/api/users/${id}`, "PATCH", change),
    onSuccess: () => {
      setError(null);
      router.refresh();
    },
    onError: (e) => setError(e.message),
  });

  return (
    <div className="space-y-3">
      {error && (
        <Alert variant="destructive">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      )}
      <div className="rounded-lg border">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>User</TableHead>
              <TableHead className="w-40">Role</TableHead>
              <TableHead>Status</TableHead>
              <TableHead className="hidden md:table-cell">Last sign-in</TableHead>
              <TableHead className="text-right">Actions</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {users.map((user) => (
              <TableRow key={user.id}>
                <TableCell>
                  <div className="font-medium">
                    {user.name} {user.id === currentUserId && <span className="text-muted-foreground text-xs">(you)</span>}
                  </div>
                  <div className="text-muted-foreground text-xs">{user.email}</div>
                </TableCell>
                <TableCell>
                  <RoleSelect
                    aria-label={`Role of ${user.email}`}
                    value={user.role as Role}
                    disabled={update.isPending}
                    onChange={(role) => update.mutate({ id: user.id, change: { role } })}
                  />
                </TableCell>
                <TableCell>
                  {user.disabled ? (
                    <StatusBadge status="unknown">Disabled</StatusBadge>
                  ) : user.mustChangePassword ? (
                    <StatusBadge status="warn">Must change password</StatusBadge>
                  ) : (
                    <StatusBadge status="ok">Active</StatusBadge>
                  )}
                </TableCell>
                <TableCell className="text-muted-foreground hidden text-sm md:table-cell">
                  {user.lastLoginAt ? new Date(user.lastLoginAt).toLocaleString() : "Never"}
                </TableCell>
                <TableCell>
                  <div className="flex justify-end gap-2">
                    <ResetPasswordDialog userId={user.id} email={user.email} />
                    <Button
                      variant="outline"
                      size="sm"
                      disabled={update.isPending}
                      onClick={() => update.mutate({ id: user.id, change: { disabled: !user.disabled } })}
                      aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}
                    >
                      {user.disabled ? "Enable" : "Disable"}
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}
