import { capabilities, hasPrivilege, permissionMap, requirePrivilege } from "../auth";
import { PveApiError } from "../errors";
import type { RouteTable } from "../route-types";
import { optStr, str } from "../route-types";

// Login and permissions: pve-access-control src/PVE/API2/AccessControl.pm.

export const accessRoutes: RouteTable = {
  // The GUI's login form probes this; it answers null without authentication.
  "GET /access/ticket": () => null,

  "POST /access/ticket": ({ core, params, now }) => {
    const userid = core.auth.login(str(params, "username"), str(params, "password"), optStr(params, "realm"), now);
    if (!userid) throw new PveApiError(401, "authentication failure");
    const ctx = { userid, via: "ticket" as const, role: userid === "root@pam" ? ("Administrator" as const) : ("PVEAuditor" as const) };
    const path = optStr(params, "path");
    const privs = optStr(params, "privs");
    // Verify-only mode (path + privs): no new ticket, just the check.
    if (path && privs) {
      for (const priv of privs.split(/[,;\s]+/).filter(Boolean)) requirePrivilege(ctx, path, priv);
      return { username: userid };
    }
    return {
      username: userid,
      ticket: core.auth.createTicket(userid, now),
      CSRFPreventionToken: core.auth.createCsrfToken(userid, now),
      clustername: core.model.clusterName,
      cap: capabilities(ctx),
    };
  },

  "GET /access/permissions": ({ auth, params }) => {
    const userid = optStr(params, "userid");
    const self = auth.tokenid ?? auth.userid;
    if (userid && userid !== self && userid !== auth.userid && !hasPrivilege(auth, "/access", "Sys.Audit")) {
      requirePrivilege(auth, "/access", "Sys.Audit");
    }
    return permissionMap(auth, optStr(params, "path"));
  },
};
