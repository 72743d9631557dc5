import { jsonSchema, type Schema, type ToolSet, tool as sdkTool, zodSchema } from "ai";
import type { ProviderOptions } from "../providers/promptCaching.js";
import { getTool } from "../tools/registry.js";
import type { ToolDefinition } from "../tools/types.js";
import type { ToolRunResult } from "./executeTool.js";
import type { ToolGate } from "./toolGate.js";
import { TOOL_INPUT_JSON_SCHEMAS } from "./toolJsonSchemas.js";
import { toolResultOutput } from "./toModelMessages.js";

/**
 * Each tool's input schema as the SDK sees it, made once per process: the SDK would otherwise
 * convert the zod schema to JSON Schema again on every request. The JSON Schema is the SDK's own
 * conversion (precomputed for the built-in tools) and validation is the SDK's zod validation.
 */
const schemas = new WeakMap<ToolDefinition, Schema>();

export function sdkInputSchema(tool: ToolDefinition): Schema {
  let schema = schemas.get(tool);
  if (!schema) {
    if (tool.jsonSchema) {
      // The tool's owner (an MCP server) validates its own input.
      schema = jsonSchema(tool.jsonSchema as Parameters<typeof jsonSchema>[0]);
      schemas.set(tool, schema);
      return schema;
    }
    const fromZod = zodSchema(tool.inputSchema) as Schema;
    const precomputed = getTool(tool.name) === tool ? TOOL_INPUT_JSON_SCHEMAS[tool.name] : undefined;
    schema = precomputed ? jsonSchema(precomputed, { validate: fromZod.validate }) : fromZod;
    schemas.set(tool, schema);
  }
  return schema;
}

/**
 * The tools as the SDK's multi-step loop sees them. `execute` does not run anything: it waits
 * for the agent loop, which runs the step's tools itself (one at a time, after the budget check)
 * and posts each result to the gate. `lastToolOptions` go on the last tool (a cache breakpoint
 * after all tool definitions).
 */
export function toSdkTools(tools: readonly ToolDefinition[], gate: ToolGate<ToolRunResult>, lastToolOptions?: ProviderOptions): ToolSet {
  const set: ToolSet = {};
  tools.forEach((t, i) => {
    set[t.name] = sdkTool<unknown, ToolRunResult>({
      description: t.description,
      inputSchema: sdkInputSchema(t),
      execute: (_input, { toolCallId }) => gate.wait(toolCallId),
      toModelOutput: ({ output }) => toolResultOutput(!output.isError, output.result),
      ...(lastToolOptions && i === tools.length - 1 ? { providerOptions: lastToolOptions } : {}),
    });
  });
  return set;
}
