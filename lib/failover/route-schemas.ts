import { z } from "zod";
import { MAX_PARALLELISM } from "./operations";

const vmid = z.coerce.number().int().min(100).max(999_999_999);
const node = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, "not a node name");

export const preflightQuerySchema = z.object({ clusterId: z.string().min(1), vmid, target: node.optional() });
export const evacuationQuerySchema = z.object({ clusterId: z.string().min(1), node });
export const recoveryQuerySchema = z.object({ clusterId: z.string().min(1), vmid, node, target: node.optional() });
export const nodeRecoveryQuerySchema = evacuationQuerySchema;
const confirmNode = z.string().max(100, "too long");

export const startOperationSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("switchover"), clusterId: z.string().min(1), vmid, target: node, acceptWarnings: z.boolean().default(false) }),
  z.object({
    kind: z.literal("evacuation"), clusterId: z.string().min(1), node,
    parallelism: z.number().int().min(1, "at least 1").max(MAX_PARALLELISM, `at most ${MAX_PARALLELISM}`).default(1),
    acceptWarnings: z.boolean().default(false),
  }),
  z.object({ kind: z.literal("recovery"), clusterId: z.string().min(1), vmid, node, target: node.optional(), confirmNode }),
  z.object({
    kind: z.literal("node-recovery"), clusterId: z.string().min(1), node, confirmNode,
    parallelism: z.number().int().min(1, "at least 1").max(MAX_PARALLELISM, `at most ${MAX_PARALLELISM}`).default(2),
  }),
]);
export type StartOperationInput = z.infer<typeof startOperationSchema>;
