import * as os from "node:os";
import { describe, expect, it } from "vitest";
import { normalizeName, suggestName, withSuffix, workspaceName } from "./names.js";

describe("normalizeName", () => {
  it.each([
    ["my ws", "my-ws"],
    ["  My Feature!  ", "My-Feature"],
    ["a - b", "a-b"],
    ["feature/login", "feature-login"],
    ["!x", "x"],
    ["café", "café"],
    ["cafe\u0301", "café"],
    ["修正 バグ", "修正-バグ"],
    ["-rf", "-rf"],
    ["a..b", "a..b"],
    ["x.lock", "x.lock"],
    ["@", ""],
  ])("%j becomes %j", (typed, name) => {
    expect(normalizeName(typed)).toBe(name);
  });

  it("is idempotent, so a normalised name finds itself", () => {
    for (const typed of ["my ws", "feature/login", "a - b", "修正 バグ"]) expect(normalizeName(normalizeName(typed))).toBe(normalizeName(typed));
  });
});

describe("workspaceName", () => {
  const cwd = os.tmpdir();
  it("accepts what git takes as a branch name", async () => {
    expect(await workspaceName("my ws", cwd)).toBe("my-ws");
    expect(await workspaceName("café", cwd)).toBe("café");
  });

  it.each([
    ["-rf", /starts with "-"/],
    [".hidden", /starts with "\."/],
    ["a..b", /contains "\.\."/],
    ["x.lock", /ends with "\.lock"/],
    ["HEAD", /"HEAD" is reserved/],
    ["../x", /git does not accept "\.\.-x" as a branch name/],
    ["@", /use letters, digits/],
    ["a".repeat(300), /too long for a workspace name \(300 characters; at most 64\)/],
  ])("refuses %j with the reason", async (typed, reason) => {
    await expect(workspaceName(typed, cwd)).rejects.toThrow(reason);
  });
});

describe("names made from names", () => {
  it("a fork's default name stays within the length limit", () => {
    expect([...withSuffix("a".repeat(64), "-fork")]).toHaveLength(64);
    expect(withSuffix("feat", "-fork")).toBe("feat-fork");
  });

  it("suggestName avoids taken names", () => {
    expect(suggestName(new Set(["amber-otter"]), () => 0)).toBe("workspace-2");
  });
});
