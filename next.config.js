// @ts-check

// Security headers for every response. The page Content-Security-Policy carries a fresh nonce
// per response, so proxy.ts sets it (lib/http/csp.ts); API answers are JSON and get one that
// allows nothing at all.
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a 403 when a signed-in user lacks a permission.
  experimental: { authInterrupts: true },
  // `npm test` typechecks the whole project as its own stage; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Native and Wasm server packages must stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2", "pino", "@prisma/adapter-better-sqlite3", "ssh2"],
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

module.exports = nextConfig;
