import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Question } from "../agent/questions.js";
import { parseReply, terminalAsker } from "./askTerminal.js";

const db: Question = { question: "Which database?", options: [{ label: "SQLite" }, { label: "Postgres", description: "needs a server" }] };
const tests: Question = { question: "Which tests?", options: [{ label: "unit" }, { label: "e2e" }, { label: "smoke" }], multiSelect: true };

describe("answers typed on the terminal", () => {
  it("reads a number as that choice, anything else as the answer itself", () => {
    expect(parseReply(db, " 2 ")).toBe("Postgres");
    expect(parseReply(db, "MySQL, please")).toBe("MySQL, please");
    expect(parseReply(db, "3")).toBe("3"); // no such choice: taken as typed
    expect(parseReply(db, "1,2")).toBe("1,2"); // one choice only
    expect(parseReply(tests, "1, 3")).toBe("unit, smoke");
    expect(parseReply(db, "   ")).toBeUndefined();
  });

  it("asks each question with numbered choices and collects the answers", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.on("data", (d) => {
      shown += d;
      // Answer each prompt as it appears: an empty line is asked again.
      if (shown.endsWith("> ")) {
        const prompts = shown.split("> ").length - 1;
        input.write(["\n", "2\n", "1,2\n"][prompts - 1] ?? "");
      }
    });
    const ask = terminalAsker(input, output, () => {});
    const answers = await ask({ toolCallId: "c1", questions: [db, tests] }, new AbortController().signal);
    expect(answers).toEqual({ "Which database?": "Postgres", "Which tests?": "unit, e2e" });
    expect(shown).toContain("(1/2) Which database?");
    expect(shown).toContain("2. Postgres — needs a server");
    expect(shown).toContain("Numbers separated by commas");
  });
});
