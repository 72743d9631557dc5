import { z } from "zod";
import { unifiedDiff } from "./diff.js";
import { displayPath, resolveWorkspacePath } from "./paths.js";
import { loadTextFile, writeTextFile } from "./textFile.js";
import { defineTool, ToolError } from "./types.js";

const inputSchema = z.object({
  path: z.string().min(1).describe("File to write: relative to the workspace root, or absolute. Parent directories are created."),
  content: z.string().describe("The complete new content of the file."),
});

export const fileWriteTool = defineTool({
  name: "file_write",
  description: [
    "Create a file, or overwrite an existing one with entirely new content (parent directories are created).",
    "For changes to part of an existing file prefer file_edit_replace_string or file_edit_insert.",
    "Returns whether the file was created and, when it overwrote one, a unified diff.",
  ].join(" "),
  inputSchema,
  mutates: true,
  async execute(input, ctx) {
    const { runtime } = ctx;
    const r = await resolveWorkspacePath(runtime, input.path);
    const display = displayPath(runtime, r.path);
    const st = await runtime.stat(r.realPath);
    if (st?.isDirectory) throw new ToolError(`${display} is a directory; choose a file path inside it`);
    // The old text only feeds the diff; a binary or huge old file is simply replaced.
    const old = st ? await loadTextFile(runtime, r.realPath, display).catch(() => null) : null;
    await writeTextFile(runtime, r.realPath, display, input.content);
    const result = { path: display, bytes: Buffer.byteLength(input.content), created: !st };
    return old === null ? result : { ...result, ...unifiedDiff(display, old, input.content) };
  },
});
