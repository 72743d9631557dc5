import { describe, expect, it } from "vitest";
import { parseContextCommand } from "./slashCommands.js";

describe("parseContextCommand", () => {
  it("reads /compact with an optional focus and a bare /clear", () => {
    expect(parseContextCommand("/compact")).toEqual({ name: "compact" });
    expect(parseContextCommand("  /compact  the auth refactor\nand tests ")).toEqual({ name: "compact", focus: "the auth refactor\nand tests" });
    expect(parseContextCommand("/clear")).toEqual({ name: "clear" });
  });

  it("leaves every other message alone", () => {
    for (const text of ["/model gpt", "/compacting", "/clear the cache please", "please /compact", "/Compact", "compact"]) {
      expect(parseContextCommand(text)).toBeUndefined();
    }
  });
});
