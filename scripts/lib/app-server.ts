// The production HTTP server: Next's request handler behind a thin layer that knows the socket.
// Next hands route handlers no socket, and keeps a client-sent X-Forwarded-For as it is, so this
// layer writes the socket address into a header only it can sign (lib/http/client-address.ts)
// and, with no trusted proxy, drops the X-Forwarded-* headers a client may have invented.
import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import next from "next";
import { parseEnv } from "../../lib/env";
import { prepareIncomingHeaders, refusesDemoPeer } from "../../lib/http/incoming-request";
import { PEER_TOKEN_ENV } from "../../lib/http/client-address";

const env = parseEnv();
// Shared with the app through the environment of this one process; never leaves it.
const peerToken = crypto.randomBytes(24).toString("base64url");
process.env[PEER_TOKEN_ENV] = peerToken;

const app = next({ dev: false, dir: path.resolve(__dirname, "../.."), hostname: env.HOST, port: env.PORT });
const handle = app.getRequestHandler();

app
  .prepare()
  .then(() => {
    const server = http.createServer((req, res) => {
      const socketAddress = req.socket.remoteAddress ?? "unknown";
      if (refusesDemoPeer(env, socketAddress)) {
        res.writeHead(403, { "content-type": "text/plain" }).end("The demo only answers this machine.\n");
        return;
      }
      prepareIncomingHeaders(req.headers, { peerToken, socketAddress, trustProxy: env.TRUST_PROXY });
      void handle(req, res);
    });
    server.listen(env.PORT, env.HOST, () => console.log(`pve-standby listening on http://${env.HOST}:${env.PORT}`));
    // Like `next start`: stop at once; SQLite's WAL keeps the database consistent.
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
  })
  .catch((error: unknown) => {
    console.error(`pve-standby cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
