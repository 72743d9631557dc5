import { posix } from "node:path";
import { z } from "zod";
import { displayPath, resolveWorkspacePath } from "./paths.js";
import { defineTool, ToolError } from "./types.js";
import { DEFAULT_SKIP_DIRS, walk } from "./walk.js";

export const GLOB_MAX_RESULTS = 1000;
/** Stops a walk of a huge tree instead of running for minutes. */
const GLOB_MAX_ENTRIES = 200_000;

const inputSchema = z.object({
  pattern: z.string().min(1).describe('Glob pattern relative to `path`, e.g. "**/*.ts", "src/**/test_*.py", "*.{json,yaml}".'),
  path: z.string().optional().describe("Directory to search in: relative to the workspace root, or absolute (default: the root)."),
});

/** A skipped directory is searched anyway when the pattern names it (e.g. "node_modules/zod/**"). */
function mentions(pattern: string, dir: string): boolean {
  const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w.-])${escaped}($|[^\\w.-])`).test(pattern);
}

export const globTool = defineTool({
  name: "glob",
  description: [
    "Find files by glob pattern (picomatch syntax: * within a directory, ** across directories, {a,b}, [abc]; dotfiles included).",
    `Returns matching file paths relative to \`path\`, sorted, at most ${GLOB_MAX_RESULTS}.`,
    ".git and node_modules are skipped unless the pattern names them. Use grep to search file contents.",
  ].join(" "),
  inputSchema,
  mutates: false,
  async execute(input, ctx) {
    const { runtime } = ctx;
    const r = await resolveWorkspacePath(runtime, input.path ?? ".");
    const display = displayPath(runtime, r.path);
    const st = await runtime.stat(r.realPath);
    if (!st) throw new ToolError(`directory not found: ${display}`);
    if (!st.isDirectory) throw new ToolError(`${display} is a file, not a directory; pass its parent as path`);

    let pattern = input.pattern.trim();
    if (posix.isAbsolute(pattern)) {
      const rel = posix.relative(r.path, pattern);
      if (rel.startsWith("..")) throw new ToolError(`pattern ${pattern} is outside ${display}; make it relative to path`);
      pattern = rel;
    }
    pattern = pattern.replace(/^(\.\/)+/, "");
    if (pattern.split("/").includes("..")) throw new ToolError('pattern must not contain ".."; set path to the directory to search instead');

    // Loaded on first use: most runs never glob, and `mux run` starts faster without it.
    const { default: picomatch } = await import("picomatch");
    const isMatch = picomatch(pattern, { dot: true });
    const skipDirs = DEFAULT_SKIP_DIRS.filter((d) => !mentions(pattern, d));
    // Start at the pattern's literal prefix ("src/**/*.ts" walks only src).
    const { base } = picomatch.scan(pattern);
    const startRel = base && base !== "." ? base : "";
    const matches: string[] = [];
    let visited = 0;
    let hitEntryLimit = false;

    let startStat: typeof st | null = st;
    if (startRel) {
      // The literal prefix may pass through a symlink: it must stay inside the workspace too.
      const start = await resolveWorkspacePath(runtime, posix.join(r.path, startRel));
      const lst = await runtime.lstat(start.path);
      if (lst && !lst.isDirectory && isMatch(startRel)) matches.push(startRel);
      startStat = await runtime.stat(start.realPath);
    }
    if (startStat?.isDirectory) {
      await walk(
        runtime,
        posix.join(r.path, startRel),
        ({ rel, entry }) => {
          if (++visited > GLOB_MAX_ENTRIES) {
            hitEntryLimit = true;
            return false;
          }
          if (!entry.isDirectory && isMatch(rel)) matches.push(rel);
          return matches.length <= GLOB_MAX_RESULTS;
        },
        { skipDirs, signal: ctx.signal, relPrefix: startRel },
      );
    }
    matches.sort();
    const truncated = matches.length > GLOB_MAX_RESULTS || hitEntryLimit;
    const files = matches.slice(0, GLOB_MAX_RESULTS);
    if (!truncated) return { files, truncated };
    const note = hitEntryLimit
      ? `stopped after scanning ${GLOB_MAX_ENTRIES} entries; results are incomplete, narrow the pattern or path`
      : `more than ${GLOB_MAX_RESULTS} files match; showing the first ${GLOB_MAX_RESULTS}, narrow the pattern or path`;
    return { files, truncated, note };
  },
});
