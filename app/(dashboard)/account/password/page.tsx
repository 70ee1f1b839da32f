import { PageHeader } from "@/components/page-header";
import { Card, CardContent } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { ChangePasswordForm } from "./change-password-form";

export const metadata = { title: "Change password" };

export default async function ChangePasswordPage() {
  const user = await requireUser({ allowPasswordChange: true });
  return (
    <>
      <PageHeader
        title="Change your password"
        description={
          user.mustChangePassword
            ? "An admin set a temporary password for you. Choose your own before you continue."
            : "Your other sessions end when you change it, and you sign in again here."
        }
      />
      <Card className="max-w-md">
        <CardContent>
          <ChangePasswordForm />
        </CardContent>
      </Card>
    </>
  );
}
