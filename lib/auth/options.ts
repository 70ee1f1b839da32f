import "server-only";
import type { AuthOptions } from "next-auth";
import { encode } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/lib/db/app-db";
import { getEnv, type Env } from "@/lib/env";
import type { LoginLimits } from "./rate-limit";
import { getServerSecrets } from "@/lib/server-secrets";
import { formatRetryMessage, INVALID_CREDENTIALS_MESSAGE } from "./messages";
import type { Role } from "./permissions";
import { authenticate } from "./sign-in";
import { clientAddress } from "@/lib/http/client-address";
import { logger } from "@/lib/logger";
import { checkSession, endSession, pruneSessions, sessionLimitsFrom, startSession } from "./user-sessions";

const credentialsSchema = z.object({ email: z.string().max(320), password: z.string().max(1000) });

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: Role; sv: number; sid: string };
  }
  interface User {
    role: Role;
    sessionVersion: number;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    sv?: number;
    /** The UserSession row this token belongs to, and its absolute end (unix seconds). */
    sid?: string;
    sessionEnd?: number;
  }
}

/** Thrown from the jwt callback: next-auth then answers "no session" and clears the cookie. */
class SessionRefused extends Error {
  override name = "SessionRefused";
}

export function loginLimits(env: Env): LoginLimits {
  return { perAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT, perAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS, windowMinutes: env.LOGIN_LOCKOUT_MINUTES };
}

let cached: AuthOptions | undefined;

export function getAuthOptions(): AuthOptions {
  if (cached) return cached;
  const env = getEnv();
  cached = {
    secret: getServerSecrets().authSecret,
    session: { strategy: "jwt", maxAge: env.SESSION_MAX_AGE_HOURS * 3600 },
    // next-auth re-issues the token on every session read with a fresh lifetime; capping it at
    // the session's absolute end means even the token itself stops decoding then.
    jwt: {
      async encode(params) {
        const end = params.token?.sessionEnd;
        const maxAge = params.maxAge ?? env.SESSION_MAX_AGE_HOURS * 3600;
        return encode({ ...params, maxAge: end ? Math.min(maxAge, Math.max(1, end - Math.floor(Date.now() / 1000))) : maxAge });
      },
    },
    useSecureCookies: env.appUrl.startsWith("https://"),
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) throw new Error(INVALID_CREDENTIALS_MESSAGE);
          const ip = clientAddress((name) => headerValue(req?.headers, name), { trustProxy: env.TRUST_PROXY, hops: env.TRUST_PROXY_HOPS });
          const result = await authenticate(
            getDb(),
            { ...parsed.data, ip },
            loginLimits(env),
            new Date(),
          );
          // next-auth v4 hands a thrown message to the sign-in form as `error`.
          if (!result.ok) throw new Error(result.reason === "locked" ? formatRetryMessage(result.retryAt, new Date()) : INVALID_CREDENTIALS_MESSAGE);
          return { id: result.user.id, email: result.user.email, name: result.user.name, role: result.user.role, sessionVersion: result.user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        const limits = sessionLimitsFrom(env);
        if (user) {
          const now = new Date();
          await pruneSessions(getDb(), now);
          const session = await startSession(getDb(), user.id, limits, now);
          token.uid = user.id;
          token.role = user.role;
          token.sv = user.sessionVersion;
          token.sid = session.id;
          token.sessionEnd = Math.floor(session.expiresAt.getTime() / 1000);
          return token;
        }
        const check = await checkSession(getDb(), token.sid, token.uid ?? "", limits, new Date());
        if (!check.ok) throw new SessionRefused(`session ${check.reason}`);
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.uid ?? "", email: token.email ?? "", name: token.name ?? "", role: token.role ?? "viewer", sv: token.sv ?? -1, sid: token.sid ?? "" };
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sid) await endSession(getDb(), token.sid, "signed-out", new Date());
      },
    },
    logger: {
      // An ended, expired or idle session is an expected answer, not a server error.
      error(code, metadata) {
        const cause = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
        if (code === "JWT_SESSION_ERROR" && (cause as Error | undefined)?.name === "SessionRefused") return logger.debug({ reason: (cause as Error).message }, "Session refused");
        logger.error({ code, err: cause }, "next-auth error");
      },
      warn(code) {
        logger.warn({ code }, "next-auth warning");
      },
      debug() {},
    },
  };
  return cached;
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}
