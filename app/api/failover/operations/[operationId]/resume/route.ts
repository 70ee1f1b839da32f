import { controlRoute } from "@/lib/failover/control-route";

export const dynamic = "force-dynamic";
export const POST = controlRoute("resume");
