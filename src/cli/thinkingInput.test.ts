import { describe, expect, it } from "vitest";
import { parseThinkingInput } from "./thinkingInput.js";

describe("--thinking as the original Mux takes it", () => {
  it("takes the level names and the original's labels in any case", () => {
    const cases: [string, string][] = [
      ["OFF", "off"],
      ["low", "low"],
      ["MED", "medium"],
      ["Medium", "medium"],
      ["HIGH", "high"],
      ["max", "max"],
      ["MAX", "max"],
      ["xhigh", "max"],
      [" high ", "high"],
    ];
    for (const [input, level] of cases) expect(parseThinkingInput(input), input).toBe(level);
  });

  it("counts 0-9 up from off, the numbers past the highest level meaning the highest", () => {
    expect(["0", "1", "2", "3", "4", "5", "9"].map(parseThinkingInput)).toEqual(["off", "low", "medium", "high", "max", "max", "max"]);
  });

  it("refuses anything else", () => {
    for (const input of ["10", "-1", "1.5", "mediun", "", "on"]) expect(parseThinkingInput(input), input).toBeUndefined();
  });
});
