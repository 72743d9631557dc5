import { z } from "zod";
import { unifiedDiff } from "./diff.js";
import { displayPath, resolveWorkspacePath } from "./paths.js";
import { detectEol, loadTextFile, splitLinesKeep, writeTextFile } from "./textFile.js";
import { defineTool, ToolError } from "./types.js";

const inputSchema = z.object({
  path: z.string().min(1).describe("File to insert into: relative to the workspace root, or absolute."),
  insert_after_line: z
    .number()
    .int()
    .min(0)
    .describe("1-based line number to insert after: 0 inserts at the top of the file, the file's line count appends at the end."),
  content: z.string().min(1).describe("Text to insert, as whole lines (a final newline is added if missing)."),
});

export const fileEditInsertTool = defineTool({
  name: "file_edit_insert",
  description: [
    "Insert lines into a file after a given line number (0 = top of file, the line count = end of file), without matching existing text.",
    "A missing file is created only with insert_after_line 0. Returns a unified diff of the change.",
    "Line numbers are those shown by file_read; re-read after edits since they shift.",
  ].join(" "),
  inputSchema,
  mutates: true,
  async execute(input, ctx) {
    const { runtime } = ctx;
    const r = await resolveWorkspacePath(runtime, input.path);
    const display = displayPath(runtime, r.path);
    const existing = await loadTextFile(runtime, r.realPath, display);
    const after = input.insert_after_line;
    if (existing === null && after !== 0) {
      throw new ToolError(`file not found: ${display}; use insert_after_line 0 or file_write to create it`);
    }
    if (input.content === "") throw new ToolError("content must not be empty");
    const text = existing ?? "";
    const lines = splitLinesKeep(text);
    if (after > lines.length) {
      throw new ToolError(
        `insert_after_line ${after} is past the end of ${display}, which has ${lines.length} lines; use ${lines.length} to append at the end`,
      );
    }

    const eol = detectEol(text);
    const content = input.content.replace(/\r?\n/g, eol);
    let updated: string;
    if (text === "") {
      updated = content;
    } else if (after === lines.length && !text.endsWith("\n")) {
      // Appending to a file without a final newline: end the old last line, keep "no final newline".
      updated = text + eol + (content.endsWith(eol) ? content.slice(0, -eol.length) : content);
    } else {
      const block = content.endsWith("\n") ? content : content + eol;
      updated = lines.slice(0, after).join("") + block + lines.slice(after).join("");
    }
    await writeTextFile(runtime, r.realPath, display, updated);
    return { path: display, created: existing === null, ...unifiedDiff(display, text, updated) };
  },
});
