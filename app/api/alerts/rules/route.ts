// GET /api/alerts/rules (replication.read) – stored rule settings (global, per cluster, per job)
// PUT /api/alerts/rules (alert.manage) – set or clear one override
import { saveRuleSetting } from "@/lib/alerts/actions";
import { nudgeAlerts } from "@/lib/alerts/app-deps";
import { ruleSettingInputSchema } from "@/lib/alerts/rules";
import { guardedRoute } from "@/lib/http/guarded-route";
import { readRoute } from "@/lib/http/read-guard";

export const GET = readRoute("replication.read", async ({ db }) => ({ data: await db.alertRuleSetting.findMany({ orderBy: [{ scope: "asc" }, { rule: "asc" }] }) }));

export const PUT = guardedRoute({ permission: "alert.manage", action: "alert.rule_update", body: ruleSettingInputSchema }, async ({ db, body }) => {
  const result = await saveRuleSetting(db, body);
  nudgeAlerts();
  return { data: { ok: true }, audit: { target: { type: "alert-rule", id: `${result.scope}:${result.scopeId}:${result.rule}` }, details: result } };
});
