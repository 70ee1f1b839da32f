// GET /api/replication/:jobRowId/lag?range=24h – downsampled lag series, failed runs and RPO compliance
import { z } from "zod";
import { notFound, readRoute } from "@/lib/http/read-guard";
import { getJobLagSeries } from "@/lib/replication/job-queries";
import { LAG_RANGE_NAMES } from "@/lib/replication/lag-ranges";

const rangeSchema = z.enum(LAG_RANGE_NAMES).catch("24h");

export const GET = readRoute("replication.read", async ({ db, params, url }) => {
  const series = await getJobLagSeries(db, params.jobRowId ?? "", rangeSchema.parse(url.searchParams.get("range") ?? undefined));
  return series ? { data: series } : notFound("Replication job");
});
