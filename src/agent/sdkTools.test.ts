import { zodSchema } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bashTool } from "../tools/bash.js";
import { defineTool } from "../tools/types.js";
import type { ToolRunResult } from "./executeTool.js";
import { sdkInputSchema, toSdkTools } from "./sdkTools.js";
import { ToolGate } from "./toolGate.js";
import { TOOL_INPUT_JSON_SCHEMAS } from "./toolJsonSchemas.js";

describe("sdkInputSchema", () => {
  it("uses the precomputed JSON Schema of a built-in tool, made once", () => {
    const schema = sdkInputSchema(bashTool);
    expect(schema.jsonSchema).toBe(TOOL_INPUT_JSON_SCHEMAS.bash);
    expect(sdkInputSchema(bashTool)).toBe(schema);
  });

  it("validates exactly as the SDK does with the zod schema", async () => {
    const ours = sdkInputSchema(bashTool);
    const sdks = zodSchema(bashTool.inputSchema);
    for (const input of [{ script: "ls" }, {}, { script: "" }, { script: "x", timeout_secs: 9999 }]) {
      expect(JSON.stringify(await ours.validate!(input))).toBe(JSON.stringify(await sdks.validate!(input)));
    }
  });

  it("converts any other tool's zod schema itself", () => {
    const custom = defineTool({
      name: "bash",
      description: "not the built-in bash",
      inputSchema: z.object({ n: z.number() }),
      mutates: false,
      execute: async () => null,
    });
    expect(sdkInputSchema(custom).jsonSchema).toMatchObject({ properties: { n: { type: "number" } } });
  });
});

describe("toSdkTools", () => {
  it("execute waits for the outcome the loop posts for the call", async () => {
    const gate = new ToolGate<ToolRunResult>();
    const tools = toSdkTools([bashTool], gate);
    const pending = tools.bash.execute!({ script: "ls" }, { toolCallId: "c1", messages: [] });
    const run: ToolRunResult = { result: { exitCode: 0 }, isError: false, durationMs: 1 };
    gate.resolve("c1", run);
    await expect(pending).resolves.toBe(run);
  });

  it("shows the model a result, or an error as text, as the stored history would", async () => {
    const tools = toSdkTools([bashTool], new ToolGate());
    const out = (output: ToolRunResult) => tools.bash.toModelOutput!({ toolCallId: "c", input: {}, output });
    expect(await out({ result: { exitCode: 0 }, isError: false, durationMs: 1 })).toEqual({ type: "json", value: { exitCode: 0 } });
    expect(await out({ result: { error: "boom" }, isError: true, durationMs: 1 })).toEqual({ type: "error-text", value: "boom" });
  });
});
