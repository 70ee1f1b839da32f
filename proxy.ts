import { NextResponse, type NextRequest } from "next/server";

// Only a convenience: guests without a session cookie go to the sign-in page. Every page,
// route handler and action checks the session and the permission on the server anyway.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const login = new URL("/login", request.url);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") login.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/((?!login|setup|api|_next/static|_next/image|favicon.ico).*)"],
};
