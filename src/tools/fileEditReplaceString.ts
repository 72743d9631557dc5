import { z } from "zod";
import { unifiedDiff } from "./diff.js";
import { displayPath, resolveWorkspacePath } from "./paths.js";
import { loadTextFile, writeTextFile } from "./textFile.js";
import { defineTool, ToolError } from "./types.js";

const inputSchema = z.object({
  path: z.string().min(1).describe("File to edit: relative to the workspace root, or absolute."),
  old_string: z.string().describe("Exact text to replace, including whitespace and indentation (without file_read's line-number prefixes)."),
  new_string: z.string().describe("Text to put in its place."),
  replace_count: z
    .number()
    .int()
    .min(-1)
    .optional()
    .describe("Only when old_string occurs more than once: the number of occurrences (must match exactly), or -1 to replace all."),
});

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) found.push(i);
  return found;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** Explains a miss in a way the model can act on. */
function noMatchMessage(text: string, old: string, display: string): string {
  const base = `old_string was not found in ${display}.`;
  if (/^\s*\d+\t/m.test(old)) {
    return `${base} It seems to include line-number prefixes from file_read output ("   12<TAB>"); remove them.`;
  }
  const tokens = old.trim().split(/\s+/).filter(Boolean);
  if (tokens.length > 0) {
    const re = new RegExp(tokens.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+"));
    const m = re.exec(text);
    if (m) {
      const snippet = m[0].length > 600 ? `${m[0].slice(0, 600)}…` : m[0];
      return `${base} Text that differs only in whitespace (indentation, tabs or line breaks) exists at line ${lineOf(text, m.index)}:\n${snippet}\nCopy it exactly from file_read output.`;
    }
  }
  return `${base} Re-read the file with file_read and copy the text exactly, including whitespace; the file may have changed.`;
}

export const fileEditReplaceStringTool = defineTool({
  name: "file_edit_replace_string",
  description: [
    "Replace an exact string in an existing file. old_string must match the file byte for byte (whitespace included) and, by default, exactly once:",
    "include enough surrounding lines to make it unique, or set replace_count to the number of occurrences (-1 for all).",
    "Returns a unified diff of the change. Read the file first; use file_write to create new files.",
  ].join(" "),
  inputSchema,
  mutates: true,
  async execute(input, ctx) {
    const { runtime } = ctx;
    const r = await resolveWorkspacePath(runtime, input.path);
    const display = displayPath(runtime, r.path);
    const text = await loadTextFile(runtime, r.realPath, display);
    if (text === null) throw new ToolError(`file not found: ${display}; use file_write to create a new file`);
    if (input.old_string === "") throw new ToolError("old_string must not be empty; use file_edit_insert or file_write to add text");
    if (input.old_string === input.new_string) throw new ToolError("old_string and new_string are identical; nothing to change");
    if (input.replace_count === 0) throw new ToolError("replace_count must be a positive number of occurrences, or -1 for all");

    let oldS = input.old_string;
    let newS = input.new_string;
    let found = occurrences(text, oldS);
    // Models write \n; a CRLF file still matches, and the replacement keeps the file's CRLF.
    if (found.length === 0 && text.includes("\r\n") && oldS.includes("\n") && !oldS.includes("\r\n")) {
      const crlf = (s: string) => s.replace(/\r?\n/g, "\r\n");
      found = occurrences(text, crlf(oldS));
      if (found.length > 0) {
        oldS = crlf(oldS);
        newS = crlf(newS);
      }
    }
    const count = found.length;
    if (count === 0) throw new ToolError(noMatchMessage(text, oldS, display));
    const lines =
      found
        .slice(0, 10)
        .map((i) => lineOf(text, i))
        .join(", ") + (count > 10 ? ", …" : "");
    if (input.replace_count === undefined && count > 1) {
      throw new ToolError(
        `old_string occurs ${count} times in ${display} (lines ${lines}). Include more surrounding lines to make it unique, or set replace_count to ${count} (or -1) to replace every occurrence.`,
      );
    }
    if (input.replace_count !== undefined && input.replace_count !== -1 && input.replace_count !== count) {
      throw new ToolError(
        `replace_count is ${input.replace_count} but old_string occurs ${count} times in ${display} (lines ${lines}); set replace_count to ${count} or -1 to replace all, or make old_string more specific.`,
      );
    }

    const updated = text.split(oldS).join(newS);
    await writeTextFile(runtime, r.realPath, display, updated);
    return { path: display, replacements: count, ...unifiedDiff(display, text, updated) };
  },
});
