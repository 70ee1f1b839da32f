import "server-only";
import { cache } from "react";
import { makeQueryClient } from "./query-client";

/** One query client per server request: pages prefetch into it and hand it over with HydrationBoundary. */
export const getServerQueryClient = cache(makeQueryClient);
