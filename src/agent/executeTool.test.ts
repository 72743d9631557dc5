import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerConfiguredKey } from "../common/redact.js";
import { bashTool } from "../tools/bash.js";
import { createTestWorkspace, type TestWorkspace } from "../tools/testing.js";
import { executeTool } from "./executeTool.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(() => ws.cleanup());

describe("executeTool", () => {
  it("keeps a configured key that a command prints out of the result the model sees and the live output", async () => {
    registerConfiguredKey("sk-exec-tool-key-123456");
    registerConfiguredKey("q7z");
    const ctx = ws.ctx();
    const run = await executeTool(bashTool, "bash", { script: "echo sk-exec-tool-key-123456; echo token=q7z" }, ctx);
    expect(run.isError).toBe(false);
    expect((run.result as { output: string }).output).toBe("[REDACTED]\ntoken=[REDACTED]\n");
    expect(ws.outputs.map((o) => o.text).join("")).not.toMatch(/sk-exec-tool-key|q7z/);
  });

  it("returns an invalid input to the model as an error it can read", async () => {
    const run = await executeTool(bashTool, "bash", { script: "" }, ws.ctx());
    expect(run.isError).toBe(true);
    expect((run.result as { error: string }).error).toMatch(/Invalid input for bash: script/);
  });
});
