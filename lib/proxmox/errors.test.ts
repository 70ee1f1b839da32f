import { describe, expect, it } from "vitest";
import { z } from "zod";

import {
  PveAuthError,
  PveBusinessError,
  PveNotImplementedError,
  PveParameterError,
  PvePermissionError,
  PveProtocolError,
  PveUnreachableError,
  createHttpError,
  parsePermissionMessage,
} from "./errors";
import { parseResponse } from "./response";
import { replicationJobSchema } from "./schemas";

const ctx = { method: "POST", path: "/cluster/replication", endpoint: "10.0.0.1:8006" };

describe("createHttpError", () => {
  it("maps 400 with per-field messages", () => {
    const body = { data: null, errors: { target: "property is missing and it is not optional", rate: "value must have a minimum value of 1\n" } };
    const error = createHttpError(400, "Parameter verification failed.", body, ctx);
    expect(error).toBeInstanceOf(PveParameterError);
    expect((error as PveParameterError).errors).toEqual({
      target: "property is missing and it is not optional",
      rate: "value must have a minimum value of 1",
    });
    expect(error.status).toBe(400);
    expect(error.endpoint).toBe("10.0.0.1:8006");
  });

  it("maps 403 and names the missing privilege", () => {
    const error = createHttpError(403, "Permission check failed (/vms/100, VM.Replicate)", { data: null }, ctx) as PvePermissionError;
    expect(error).toBeInstanceOf(PvePermissionError);
    expect(error.aclPath).toBe("/vms/100");
    expect(error.privilege).toBe("VM.Replicate");
  });

  it("keeps a 403 without a privilege readable", () => {
    const text = "Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.)";
    const error = createHttpError(403, text, undefined, ctx) as PvePermissionError;
    expect(error.message).toBe(text);
    expect(error.privilege).toBeUndefined();
  });

  it("prefers the JSON message over the reason phrase (pve-http-server >= 5.2.0)", () => {
    const body = { data: null, message: "replication job '100-0' already exists\n" };
    const error = createHttpError(500, "replication job '100-0' already exists", body, ctx);
    expect(error).toBeInstanceOf(PveBusinessError);
    expect(error.message).toBe("replication job '100-0' already exists");
  });

  it("falls back to the reason phrase on older servers", () => {
    const error = createHttpError(500, "no such replication job '100-3'", { data: null }, ctx);
    expect(error.message).toBe("no such replication job '100-3'");
  });

  it("maps 401, 501 and proxy 59x", () => {
    expect(createHttpError(401, "No ticket", undefined, ctx)).toBeInstanceOf(PveAuthError);
    expect(createHttpError(501, "Method 'GET /foo' not implemented", undefined, ctx)).toBeInstanceOf(PveNotImplementedError);
    const proxied = createHttpError(595, "Connection refused", undefined, ctx) as PveUnreachableError;
    expect(proxied).toBeInstanceOf(PveUnreachableError);
    expect(proxied.scope).toBe("proxied-node");
  });

  it("parses permission messages only in Proxmox's format", () => {
    expect(parsePermissionMessage("Permission check failed (/, Sys.Audit)")).toEqual({ aclPath: "/", privilege: "Sys.Audit" });
    expect(parsePermissionMessage("Permission check failed (/vms/100, VM.Audit|Sys.Audit)")?.privilege).toBe("VM.Audit|Sys.Audit");
    expect(parsePermissionMessage("something else")).toBeUndefined();
  });
});

describe("parseResponse", () => {
  const ok = (body: string) => ({ status: 200, statusText: "OK", headers: { date: "Thu, 26 Nov 2026 05:00:00 GMT" }, body });
  const rctx = { method: "GET", path: "/cluster/replication", endpoint: "h:8006" };

  it("validates data and reads the cluster clock from the Date header", () => {
    const result = parseResponse(ok('{"data":[{"id":"100-0","type":"local","guest":100,"jobnum":0,"target":"pve2","disable":1}]}'), z.array(replicationJobSchema), rctx);
    expect(result.data[0]?.disable).toBe(true);
    expect(result.serverTime?.toISOString()).toBe("2026-11-26T05:00:00.000Z");
  });

  it("turns an unexpected shape into a PveProtocolError naming the field", () => {
    const run = () => parseResponse(ok('{"data":[{"id":"100-0","type":"local","guest":"x","jobnum":0,"target":"pve2"}]}'), z.array(replicationJobSchema), rctx);
    expect(run).toThrow(PveProtocolError);
    expect(run).toThrow(/guest/);
  });

  it("rejects non-JSON and missing envelopes", () => {
    expect(() => parseResponse(ok("<html>"), z.unknown(), rctx)).toThrow(/not JSON/);
    expect(() => parseResponse(ok('{"foo":1}'), z.unknown(), rctx)).toThrow(/envelope/);
  });

  it("reads total for log endpoints", () => {
    expect(parseResponse(ok('{"data":[{"n":1,"t":"x"}],"total":7}'), z.unknown(), rctx).total).toBe(7);
  });
});
