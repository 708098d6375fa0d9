import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatTime } from "./format";

describe("dates for people", () => {
  it("writes a calendar day as the day it is, whatever the time zone", () => {
    expect(formatDate("2026-09-05")).toBe("5 Sep 2026");
  });

  it("writes a moment as day and 24-hour time, with the same short month as the server", () => {
    const moment = new Date(2026, 8, 5, 15, 30).toISOString();
    expect(formatDateTime(moment)).toBe("5 Sep 2026, 15:30");
    expect(formatTime(moment)).toBe("15:30");
  });

  it("gives the fallback for no date or a broken one", () => {
    expect(formatDate(null)).toBe("—");
    expect(formatDateTime("not a date", "never")).toBe("never");
  });
});
