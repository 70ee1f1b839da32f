/**
 * Errors as Proxmox's API server reports them (pve-manager PVE/HTTPServer.pm rest_handler,
 * pve-http-server Formatter/Standard.pm): the HTTP reason phrase is the first line of the
 * message, the body carries `message` and, for parameter problems, an `errors` map.
 */
export class PveApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
    this.name = "PveApiError";
  }
}

/** A handler's plain `die "..."`: Proxmox answers 500 with the text (never 404 for a missing object). */
export function pveDie(message: string): never {
  throw new PveApiError(500, message);
}

/** `raise_param_exc`: 400 "Parameter verification failed." with a per-parameter map. */
export function paramError(errors: Record<string, string>): never {
  throw new PveApiError(400, "Parameter verification failed.", errors);
}

/** `raise_perm_exc`: 403 with the path and privilege that were missing. */
export function permissionDenied(detail: string): never {
  throw new PveApiError(403, `Permission check failed (${detail})`);
}
