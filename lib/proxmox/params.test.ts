import { describe, expect, it } from "vitest";

import { PveParameterError } from "./errors";
import { assertJobId, assertNodeName, encodeParams, pvePath } from "./params";
import { readUpidNode } from "./tasks";

describe("params", () => {
  it("encodes booleans as 1/0, lists with commas, drops unset values", () => {
    expect(encodeParams({ keep: true, force: false, delete: ["rate", "comment"], rate: undefined, schedule: "*/5" })).toBe(
      "keep=1&force=0&delete=rate%2Ccomment&schedule=*%2F5",
    );
  });

  it("builds paths from encoded segments only", () => {
    expect(pvePath`/nodes/${"pve1"}/replication/${"100-0"}/status`).toBe("/nodes/pve1/replication/100-0/status");
    expect(pvePath`/nodes/${"a/b"}/time`).toBe("/nodes/a%2Fb/time");
    expect(() => pvePath`/nodes/${".."}/time`).toThrow();
  });

  it("refuses malformed ids before sending", () => {
    expect(() => assertJobId("99-0")).toThrow(PveParameterError);
    expect(() => assertNodeName("../x")).toThrow(PveParameterError);
    expect(assertJobId("100-0")).toBe("100-0");
    expect(readUpidNode("UPID:pve1:0000A1B2:0012C3D4:6553F100:qmigrate:100:root@pam:")).toBe("pve1");
  });
});
