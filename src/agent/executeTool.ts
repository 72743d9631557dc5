import { redact, redactDeep } from "../common/redact.js";
import { type ToolContext, ToolError, type ToolDefinition } from "../tools/types.js";

/** What the model sees of one tool result is capped, whatever the tool returned. */
const MAX_RESULT_CHARS = 64_000;

export interface ToolRunResult {
  result: unknown;
  isError: boolean;
  durationMs: number;
}

function capResult(result: unknown): unknown {
  const json = JSON.stringify(result ?? null);
  if (json.length <= MAX_RESULT_CHARS) return result ?? null;
  return {
    truncated: true,
    note: `result was ${json.length} characters; showing the first ${MAX_RESULT_CHARS}`,
    partial: json.slice(0, MAX_RESULT_CHARS),
  };
}

/**
 * The one wrapper every tool call goes through: validates the input, runs the tool, and turns
 * any failure into a result the model can read. A tool can never crash the loop.
 */
export async function executeTool(tool: ToolDefinition | undefined, toolName: string, input: unknown, ctx: ToolContext): Promise<ToolRunResult> {
  const started = Date.now();
  const fail = (error: string): ToolRunResult => ({ result: { error }, isError: true, durationMs: Date.now() - started });
  if (!tool) return fail(`Unknown tool "${toolName}". Use one of the tools you were given.`);
  const parsed = tool.inputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ");
    return fail(`Invalid input for ${toolName}: ${issues}`);
  }
  // Mux's own keys never reach the model (or the chat on disk) through what a command printed.
  const onOutput = (stream: "stdout" | "stderr", text: string) => ctx.onOutput(stream, redact(text));
  try {
    const result = await tool.execute(parsed.data, { ...ctx, onOutput });
    return { result: redactDeep(capResult(result)), isError: false, durationMs: Date.now() - started };
  } catch (err) {
    if (err instanceof ToolError) return fail(redact(err.message));
    const e = err as NodeJS.ErrnoException;
    return fail(redact(`${toolName} failed: ${e.code ? `${e.code}: ` : ""}${e.message ?? String(err)}`));
  }
}
