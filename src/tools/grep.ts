import { posix } from "node:path";
import { z } from "zod";
import { execCapture, type Runtime } from "../runtime/types.js";
import { displayPath, resolveWorkspacePath } from "./paths.js";
import { shq } from "./shellQuote.js";
import { looksBinary } from "./textFile.js";
import { defineTool, ToolError } from "./types.js";
import { DEFAULT_SKIP_DIRS, walk } from "./walk.js";

export const GREP_DEFAULT_MAX_RESULTS = 200;
export const GREP_MAX_FILE_BYTES = 2 * 1024 * 1024;
const GREP_MAX_TEXT_CHARS = 500;

export interface GrepMatch {
  /** Relative to the workspace root. */
  file: string;
  line: number;
  text: string;
}

export interface GrepOptions {
  pattern: string;
  /** Absolute file or directory to search. */
  target: string;
  glob?: string;
  ignoreCase?: boolean;
  maxResults: number;
  signal?: AbortSignal;
}

export interface GrepResult {
  matches: GrepMatch[];
  truncated: boolean;
}

const hasRg = new WeakMap<Runtime, Promise<boolean>>();

/** Probed once per runtime: a remote host may lack ripgrep even when this machine has it. */
export function hasRipgrep(runtime: Runtime): Promise<boolean> {
  let probe = hasRg.get(runtime);
  if (!probe) {
    probe = execCapture(runtime, "command -v rg", { timeoutMs: 10_000 }).then(
      (r) => r.exitCode === 0 && r.stdout.trim() !== "",
      () => false,
    );
    hasRg.set(runtime, probe);
  }
  return probe;
}

const clip = (text: string) => (text.length > GREP_MAX_TEXT_CHARS ? `${text.slice(0, GREP_MAX_TEXT_CHARS)}…` : text);

