import * as fs from "node:fs/promises";
import * as path from "node:path";
import picomatch from "picomatch";
import { gitMaybe } from "./git.js";

/** Patterns from the project's `.muxignore` (gitignore-style lines; `#` comments). */
export async function readMuxIgnore(projectPath: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(path.join(projectPath, ".muxignore"), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.replace(/^\/+/, "").replace(/\/+$/, ""));
}

/**
 * Files git ignores but the project lists in `.muxignore` (e.g. `.env`): a new worktree would
 * lack them, so they are copied over. Returns the relative paths copied.
 */
export async function ignoredFilesToCopy(projectPath: string): Promise<string[]> {
  const patterns = await readMuxIgnore(projectPath);
  if (patterns.length === 0) return [];
  // --directory lists an ignored directory once instead of every file in it.
  const listed = await gitMaybe(projectPath, ["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"]);
  const entries = (listed ?? "")
    .split("\0")
    .filter(Boolean)
    .map((e) => e.replace(/\/$/, ""));
  const matchers = patterns.map((p) => picomatch(p.includes("/") ? p : `**/${p}`, { dot: true }));
  const plain = new Set(patterns);
  return entries.filter((e) => plain.has(e) || matchers.some((m) => m(e)));
}

export async function copyMuxIgnored(projectPath: string, worktreePath: string): Promise<string[]> {
  const files = await ignoredFilesToCopy(projectPath);
  for (const rel of files) {
    const dest = path.join(worktreePath, rel);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.cp(path.join(projectPath, rel), dest, { recursive: true, preserveTimestamps: true, force: false, errorOnExist: false });
  }
  return files;
}
