/**
 * The page Content-Security-Policy. Scripts run only from this origin or with this response's
 * nonce (Next puts it on its inline bootstrap scripts when it finds it in the request's CSP
 * header); 'strict-dynamic' lets those scripts load the chunks they need. Styles keep
 * 'unsafe-inline': Radix and Recharts position elements with inline style attributes, which a
 * nonce cannot cover, and a style cannot run code.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** 128 random bits, base64: unguessable and fresh for every response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
