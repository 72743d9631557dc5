import { posix } from "node:path";
import type { Runtime } from "../runtime/types.js";
import { ToolError } from "./types.js";

export interface ResolveOptions {
  /** Directories outside the root that are also allowed (e.g. the runtime's tempDir for saved output). Computed lazily, only for paths outside the root. */
  allowExtraRoots?: string[] | (() => Promise<string[]>);
}

export interface ResolvedPath {
  /** Absolute, normalised, symlinks kept: what the model and the user see. */
  path: string;
  /** With every symlink resolved: where I/O really lands (writes here keep a symlinked file a symlink). */
  realPath: string;
}

/** `p` relative to the runtime root, or absolute; `..` is normalised away. Paths are POSIX as seen by the runtime. */
export function toAbsolute(runtime: Runtime, p: string): string {
  return posix.isAbsolute(p) ? posix.normalize(p) : posix.join(runtime.root, p);
}

export function isWithin(parent: string, child: string): boolean {
  if (parent === "/") return child.startsWith("/");
  return child === parent || child.startsWith(parent.endsWith("/") ? parent : `${parent}/`);
}

/** Relative to the root when inside it ("." for the root itself), otherwise absolute. */
export function displayPath(runtime: Runtime, abs: string): string {
  if (!isWithin(runtime.root, abs)) return abs;
  return posix.relative(runtime.root, abs) || ".";
}

/** realpath of `abs`, or of its nearest existing ancestor plus the missing tail (for files not yet created). */
async function realpathLenient(runtime: Runtime, abs: string): Promise<string> {
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      const real = await runtime.realpath(cur);
      return missing.length ? posix.join(real, ...missing.reverse()) : real;
    } catch (err) {
      // A dangling symlink could point anywhere once its target is created: refuse it.
      const st = await runtime.lstat(cur).catch(() => null);
      if (st?.isSymbolicLink) {
        throw new ToolError(`path ${cur} is a symlink whose target does not exist; refusing to follow it`);
      }
      const parent = posix.dirname(cur);
      if (parent === cur) throw err;
      missing.push(posix.basename(cur));
      cur = parent;
    }
  }
}

/**
 * Resolves a model-supplied path and refuses it when it lands outside the workspace root (or an
 * allowed extra root) after resolving `..` and symlinks. Root and target are both compared as
 * realpaths because temp dirs are often symlinks themselves (/tmp -> /private/tmp on macOS).
 */
export async function resolveWorkspacePath(runtime: Runtime, p: string, options: ResolveOptions = {}): Promise<ResolvedPath> {
  if (typeof p !== "string" || p.trim() === "") throw new ToolError("path must be a non-empty string");
  if (p.includes("\0")) throw new ToolError("path must not contain NUL bytes");
  const abs = toAbsolute(runtime, p);
  const realPath = await realpathLenient(runtime, abs);
  const realRoot = await runtime.realpath(runtime.root).catch(() => runtime.root);
  if (isWithin(realRoot, realPath)) return { path: abs, realPath };

  const extra = typeof options.allowExtraRoots === "function" ? await options.allowExtraRoots() : (options.allowExtraRoots ?? []);
  for (const dir of extra) {
    const realDir = await runtime.realpath(dir).catch(() => dir);
    if (isWithin(realDir, realPath)) return { path: abs, realPath };
  }
  const via = realPath !== abs ? ` (it resolves to ${realPath})` : "";
  throw new ToolError(`path ${p} is outside the workspace root ${runtime.root}${via}; use a path inside the workspace`);
}

/** Like resolveWorkspacePath but returns only the absolute (symlink-preserving) path. */
export async function resolveInWorkspace(runtime: Runtime, p: string, options: ResolveOptions = {}): Promise<string> {
  return (await resolveWorkspacePath(runtime, p, options)).path;
}