/** ripgrep, run from the root so paths come back root-relative; stops it once enough matched. */
export async function grepRipgrep(runtime: Runtime, o: GrepOptions): Promise<GrepResult> {
  const rel = posix.relative(runtime.root, o.target) || ".";
  const args = ["rg", "--line-number", "--with-filename", "--no-heading", "--color=never", "--null", "--hidden", "--sort=path"];
  args.push(`--max-filesize=${GREP_MAX_FILE_BYTES}`, "--max-columns=1000", "--max-columns-preview");
  for (const d of DEFAULT_SKIP_DIRS) args.push(`--glob=!${d}`);
  if (o.ignoreCase) args.push("-i");
  if (o.glob) args.push(`--glob=${o.glob}`);
  args.push("-e", o.pattern, "--", rel);

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const matches: GrepMatch[] = [];
  let partial = "";
  let stderr = "";
  const take = (line: string) => {
    const nul = line.indexOf("\0");
    if (nul === -1 || matches.length > o.maxResults) return;
    const rest = line.slice(nul + 1);
    const colon = rest.indexOf(":");
    const file = line.slice(0, nul).replace(/^\.\//, "");
    matches.push({ file, line: Number(rest.slice(0, colon)), text: clip(rest.slice(colon + 1).replace(/\r$/, "")) });
    if (matches.length > o.maxResults) stop.abort();
  };
  try {
    const r = await runtime.exec(args.map(shq).join(" "), {
      signal: stop.signal,
      onStdout: (chunk) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop() ?? "";
        for (const l of lines) take(l);
      },
      onStderr: (c) => {
        if (stderr.length < 4000) stderr += c;
      },
    });
    if (partial && !stop.signal.aborted) take(partial);
    if (o.signal?.aborted) throw new ToolError("grep was aborted");
    // Exit 1 = no matches; 2 = an error (a bad regex, or an unreadable file among matches).
    if (r.exitCode === 2 && matches.length === 0) throw new ToolError(`grep failed: ${stderr.trim()}`);
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
  return { matches: matches.slice(0, o.maxResults), truncated: matches.length > o.maxResults };
}

/**
 * The same search in JS, for runtimes without ripgrep (does not read .gitignore). Confined like
 * ripgrep and file_read: the target was resolved inside the workspace, and no symlink below it
 * is followed.
 */
export async function grepFallback(runtime: Runtime, o: GrepOptions): Promise<GrepResult> {
  let re: RegExp;
  try {
    re = new RegExp(o.pattern, o.ignoreCase ? "i" : "");
  } catch (err) {
    throw new ToolError(`invalid regex: ${(err as Error).message}`);
  }
  // gitignore-like, as in ripgrep: no "/" matches the name anywhere. (picomatch's basename option
  // also breaks patterns that do contain "/", so only set it when there is none.)
  // Loaded on first use: `mux run` starts faster without it.
  const picomatch = o.glob ? (await import("picomatch")).default : undefined;
  const fileFilter = o.glob && picomatch ? picomatch(o.glob, { dot: true, basename: !o.glob.includes("/") }) : undefined;
  const matches: GrepMatch[] = [];
  const searchFile = async (abs: string): Promise<boolean> => {
    const st = await runtime.stat(abs);
    if (!st?.isFile || st.size > GREP_MAX_FILE_BYTES) return true;
    const buf = await runtime.readFile(abs).catch(() => null);
    if (!buf || looksBinary(buf)) return true;
    const file = posix.relative(runtime.root, abs);
    const lines = buf.toString("utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (i === lines.length - 1 && lines[i] === "") break;
      const text = lines[i].replace(/\r$/, "");
      if (!re.test(text)) continue;
      matches.push({ file, line: i + 1, text: clip(text) });
      if (matches.length > o.maxResults) return false;
    }
    return true;
  };

  const st = await runtime.stat(o.target);
  if (st?.isDirectory) {
    await walk(
      runtime,
      o.target,
      // Like ripgrep here, the glob sees the root-relative path. Symlinks are skipped, as ripgrep
      // skips them: one may lead out of the workspace, and plan mode's read-only agent has no
      // other way out (walk already never enters a symlinked directory).
      ({ abs, entry }) =>
        entry.isDirectory || entry.isSymbolicLink || (fileFilter && !fileFilter(posix.relative(runtime.root, abs))) ? true : searchFile(abs),
      { signal: o.signal },
    );
  } else {
    await searchFile(o.target);
  }
  if (o.signal?.aborted) throw new ToolError("grep was aborted");
  return { matches: matches.slice(0, o.maxResults), truncated: matches.length > o.maxResults };
}

const inputSchema = z.object({
  pattern: z.string().min(1).describe('Regular expression to search for, e.g. "function\\s+\\w+" or "TODO".'),
  path: z.string().optional().describe("File or directory to search: relative to the workspace root, or absolute (default: the root)."),
  glob: z
    .string()
    .optional()
    .describe(
      'Only search files matching this glob: without a "/" it matches file names anywhere ("*.ts"), with one it matches paths relative to the workspace root ("src/**/*.{js,jsx}").',
    ),
  ignore_case: z.boolean().optional().describe("Case-insensitive search (default false)."),
  max_results: z.number().int().min(1).max(2000).optional().describe(`Stop after this many matching lines (default ${GREP_DEFAULT_MAX_RESULTS}).`),
});

export const grepTool = defineTool({
  name: "grep",
  description: [
    "Search file contents with a regular expression (ripgrep/Rust syntax when available: no lookaround or backreferences).",
    "Returns matching lines as {file, line, text}, file relative to the workspace root, sorted by path.",
    ".git, node_modules, binary files and files over 2 MB are skipped (and .gitignored files when ripgrep is available).",
    "Use glob to filter files by name.",
  ].join(" "),
  inputSchema,
  mutates: false,
  async execute(input, ctx) {
    const { runtime } = ctx;
    const r = await resolveWorkspacePath(runtime, input.path ?? ".");
    if (!(await runtime.stat(r.realPath))) throw new ToolError(`path not found: ${displayPath(runtime, r.path)}`);
    const options: GrepOptions = {
      pattern: input.pattern,
      target: r.path,
      glob: input.glob,
      ignoreCase: input.ignore_case,
      maxResults: input.max_results ?? GREP_DEFAULT_MAX_RESULTS,
      signal: ctx.signal,
    };
    const result = (await hasRipgrep(runtime)) ? await grepRipgrep(runtime, options) : await grepFallback(runtime, options);
    return result.truncated ? { ...result, note: `stopped after ${options.maxResults} matches; narrow the pattern, path or glob` } : result;
  },
});
