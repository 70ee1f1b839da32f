import { describe, expect, it } from "vitest";

import { CalendarEventError, SCHEDULE_PRESETS, describeCalendarEvent, parseCalendarEvent } from "./calendar-event";

describe("describeCalendarEvent", () => {
  it.each([
    ["*/15", "every 15 minutes"],
    ["*/1", "every minute"],
    ["*", "every minute"],
    ["*:*:*", "every second"],
    ["hourly", "every hour"],
    ["mon..fri 8..17:00/30", "weekdays 08:00 to 17:30 every 30 minutes"],
    ["mon..fri 22", "at minute 22 of every hour, Monday to Friday"],
    ["0,30", "at minutes 0 and 30 of every hour"],
    ["daily", "daily at 00:00"],
    ["21:00", "daily at 21:00"],
    ["2,22:30", "daily at 02:30 and 22:30"],
    ["*/2:00", "every 2 hours"],
    ["mon..fri */1:00", "every hour, Monday to Friday"],
    ["mon..fri 00:00", "weekdays at 00:00"],
    ["sat,sun 10:00", "weekends at 10:00"],
    ["mon,wed,fri 10:00", "Monday, Wednesday and Friday at 10:00"],
    ["tue..thu 10:00", "Tuesday to Thursday at 10:00"],
    ["sun 01:00", "every Sunday at 01:00"],
    ["weekly", "every Monday at 00:00"],
    ["monthly", "monthly on the 1st at 00:00"],
    ["yearly", "yearly on 1 January at 00:00"],
    ["quarterly", "on the 1st of January, April, July and October at 00:00"],
    ["sat *-1..7 15:00", "first Saturday of every month at 15:00"],
    ["*-*-1,15 3:00", "on the 1st and 15th of every month at 03:00"],
    ["2021-02-29", "on the 29th of February 2021 at 00:00"],
    ["1/12:0/15", "daily at minutes 0, 15, 30 and 45 of hours 1 and 13"],
    ["12:00 UTC", "daily at 12:00 (UTC)"],
    ["*/10:5:30", "daily at 00:05, 10:05 and 20:05, at second 30"],
    ["*/10:5", "daily at 00:05, 10:05 and 20:05"],
    ["0..23/3:00", "every 3 hours"],
    ["*/3:10", "every 3 hours at minute 10"],
    ["8..18/2:15", "daily every 2 hours from 08:15 to 18:15"],
    ["fri..mon 23:59", "Friday to Monday at 23:59"],
    ["sun,mon,tue 1:00", "Sunday to Tuesday at 01:00"],
    ["mon 2021-*-* 10:00", "in 2021, on Mondays, at 10:00"],
    ["8..17:0,20,40", "daily 08:00 to 17:40 every 20 minutes"],
  ])("%s → %s", (spec, text) => {
    expect(describeCalendarEvent(spec)).toBe(text);
  });

  it("describes a pre-parsed event and every preset", () => {
    expect(describeCalendarEvent(parseCalendarEvent("*/30"))).toBe("every 30 minutes");
    for (const preset of SCHEDULE_PRESETS) expect(describeCalendarEvent(preset.value)).not.toBe("");
  });

  it("throws for invalid specs", () => {
    expect(() => describeCalendarEvent("61")).toThrow(CalendarEventError);
  });
});
