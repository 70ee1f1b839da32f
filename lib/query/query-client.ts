import { QueryClient } from "@tanstack/react-query";

// Pages read pve-standby's own database, which the poller keeps fresh; a short staleTime
// avoids refetch storms on navigation, and 401/403 are final, not worth retrying.
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchIntervalInBackground: false,
        retry: (failureCount, error) => {
          const status = (error as { status?: number }).status;
          return status !== 401 && status !== 403 && failureCount < 2;
        },
      },
    },
  });
}
