import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";

// Options are built on first request: they need the secret loaded from the data folder.
const handler = (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(req, ctx, getAuthOptions());
export { handler as GET, handler as POST };
