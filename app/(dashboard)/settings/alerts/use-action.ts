"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "@/lib/http/fetch-json";

/** One API call from a settings control: busy flag, the server's message on failure, refresh on success. */
export function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run<T>(url: string, method: "POST" | "PUT" | "DELETE", body: unknown): Promise<T | null> {
    setBusy(true);
    setError(null);
    try {
      const result = await sendJson<T>(url, method, body);
      router.refresh();
      return result;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}
