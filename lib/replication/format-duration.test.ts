import { describe, expect, it } from "vitest";

import { formatDuration } from "./format-duration";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [45.9, "45s"],
    [300, "5m"],
    [3900, "1h 5m"],
    [3605, "1h"],
    [277_200, "3d 5h"],
    [-90, "1m 30s"],
  ])("%s → %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
