import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("--timeout durations", () => {
  it("reads milliseconds and amounts with units", () => {
    expect(parseDuration("300000")).toBe(300_000);
    expect(parseDuration("300s")).toBe(300_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("250ms")).toBe(250);
  });

  it("refuses nothing, zero and words", () => {
    for (const v of ["", "0", "0s", "5 minutes", "-5m", "m"]) expect(parseDuration(v), v).toBeUndefined();
  });

  it("names a duration back the way a user would write it", () => {
    expect([250, 1500, 300_000, 5_400_000, 3_600_000].map(formatDuration)).toEqual(["250ms", "1.5s", "5m", "1h30m", "1h"]);
  });
});
