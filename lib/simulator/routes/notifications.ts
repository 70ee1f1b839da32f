import { paramError, pveDie } from "../errors";
import { notificationsOf, parseNameValue, type Matcher, type Webhook } from "../notifications";
import type { RouteTable } from "../route-types";
import { optStr, str } from "../route-types";
import type { Params } from "../validate";

// Notification targets and matchers (pve-manager PVE/API2/Cluster/Notifications.pm, proxmox-notify).
// Permissions come from the schema (Mapping.Modify on /mapping/notifications, Sys.Modify or
// Sys.AccessNetwork on / for webhooks); the handler checks them before these run.

const list = (params: Params, key: string): string[] => {
  const v = params[key];
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
};

function nameValues(params: Params, key: string) {
  try {
    return list(params, key).map(parseNameValue);
  } catch (error) {
    return paramError({ [key]: error instanceof Error ? error.message : String(error) });
  }
}

export const notificationRoutes: RouteTable = {
  "GET /cluster/notifications/endpoints/webhook": ({ core }) =>
    [...notificationsOf(core.model).webhooks.values()].map((w) => ({
      name: w.name, url: w.url, method: w.method,
      ...(w.header.length ? { header: w.header.map((h) => `name=${h.name},value=${Buffer.from(h.value).toString("base64")}`) } : {}),
      // Secrets are never returned: only their names.
      ...(w.secret.length ? { secret: w.secret.map((s) => `name=${s.name}`) } : {}),
      ...(w.body !== undefined ? { body: Buffer.from(w.body).toString("base64") } : {}),
      ...(w.comment ? { comment: w.comment } : {}),
      ...(w.disable ? { disable: true } : {}),
    })),

  "POST /cluster/notifications/endpoints/webhook": ({ core, params }) => {
    const n = notificationsOf(core.model);
    const name = str(params, "name");
    if (n.webhooks.has(name) || n.matchers.has(name)) pveDie(`Cannot create webhook endpoint '${name}': an entity with this name already exists`);
    const webhook: Webhook = {
      name, url: str(params, "url"), method: str(params, "method") as Webhook["method"],
      header: nameValues(params, "header"), secret: nameValues(params, "secret"),
      body: optStr(params, "body") === undefined ? undefined : Buffer.from(str(params, "body"), "base64").toString("utf8"),
      comment: optStr(params, "comment"), disable: params.disable === 1,
    };
    n.webhooks.set(name, webhook);
    return null;
  },

  "DELETE /cluster/notifications/endpoints/webhook/{name}": ({ core, params }) => {
    const n = notificationsOf(core.model);
    const name = str(params, "name");
    if (!n.webhooks.delete(name)) pveDie(`endpoint '${name}' does not exist`);
    return null;
  },

  "GET /cluster/notifications/matchers": ({ core }) =>
    [...notificationsOf(core.model).matchers.values()].map((m) => ({
      name: m.name, mode: m.mode,
      ...(m.target.length ? { target: m.target } : {}),
      ...(m.matchField.length ? { "match-field": m.matchField } : {}),
      ...(m.matchSeverity.length ? { "match-severity": m.matchSeverity } : {}),
      ...(m.invertMatch ? { "invert-match": true } : {}),
      ...(m.comment ? { comment: m.comment } : {}),
      ...(m.disable ? { disable: true } : {}),
    })),

  "POST /cluster/notifications/matchers": ({ core, params }) => {
    const n = notificationsOf(core.model);
    const name = str(params, "name");
    if (n.matchers.has(name) || n.webhooks.has(name)) pveDie(`Cannot create matcher '${name}': an entity with this name already exists`);
    const target = list(params, "target");
    for (const t of target) if (!n.webhooks.has(t)) pveDie(`target '${t}' does not exist`);
    const matchField = list(params, "match-field");
    for (const f of matchField) if (!/^(exact|regex):[^=]+=.*$/.test(f)) paramError({ "match-field": `invalid match-field '${f}'` });
    const matcher: Matcher = {
      name, target, matchField, matchSeverity: list(params, "match-severity"), mode: (optStr(params, "mode") ?? "all") as Matcher["mode"],
      invertMatch: params["invert-match"] === 1, comment: optStr(params, "comment"), disable: params.disable === 1,
    };
    n.matchers.set(name, matcher);
    return null;
  },

  "DELETE /cluster/notifications/matchers/{name}": ({ core, params }) => {
    const n = notificationsOf(core.model);
    const name = str(params, "name");
    if (!n.matchers.delete(name)) pveDie(`matcher '${name}' does not exist`);
    return null;
  },

  "POST /cluster/notifications/targets/{name}/test": ({ core, params, now }) => {
    const n = notificationsOf(core.model);
    const hook = n.webhooks.get(str(params, "name"));
    if (!hook) pveDie(`Target '${str(params, "name")}' does not exist`);
    // Route handlers answer synchronously here; the send goes out on its own and is recorded in `sent`.
    void n.send(hook, { severity: "info", title: "Test notification", message: `This is a test of the notification target '${hook.name}'.`, fields: {}, timestamp: Math.floor(now) });
    return null;
  },
};
