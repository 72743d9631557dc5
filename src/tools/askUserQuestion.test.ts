import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { askUserQuestionTool as tool, NO_USER_NOTE } from "./askUserQuestion.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

const questions = [
  { question: "Which database?", header: "DB", options: [{ label: "SQLite (Recommended)" }, { label: "Postgres", description: "needs a server" }] },
  { question: "Which tests?", options: [{ label: "unit" }, { label: "e2e" }, { label: "both" }], multiSelect: true },
];

describe("ask_user_question", () => {
  it("returns the user's answers as its result", async () => {
    let asked: unknown;
    const answers = { "Which database?": "Postgres", "Which tests?": "unit, e2e" };
    const r = await ws.run(tool, { questions }, { askUser: async (q) => ((asked = q), answers) });
    expect(asked).toEqual(questions);
    expect(r).toEqual({ answered: true, answers });
  });

  it("tells the model to decide itself when nobody can answer", async () => {
    expect(await ws.run(tool, { questions })).toEqual({ answered: false, note: NO_USER_NOTE });
    expect(await ws.run(tool, { questions }, { askUser: async () => null })).toEqual({ answered: false, note: NO_USER_NOTE });
  });

  it("says the user did not answer when the wait ends without an answer", async () => {
    const askUser = async () => {
      throw new Error("interrupted by user");
    };
    await expect(ws.run(tool, { questions }, { askUser })).rejects.toThrow("The user did not answer: interrupted by user.");
  });

  it("takes 1-4 questions of 2-4 choices, each question different", async () => {
    const q = (n: number) => ({ question: `Q${n}?`, options: [{ label: "a" }, { label: "b" }] });
    expect(tool.inputSchema.safeParse({ questions: [] }).success).toBe(false);
    expect(tool.inputSchema.safeParse({ questions: [1, 2, 3, 4, 5].map(q) }).success).toBe(false);
    expect(tool.inputSchema.safeParse({ questions: [{ question: "Q?", options: [{ label: "only" }] }] }).success).toBe(false);
    const five = { question: "Q?", options: ["a", "b", "c", "d", "e"].map((label) => ({ label })) };
    expect(tool.inputSchema.safeParse({ questions: [five] }).success).toBe(false);
    expect(tool.inputSchema.safeParse({ questions: [1, 2, 3, 4].map(q) }).success).toBe(true);
    await expect(ws.run(tool, { questions: [q(1), q(1)] })).rejects.toThrow(/same text/);
    expect(tool.mutates).toBe(false);
  });
});
