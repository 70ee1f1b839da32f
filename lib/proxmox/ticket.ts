import { z } from "zod";

import { PveAuthError } from "./errors";
import { encodeParams, pvePath } from "./params";
import { parseResponse } from "./response";
import type { TransportRequest, TransportResponse } from "./transport";

export type Ticket = { ticket: string; csrfToken: string; username: string; obtainedAt: number };

export type TicketSession = {
  /** A ticket young enough to use, logging in or renewing first when needed. */
  current(): Promise<Ticket>;
  /** After a 401: forget the ticket and log in with the password again. */
  invalidateAndLogin(): Promise<Ticket>;
};

const ticketResponseSchema = z.object({
  username: z.string(),
  ticket: z.string(),
  CSRFPreventionToken: z.string().optional(),
  clustername: z.string().optional(),
  NeedTFA: z.union([z.number(), z.boolean()]).optional(),
});

// Tickets live 2 h (AccessControl.pm $ticket_lifetime); pve-apiclient renews after 1 h by posting
// the ticket as password, which keeps a long-running poller logged in without the password.
const RENEW_AFTER_MS = 60 * 60 * 1000;
const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;
const RENEW_MARGIN_MS = 5 * 60 * 1000;

type Send = (req: Omit<TransportRequest, "endpoint">) => Promise<{ response: TransportResponse; endpoint: string }>;

export function createTicketSession(options: {
  username: string;
  password: string;
  now: () => number;
  send: Send;
  timeoutMs: number;
}): TicketSession {
  let ticket: Ticket | undefined;
  let pending: Promise<Ticket> | undefined;

  async function login(password: string): Promise<Ticket> {
    const path = pvePath`/access/ticket`;
    const { response, endpoint } = await options.send({
      method: "POST",
      path,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: encodeParams({ username: options.username, password }),
      timeoutMs: options.timeoutMs,
    });
    const { data } = parseResponse(response, ticketResponseSchema, { method: "POST", path, endpoint });
    if (data.NeedTFA) {
      throw new PveAuthError(`User ${options.username} needs a second factor; use an API token instead`, { method: "POST", path, endpoint });
    }
    if (!data.CSRFPreventionToken) {
      throw new PveAuthError("Proxmox issued a ticket without a CSRF token", { method: "POST", path, endpoint });
    }
    return { ticket: data.ticket, csrfToken: data.CSRFPreventionToken, username: data.username, obtainedAt: options.now() };
  }

  async function refresh(): Promise<Ticket> {
    const age = ticket ? options.now() - ticket.obtainedAt : Infinity;
    if (ticket && age < TICKET_LIFETIME_MS - RENEW_MARGIN_MS) {
      try {
        return await login(ticket.ticket);
      } catch (error) {
        if (!(error instanceof PveAuthError)) throw error;
      }
    }
    return login(options.password);
  }

  function singleFlight(run: () => Promise<Ticket>): Promise<Ticket> {
    pending ??= run()
      .then((fresh) => (ticket = fresh))
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    current() {
      if (ticket && options.now() - ticket.obtainedAt < RENEW_AFTER_MS) return Promise.resolve(ticket);
      return singleFlight(refresh);
    },
    invalidateAndLogin() {
      ticket = undefined;
      return singleFlight(() => login(options.password));
    },
  };
}
