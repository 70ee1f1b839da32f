import { describe, expect, it } from "vitest";

import { getEndpoint } from "./api-schema";
import { validateParams, validateResponse } from "./validate";

describe("schema validator", () => {
  const statusReturns = getEndpoint("GET", "/nodes/{node}/time")?.returns;
  const jobReturns = getEndpoint("GET", "/cluster/replication/{id}")?.returns;

  it("flags wrong types, missing required keys and JSON booleans in responses", () => {
    expect(validateResponse(statusReturns, { time: 1_700_000_000, localtime: 1_700_000_000, timezone: "UTC" })).toEqual([]);
    expect(validateResponse(statusReturns, { time: "1700000000", localtime: 1_700_000_000 })).toEqual([
      "data.timezone: property is missing and it is not optional",
      'data.time: expected integer, got "1700000000"',
    ]);
    // /nodes/{node}/time declares additionalProperties: 0
    expect(validateResponse(statusReturns, { time: 1_700_000_000, localtime: 1_700_000_000, timezone: "UTC", x: 1 })).toHaveLength(1);
    const job = { id: "100-0", type: "local", guest: 100, jobnum: 0, target: "pve2" };
    expect(validateResponse(jobReturns, { ...job, disable: true })).toEqual(["data.disable: expected boolean 0/1, got true"]);
    expect(validateResponse(jobReturns, { ...job, id: "1-0" })).toEqual(["data.id: value does not match the regex pattern", expect.stringMatching(/invalid replication job id/)]);
  });

  it("converts form strings to numbers and maps `scsi0` onto `scsi[n]`", () => {
    const schema = getEndpoint("GET", "/nodes/{node}/tasks")?.parameters;
    const { params, errors } = validateParams(schema, { node: "pve1", limit: "10", errors: "1", vmid: "100" });
    expect(errors).toEqual({});
    expect(params).toEqual({ node: "pve1", limit: 10, errors: 1, vmid: 100 });
    const config = getEndpoint("GET", "/nodes/{node}/qemu/{vmid}/config")?.returns;
    expect(validateResponse(config, { digest: "x", scsi0: "local-zfs:vm-100-disk-0,size=32G" })).toEqual([]);
    expect(validateResponse(config, { digest: "x", scsi0: 5 })).toEqual(["data.scsi0: expected string, got 5"]);
  });
});
