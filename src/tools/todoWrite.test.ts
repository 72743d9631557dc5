import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";
import { todoWriteTool as tool } from "./todoWrite.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

describe("todo_write", () => {
  it("replaces the session's todo list", async () => {
    const todos = [
      { content: "Read the code", status: "completed" },
      { content: "Fix the bug", status: "in_progress" },
      { content: "Run tests", status: "pending" },
    ];
    expect(await ws.run(tool, { todos })).toEqual({ todos });
    expect(ws.session.todos).toEqual(todos);
    await ws.run(tool, { todos: [] });
    expect(ws.session.todos).toEqual([]);
  });

  it("allows at most one item in progress", async () => {
    const todos = [
      { content: "A", status: "in_progress" },
      { content: "B", status: "in_progress" },
    ];
    await expect(ws.run(tool, { todos })).rejects.toThrow(/2 items are in_progress \("A", "B"\); at most one/);
    expect(ws.session.todos).toEqual([]);
  });

  it("rejects unknown statuses and empty items through its schema", () => {
    expect(tool.inputSchema.safeParse({ todos: [{ content: "A", status: "done" }] }).success).toBe(false);
    expect(tool.inputSchema.safeParse({ todos: [{ content: "", status: "pending" }] }).success).toBe(false);
  });
});
