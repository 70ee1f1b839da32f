import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { contentSecurityPolicy, newNonce } from "@/lib/http/csp";
import { isAllowedHost, requestHost } from "@/lib/http/request-host";

// Runs before every page and API route:
// 1. Host check: a name other than APP_URL's (or loopback, when bound to loopback) is a DNS
//    rebinding attempt or a misconfigured proxy, answered 421 before anything else runs.
// 2. Pages get a fresh CSP nonce (request header for Next's renderer, response header for the browser).
// 3. Guests without a session cookie go to sign-in. Only a convenience: every page, route
//    handler and action checks the session and the permission on the server anyway.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const PUBLIC_PAGES = ["/login", "/setup"];

export function proxy(request: NextRequest) {
  const env = getEnv();
  const host = requestHost((n) => request.headers.get(n), env.TRUST_PROXY);
  if (!isAllowedHost(host, { appUrl: env.appUrl, bindHost: env.HOST })) {
    return new NextResponse(`This server answers ${new URL(env.appUrl).host}, not ${host ?? "(no host)"}. Open it by that address, or set APP_URL.\n`, {
      status: 421,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const { pathname, search } = request.nextUrl;
  if (pathname.startsWith("/api/")) return NextResponse.next();

  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV !== "production" });
  const isPublic = PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  let response: NextResponse;
  if (isPublic || SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const headers = new Headers(request.headers);
    headers.set("x-nonce", nonce);
    headers.set("Content-Security-Policy", csp);
    response = NextResponse.next({ request: { headers } });
  } else {
    const login = new URL("/login", env.appUrl);
    if (pathname !== "/") login.searchParams.set("callbackUrl", pathname + search);
    response = NextResponse.redirect(login);
  }
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
