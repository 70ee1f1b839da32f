import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { DemoBanner } from "@/components/demo-banner";
import { getEnv } from "@/lib/env";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "pve-standby", template: "%s · pve-standby" },
  description: "Proxmox VE storage replication: history, lag against RPO, alerts and guided failover.",
};
// Every page depends on the session or on live data: nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const { DEMO_MODE } = getEnv();
  // Set by proxy.ts for this response's Content-Security-Policy.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="bg-background text-foreground min-h-dvh antialiased">
        <Providers nonce={nonce}>
          {DEMO_MODE && <DemoBanner />}
          {children}
        </Providers>
      </body>
    </html>
  );
}
