import type { ToolPart } from "../../agent/messages.js";
import { isRecord } from "./shape.js";

/**
 * Tool calls between the original's `dynamic-tool` parts and Mux's tool parts. The tools the two
 * share (bash, file_read, file_edit_*, todo_write, propose_plan) have the same names; the file
 * tools name their path `file_path` (or `filePath`) there and `path` here, so that key is renamed
 * and the call reads as one of Mux's own — to its tool cards and to the model, which now has
 * Mux's tools. Results are kept as the original stored them.
 */

/** The original's tools whose path argument Mux calls `path`. */
const PATH_TOOLS = new Set(["file_read", "file_edit_replace_string", "file_edit_insert", "file_edit_replace_lines"]);
const PATH_KEYS = ["file_path", "filePath"] as const;

const INTERRUPTED = "interrupted: the app stopped before this tool returned";

function nativeInput(toolName: string, input: unknown): unknown {
  if (!PATH_TOOLS.has(toolName) || !isRecord(input) || "path" in input) return input;
  const key = PATH_KEYS.find((k) => typeof input[k] === "string");
  if (!key) return input;
  const { [key]: path, ...rest } = input;
  return { path, ...rest };
}

/** One of the original's tool parts as Mux's; throws when it has no call id or tool name. */
export function toolPartToNative(part: Record<string, unknown>): ToolPart {
  const { toolCallId, toolName, state } = part;
  if (typeof toolCallId !== "string" || typeof toolName !== "string") throw new Error("a tool call without toolCallId or toolName");
  const base = {
    type: "tool" as const,
    toolCallId,
    toolName,
    input: nativeInput(toolName, part.input),
    ...(typeof part.durationMs === "number" ? { durationMs: part.durationMs } : {}),
    ...(isRecord(part.callProviderMetadata) ? { providerMetadata: part.callProviderMetadata as Record<string, Record<string, unknown>> } : {}),
  };
  const output = part.output;
  switch (state) {
    case "output-available": {
      // The original's tools report failure as data: `{ success: false, error }`.
      if (isRecord(output) && output.success === false) {
        return { ...base, state: "error", output: { ...output, error: typeof output.error === "string" ? output.error : "the tool failed" } };
      }
      return { ...base, state: "done", output };
    }
    case "output-error":
      return { ...base, state: "error", output: { error: typeof part.errorText === "string" ? part.errorText : "the tool failed" } };
    case "output-redacted":
      return { ...base, state: part.failed === true ? "error" : "done", output: { error: "output not kept by the original Mux", redacted: true } };
    case "input-available":
    case "input-streaming":
      return { ...base, state: "error", output: { error: INTERRUPTED } };
    default:
      return { ...base, state: "error", output: { error: `tool state ${JSON.stringify(state)} not understood`, part } };
  }
}

/**
 * Mux's tool part in the original's shape. Finished calls carry `success`, as the original's own
 * results do (its tool cards read it); input and output otherwise stay Mux's.
 */
export function toolPartToOriginal(part: ToolPart): Record<string, unknown> {
  const base = {
    type: "dynamic-tool",
    toolCallId: part.toolCallId,
    toolName: part.toolName,
    input: part.input ?? {},
    // The AI SDK's name for it (a provider's signature on the call, needed to replay it);
    // durationMs is Mux's own, ignored by the original.
    ...(part.providerMetadata ? { callProviderMetadata: part.providerMetadata } : {}),
    ...(part.durationMs !== undefined ? { durationMs: part.durationMs } : {}),
  };
  if (part.state === "pending" || part.state === "running") return { ...base, state: "input-available" };
  const ok = part.state === "done";
  const output = isRecord(part.output) ? { success: ok, ...part.output } : ok ? part.output : { success: false, error: String(part.output) };
  return { ...base, state: "output-available", output };
}
