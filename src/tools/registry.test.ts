import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ALL_TOOLS, getTool, toolsForMode } from "./registry.js";

describe("tool registry", () => {
  it("offers every tool but propose_plan in exec mode", () => {
    expect(toolsForMode("exec").map((t) => t.name)).toEqual([
      "bash",
      "file_read",
      "file_edit_replace_string",
      "file_edit_insert",
      "file_write",
      "glob",
      "grep",
      "todo_write",
      "web_fetch",
      "ask_user_question",
    ]);
  });

  it("leaves web_fetch out when the workspace turned it off", () => {
    expect(toolsForMode("exec", { webFetch: false }).map((t) => t.name)).not.toContain("web_fetch");
    expect(toolsForMode("plan", { webFetch: false }).map((t) => t.name)).toEqual([
      "file_read",
      "glob",
      "grep",
      "todo_write",
      "ask_user_question",
      "propose_plan",
    ]);
  });

  it("offers only non-mutating tools plus propose_plan in plan mode", () => {
    expect(toolsForMode("plan").map((t) => t.name)).toEqual(["file_read", "glob", "grep", "todo_write", "web_fetch", "ask_user_question", "propose_plan"]);
  });

  it("offers the task tools only where helpers can be started, and not in plan mode", () => {
    expect(toolsForMode("exec", { subagents: true }).map((t) => t.name)).toEqual(expect.arrayContaining(["task", "task_apply_git_patch"]));
    expect(toolsForMode("plan", { subagents: true }).map((t) => t.name)).not.toContain("task");
    expect(getTool("task")?.concurrent).toBe(true);
    expect(getTool("bash")?.concurrent).toBeUndefined();
  });

  it("has unique names", () => {
    expect(new Set(ALL_TOOLS.map((t) => t.name)).size).toBe(ALL_TOOLS.length);
    expect(getTool("grep")?.name).toBe("grep");
  });

  // What the model sees: a change here shows up in review as a snapshot diff.
  it.each(ALL_TOOLS.map((t) => [t.name, t] as const))("%s: description and input schema", (_name, tool) => {
    expect({
      description: tool.description,
      mutates: tool.mutates,
      endsTurn: tool.endsTurn ?? false,
      inputSchema: z.toJSONSchema(tool.inputSchema),
    }).toMatchSnapshot();
  });
});
