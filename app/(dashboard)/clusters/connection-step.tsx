"use client";

import { FormField } from "@/components/form-field";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Input } from "@/components/ui/input";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import type { FieldErrors } from "@/lib/http/form-errors";
import type { AuthKind } from "@/lib/clusters/schemas";
import type { WizardForm } from "./wizard-form";

// Step 1: name, addresses and credentials. The token is the recommended path and says why.
export function ConnectionStep({
  form,
  errors,
  editing,
  onChange,
}: {
  form: WizardForm;
  errors: FieldErrors;
  editing: boolean;
  onChange: (change: Partial<WizardForm>) => void;
}) {
  const token = form.authKind === "token";
  const secretHint = editing ? "Leave empty to keep the stored one. Changing the addresses or the certificate trust needs it entered again." : undefined;
  return (
    <div className="grid gap-4">
      <FormField label="Name" error={errors.name} hint="Shown in pve-standby only, e.g. the site or the Proxmox cluster name.">
        {(p) => <Input {...p} autoComplete="off" value={form.name} onChange={(e) => onChange({ name: e.target.value })} />}
      </FormField>
      <FormField
        label="Node addresses"
        error={errors.endpoints}
        hint="One per line, host or host:port (8006 when left out). List every node so pve-standby can switch when one is down."
      >
        {(p) => (
          <Textarea
            {...p}
            rows={3}
            autoComplete="off"
            spellCheck={false}
            placeholder={"pve1.example.com\n10.0.0.12:8006"}
            className="font-mono text-sm"
            value={form.endpoints}
            onChange={(e) => onChange({ endpoints: e.target.value })}
          />
        )}
      </FormField>

      <Tabs value={form.authKind} onValueChange={(v) => onChange({ authKind: v as AuthKind, secret: "" })}>
        <div className="grid gap-1.5">
          <span className="text-sm font-medium" id="auth-kind-label">
            Sign-in method
          </span>
          <TabsList aria-labelledby="auth-kind-label" className="w-full sm:w-fit">
            <TabsTrigger value="token">API token (recommended)</TabsTrigger>
            <TabsTrigger value="ticket">User and password</TabsTrigger>
          </TabsList>
        </div>
        <TabsContent value="token">
          <Alert role="note">
            <AlertTitle>Why a token</AlertTitle>
            <AlertDescription>
              <p>
                A token can be limited to exactly the privileges pve-standby needs, revoked on its own without touching anyone&apos;s password,
                needs no sign-in ticket renewed every 2 hours, and no password is stored here.
              </p>
              <p>
                Create one with <code className="font-mono text-xs">pveum user token add standby@pve monitor</code>, then give it{" "}
                <code className="font-mono text-xs">PVEAuditor</code> on <code className="font-mono text-xs">/</code> (PVEVMAdmin on /vms to
                manage replication).
              </p>
            </AlertDescription>
          </Alert>
        </TabsContent>
        <TabsContent value="ticket">
          <Alert variant="warning" role="note">
            <AlertTitle>Possible, but not recommended</AlertTitle>
            <AlertDescription>
              pve-standby then keeps the password (encrypted) and signs in again every 2 hours. It has every privilege of that user, and
              accounts with two-factor authentication cannot be used. Prefer an API token.
            </AlertDescription>
          </Alert>
        </TabsContent>
      </Tabs>

      <FormField
        label={token ? "Token ID" : "User"}
        error={errors.principal}
        hint={token ? "user@realm!tokenname, e.g. standby@pve!monitor" : "user@realm, e.g. standby@pve"}
      >
        {(p) => (
          <Input
            {...p}
            autoComplete="off"
            spellCheck={false}
            className="font-mono"
            value={form.principal}
            onChange={(e) => onChange({ principal: e.target.value })}
          />
        )}
      </FormField>
      <FormField label={token ? "Token secret" : "Password"} error={errors.secret} hint={secretHint ?? "Stored encrypted; never shown again."}>
        {(p) => (
          <Input
            {...p}
            type="password"
            autoComplete={token ? "off" : "new-password"}
            spellCheck={false}
            value={form.secret}
            onChange={(e) => onChange({ secret: e.target.value })}
          />
        )}
      </FormField>
    </div>
  );
}
