import { describe, expect, it } from "vitest";

import { computeMaxScheduleGap, defaultRpoSeconds, roundUpToFriendlySeconds } from "./rpo";

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;

describe("defaultRpoSeconds", () => {
  it.each<[string | undefined, number | null]>([
    ["*/1", 10 * MIN],
    ["*/5", 10 * MIN],
    ["*/15", 30 * MIN],
    [undefined, 30 * MIN],
    ["", 30 * MIN],
    ["*/30", 45 * MIN],
    ["hourly", 90 * MIN],
    ["*/2:00", 3 * HOUR],
    ["02:00", 36 * HOUR],
    ["daily", 36 * HOUR],
    ["sun 01:00", 14 * DAY],
    ["mon..fri 08..17:00/30", 4 * DAY],
    ["2020-01-01 00:00", null],
    ["not a schedule", null],
  ])("%s → %s", (schedule, expected) => {
    expect(defaultRpoSeconds(schedule)).toBe(expected);
  });

  it("widens the margin for syncs known to be long", () => {
    expect(defaultRpoSeconds("*/5", { expectedDurationSeconds: 20 * MIN })).toBe(30 * MIN);
  });

  it("measures the schedule in the node's time zone", () => {
    expect(computeMaxScheduleGap("mon..fri 08..17:00/30", { timeZone: "Europe/Berlin" })).toBe(62.5 * HOUR);
    expect(computeMaxScheduleGap("monthly")).toBe(31 * DAY);
    expect(computeMaxScheduleGap("sat *-1..7 15:00")).toBe(35 * DAY);
    expect(computeMaxScheduleGap("yearly")).toBe(365 * DAY);
  });
});

describe("roundUpToFriendlySeconds", () => {
  it.each([
    [1, 5 * MIN],
    [5 * MIN, 5 * MIN],
    [22.5 * MIN, 30 * MIN],
    [25 * HOUR, 36 * HOUR],
    [15 * DAY, 21 * DAY],
  ])("%s → %s", (input, expected) => {
    expect(roundUpToFriendlySeconds(input)).toBe(expected);
  });
});
