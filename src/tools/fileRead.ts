import { z } from "zod";
import type { Runtime } from "../runtime/types.js";
import { displayPath, resolveWorkspacePath } from "./paths.js";
import { shq } from "./shellQuote.js";
import { formatBytes, looksBinary, MAX_TEXT_FILE_BYTES } from "./textFile.js";
import { defineTool, ToolError } from "./types.js";

export const READ_DEFAULT_LIMIT = 2000;
export const READ_MAX_LINE_CHARS = 2000;
/** Keeps one read from flooding the context even with many long lines. */
export const READ_MAX_CONTENT_BYTES = 256 * 1024;

const inputSchema = z.object({
  path: z.string().min(1).describe("File to read: relative to the workspace root, or absolute."),
  offset: z.number().int().min(1).optional().describe("1-based line number to start at (default 1)."),
  limit: z.number().int().min(1).optional().describe(`Maximum number of lines to return (default ${READ_DEFAULT_LIMIT}).`),
});

/** Lines without terminators (a trailing \r is dropped for display). */
function toLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Streams just the requested range (awk) so files over the in-memory limit stay readable. */
async function readRangeLarge(runtime: Runtime, file: string, start: number, end: number, display: string) {
  const script = [
    `f=${shq(file)}`,
    `if [ "$(head -c 8192 "$f" | tr -dc '\\000' | wc -c)" -gt 0 ]; then echo MUX_BINARY >&2; exit 3; fi`,
    `LC_ALL=C awk -v s=${start} -v e=${end} 'NR>=s && NR<=e {print} END {print NR > "/dev/stderr"}' "$f"`,
  ].join("\n");
  const chunks: string[] = [];
  let size = 0;
  let stderr = "";
  const r = await runtime.exec(script, {
    onStdout: (c) => {
      if (size < READ_MAX_CONTENT_BYTES * 8) chunks.push(c);
      size += c.length;
    },
    onStderr: (c) => {
      stderr += c;
    },
  });
  if (stderr.includes("MUX_BINARY")) throw new ToolError(`${display} is a binary file; inspect it with bash (e.g. file, xxd | head)`);
  const total = Number(stderr.trim().split("\n").pop());
  if (r.exitCode !== 0 || !Number.isFinite(total)) throw new ToolError(`could not read ${display}: ${stderr.trim() || `exit ${r.exitCode}`}`);
  return { lines: toLines(chunks.join("")), totalLines: total };
}

export const fileReadTool = defineTool({
  name: "file_read",
  description: [
    "Read a text file. Returns its lines prefixed with line numbers (like `cat -n`: number, tab, line);",
    "the prefix is not part of the file, never copy it into edits.",
    `Reads up to ${READ_DEFAULT_LIMIT} lines from offset (1-based); lines over ${READ_MAX_LINE_CHARS} characters are cut.`,
    "When `truncated` is true, continue with a larger offset.",
    "Also reads saved full bash output files. Use glob to list directories and grep to search.",
  ].join(" "),
  inputSchema,
  mutates: false,
  async execute(input, ctx) {
    const { runtime } = ctx;
    const r = await resolveWorkspacePath(runtime, input.path, { allowExtraRoots: async () => [await runtime.tempDir()] });
    const display = displayPath(runtime, r.path);
    const st = await runtime.stat(r.realPath);
    if (!st) throw new ToolError(`file not found: ${display}; use glob to find the right path`);
    if (st.isDirectory) throw new ToolError(`${display} is a directory; use glob (e.g. pattern "**/*" with path "${display}") to list its files`);

    const startLine = input.offset ?? 1;
    const limit = input.limit ?? READ_DEFAULT_LIMIT;
    let lines: string[];
    let totalLines: number;
    let firstIndex: number; // index in `lines` of startLine
    if (st.size > MAX_TEXT_FILE_BYTES) {
      if (input.offset === undefined && input.limit === undefined) {
        throw new ToolError(
          `${display} is ${formatBytes(st.size)}, over the ${formatBytes(MAX_TEXT_FILE_BYTES)} limit for reading whole; read part of it with offset and limit (e.g. offset 1, limit ${READ_DEFAULT_LIMIT}) or search it with grep`,
        );
      }
      ({ lines, totalLines } = await readRangeLarge(runtime, r.realPath, startLine, startLine + limit - 1, display));
      firstIndex = 0;
    } else {
      const buf = await runtime.readFile(r.realPath);
      if (looksBinary(buf)) throw new ToolError(`${display} is a binary file; inspect it with bash (e.g. file, xxd | head)`);
      lines = toLines(buf.toString("utf8"));
      totalLines = lines.length;
      firstIndex = startLine - 1;
    }
    if (startLine > totalLines && !(startLine === 1 && totalLines === 0)) {
      throw new ToolError(`offset ${startLine} is past the end of ${display}, which has ${totalLines} lines`);
    }

    const out: string[] = [];
    let bytes = 0;
    let cutLines = 0;
    let endLine = startLine - 1;
    const last = Math.min(totalLines, startLine + limit - 1);
    for (let n = startLine; n <= last; n++) {
      let line = lines[firstIndex + n - startLine] ?? "";
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line.length > READ_MAX_LINE_CHARS) {
        line = `${line.slice(0, READ_MAX_LINE_CHARS)}… [line truncated: ${line.length} characters]`;
        cutLines++;
      }
      const rendered = `${String(n).padStart(6)}\t${line}`;
      bytes += Buffer.byteLength(rendered) + 1;
      if (bytes > READ_MAX_CONTENT_BYTES && out.length > 0) break;
      out.push(rendered);
      endLine = n;
    }
    const truncated = endLine < totalLines || cutLines > 0;
    const notes: string[] = [];
    if (endLine < totalLines) notes.push(`Showing lines ${startLine}-${endLine} of ${totalLines}; use offset ${endLine + 1} to read more.`);
    if (cutLines > 0) notes.push(`${cutLines} long line(s) were cut; use bash (e.g. cut, fold) to see them whole.`);
    return {
      path: display,
      content: out.join("\n"),
      totalLines,
      startLine,
      endLine,
      truncated,
      ...(notes.length ? { note: notes.join(" ") } : {}),
    };
  },
});
