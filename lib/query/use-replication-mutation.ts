"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { sendJson } from "@/lib/http/fetch-json";
import { replicationKeys } from "./replication";

/**
 * A job change sent to our API (which sends it to Proxmox and triggers a poll); on success every
 * replication view refetches, so the new state shows as soon as the poller has read it back.
 */
export function useReplicationMutation<TBody, TResult = unknown>(request: (body: TBody) => { url: string; method: "POST" | "PATCH" | "PUT" | "DELETE" }, options: { onSuccess?: (result: TResult) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) => {
      const { url, method } = request(body);
      return sendJson<TResult>(url, method, body);
    },
    onSuccess: async (result) => {
      options.onSuccess?.(result);
      await queryClient.invalidateQueries({ queryKey: replicationKeys.all });
    },
  });
}
