// Pure: what pve-standby asks Proxmox to configure so it pushes replication and fencing
// notifications (PVE 8.3+, pve-docs notifications.adoc). The secret travels in a header that
// Proxmox fills from its own secret store ({{ secrets.token }}); GET never returns secrets.

export const PUSH_SECRET_HEADER = "X-PVE-Standby-Secret";
export const PUSH_TARGET_NAME = "pve-standby";
// Targets and matchers share one name space in notifications.cfg.
export const PUSH_MATCHER_NAME = "pve-standby-matcher";
export const PUSH_MATCH_FIELD = "exact:type=replication,fencing";

/** The JSON body Proxmox renders for each notification (Handlebars, `json` helper). */
export const PUSH_BODY_TEMPLATE = '{"title":{{ json title }},"severity":{{ json severity }},"timestamp":{{ timestamp }},"fields":{{ json fields }},"message":{{ json message }}}';

export function pushReceiverUrl(appUrl: string, clusterId: string): string {
  return `${appUrl}/api/proxmox-push/${encodeURIComponent(clusterId)}`;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** Parameters of POST /cluster/notifications/endpoints/webhook and POST /cluster/notifications/matchers. */
export function pushRegistration(appUrl: string, clusterId: string, secret: string) {
  return {
    webhook: {
      name: PUSH_TARGET_NAME,
      url: pushReceiverUrl(appUrl, clusterId),
      method: "post",
      // One header only: the client sends list parameters as one comma-joined value (lib/proxmox/params.ts),
      // which Proxmox reads as a single property string. The receiver parses the body as JSON whatever its type.
      header: [`name=${PUSH_SECRET_HEADER},value=${b64("{{ secrets.token }}")}`],
      secret: [`name=token,value=${b64(secret)}`],
      body: b64(PUSH_BODY_TEMPLATE),
      comment: "pve-standby: replication failures and fencing, pushed as they happen",
    },
    matcher: { name: PUSH_MATCHER_NAME, target: [PUSH_TARGET_NAME], "match-field": [PUSH_MATCH_FIELD], mode: "all", comment: "pve-standby" },
  };
}

/** The same configuration as commands to paste on any node of the cluster (as root). */
export function pushPasteCommands(appUrl: string, clusterId: string, secret: string): string {
  const r = pushRegistration(appUrl, clusterId, secret);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    `pvesh create /cluster/notifications/endpoints/webhook --name ${r.webhook.name} --url ${q(r.webhook.url)} --method post \\`,
    ...r.webhook.header.map((h) => `  --header ${q(h)} \\`),
    `  --secret ${q(r.webhook.secret[0] as string)} \\`,
    `  --body ${q(r.webhook.body)} --comment ${q(r.webhook.comment)}`,
    `pvesh create /cluster/notifications/matchers --name ${r.matcher.name} --target ${r.webhook.name} --match-field ${q(PUSH_MATCH_FIELD)} --mode all`,
  ].join("\n");
}

/** What the receiving endpoint accepts; Proxmox's field values are strings. */
export type PushedNotification = { title?: string; severity?: string; timestamp?: number; fields?: Record<string, string>; message?: string };
