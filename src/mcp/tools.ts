import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { VIEW_MAX_BYTES, VIEW_MAX_LINES } from "../tools/outputBuffer.js";
import { formatBytes } from "../tools/textFile.js";
import { ToolError, type ToolDefinition } from "../tools/types.js";
import type { McpToolInfo } from "./connection.js";

/** Tool names providers accept: letters, digits, `_` and `-`, at most 64 of them. */
const MAX_NAME = 64;

/** `<server>_<tool>`, made safe for every provider's tool-name rules. */
export function mcpToolName(server: string, tool: string): string {
  return `${server}_${tool}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, MAX_NAME);
}

/** What the model reads of a result: the first lines and bytes, like a command's output. */
export function capText(text: string): string {
  const bytes = Buffer.byteLength(text);
  const lines = text.split("\n");
  if (bytes <= VIEW_MAX_BYTES && lines.length <= VIEW_MAX_LINES) return text;
  let head = lines.slice(0, VIEW_MAX_LINES).join("\n");
  if (Buffer.byteLength(head) > VIEW_MAX_BYTES) head = Buffer.from(head).subarray(0, VIEW_MAX_BYTES).toString();
  return `${head}\n[output truncated: showing ${formatBytes(Buffer.byteLength(head))} of ${formatBytes(bytes)}, ${lines.length} lines]`;
}

/** An MCP result as text: its text parts, other parts described. */
export function resultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const c of result.content ?? []) {
    if (c.type === "text") parts.push(c.text);
    else if (c.type === "image" || c.type === "audio") parts.push(`[${c.type}: ${c.mimeType}, ${formatBytes(Math.floor((c.data.length * 3) / 4))}]`);
    else if (c.type === "resource") parts.push("text" in c.resource ? c.resource.text : `[resource: ${c.resource.uri}]`);
    else if (c.type === "resource_link") parts.push(`[resource: ${c.uri}]`);
  }
  if (!parts.length && result.structuredContent) parts.push(JSON.stringify(result.structuredContent));
  return parts.join("\n");
}

export type McpCall = (tool: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<CallToolResult>;

/** One MCP tool as an agent tool: the server's schema shown as is, its answer capped, its failures tool errors. */
export function mcpTool(server: string, info: McpToolInfo, call: McpCall): ToolDefinition<Record<string, unknown>> {
  return {
    name: mcpToolName(server, info.name),
    description: `${info.description ?? info.name} (MCP server "${server}")`,
    inputSchema: z.record(z.string(), z.unknown()),
    jsonSchema: { type: "object", ...info.inputSchema },
    // Only what the server declares read-only is offered in plan mode.
    mutates: !info.readOnly,
    async execute(input, ctx) {
      let result: CallToolResult;
      try {
        result = await call(info.name, input, ctx.signal);
      } catch (err) {
        throw new ToolError(`${server}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const text = capText(resultText(result));
      if (result.isError) throw new ToolError(text || `${server} reported an error`);
      return text;
    },
  };
}
