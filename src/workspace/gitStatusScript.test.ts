import { describe, expect, it } from "vitest";
import { parseBatchOutput, parseStatusOutput } from "./gitStatusScript.js";

describe("parseStatusOutput", () => {
  it("only recognises markers at record boundaries", () => {
    const out = [
      "@@mux:status",
      "# branch.oid 0123456789abcdef0123456789abcdef01234567",
      "# branch.head topic",
      "2 R. N... 100644 100644 100644 aaa aaa R100 new",
      "@@mux:end 1", // the original path of the rename
      "? @@mux:done",
      "@@mux:end 0",
      "@@mux:revlist 0",
      "3\t4",
      "@@mux:numstat",
      "1\t2\tplain",
      "5\t6\t",
      "@@mux:end 0", // rename source
      "@@mux:done", // rename destination
      "-\t-\tbinary",
      "@@mux:end 0 mergebase",
      "@@mux:untracked",
      "7\n0\n",
      "@@mux:end 2",
      "@@mux:done",
      "",
    ].join("\0");
    expect(parseStatusOutput(out)).toMatchObject({
      statusRc: 0,
      branch: "topic",
      dirtyFiles: 2,
      numstatAgainst: "mergebase",
      revlist: "3\t4",
      linesAdded: 6,
      linesRemoved: 8,
      untrackedLines: 7,
      done: true,
    });
  });
});

describe("parseBatchOutput", () => {
  it("splits a batch by workspace and does not let a cut-short one swallow the next", () => {
    const out = [
      "@@mux:ws 0",
      "@@mux:missing",
      "no such directory",
      "@@mux:done",
      "@@mux:ws 1",
      "@@mux:status",
      "# branch.oid 0123456789abcdef0123456789abcdef01234567",
      "? a", // cut short here
      "@@mux:ws 2",
      "@@mux:status",
      "# branch.head b",
      "@@mux:end 0",
      "@@mux:done",
      "",
    ].join("\0");
    const [a, b, c, d] = parseBatchOutput(out, 4);
    expect(a).toMatchObject({ missing: "no such directory", done: true });
    expect(b).toMatchObject({ done: false, dirtyFiles: 1 });
    expect(c).toMatchObject({ done: true, branch: "b", dirtyFiles: 0 });
    expect(d).toBeUndefined();
  });
});
