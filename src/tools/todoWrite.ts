import { z } from "zod";
import { defineTool, ToolError } from "./types.js";

const inputSchema = z.object({
  todos: z
    .array(
      z.object({
        content: z.string().min(1).describe("What to do, as a short imperative sentence."),
        status: z.enum(["pending", "in_progress", "completed"]).describe("At most one item may be in_progress."),
      }),
    )
    .describe("The complete, ordered todo list; it replaces the previous one."),
});

export const todoWriteTool = defineTool({
  name: "todo_write",
  description: [
    "Replace the session's todo list with this complete list to plan and track multi-step work.",
    "Mark an item in_progress before starting it (at most one at a time) and completed as soon as it is done.",
    "Skip it for trivial single-step tasks.",
  ].join(" "),
  inputSchema,
  mutates: false,
  async execute(input, ctx) {
    const active = input.todos.filter((t) => t.status === "in_progress");
    if (active.length > 1) {
      throw new ToolError(
        `${active.length} items are in_progress (${active.map((t) => JSON.stringify(t.content)).join(", ")}); at most one may be in_progress, mark the others pending or completed`,
      );
    }
    const todos = input.todos.map((t) => ({ content: t.content, status: t.status }));
    ctx.session.todos = todos;
    return { todos };
  },
});
