import { z } from "zod";
import { type Answers, QuestionsSchema } from "../agent/questions.js";
import { defineTool, ToolError } from "./types.js";

const inputSchema = z.object({
  questions: QuestionsSchema.describe("1-4 questions, each with 2-4 choices."),
});

/** What the model is told when nobody can answer (`mux run` in a script or CI). */
export const NO_USER_NOTE = "No user is available to answer (Mux runs without a terminal): decide yourself, say which choice you made and why, and go on.";

export const askUserQuestionTool = defineTool({
  name: "ask_user_question",
  description: [
    "Ask the user 1-4 questions, each with 2-4 choices (they may also type their own answer), and wait for the answers.",
    "Use it when a decision is the user's to make (a requirement is ambiguous, approaches differ in ways they care about) rather than guessing;",
    "do not use it for things you can find out yourself or to ask for approval of a plan (propose_plan does that).",
    "Put a recommended choice first and add (Recommended) to its label.",
  ].join(" "),
  inputSchema,
  mutates: false,
  async execute(input, ctx) {
    const texts = input.questions.map((q) => q.question);
    if (new Set(texts).size !== texts.length) throw new ToolError("two questions have the same text: each question must be different");
    let answers: Answers | null;
    try {
      answers = ctx.askUser ? await ctx.askUser(input.questions) : null;
    } catch (err) {
      throw new ToolError(`The user did not answer: ${err instanceof Error ? err.message : String(err)}.`);
    }
    if (answers === null) return { answered: false, note: NO_USER_NOTE };
    return { answered: true, answers };
  },
});
