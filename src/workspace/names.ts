import { ConfigError } from "../config/errors.js";
import { GitError, git } from "./git.js";

/** Longest workspace name, in characters (it is a branch and a directory name too). */
export const MAX_NAME_LENGTH = 64;
/** Bytes, for the directory: 255 is the usual limit per path component. */
const MAX_NAME_BYTES = 200;

/**
 * What a typed workspace name becomes: whitespace, slashes and other characters that are not
 * letters, digits, ".", "_" or "-" turn into one "-" (or vanish at either end). Creating and
 * finding a workspace both go through this, so `"my ws"` finds the workspace it made, `my-ws`.
 */
export function normalizeName(input: string): string {
  return input
    .normalize("NFC")
    .trim()
    .replace(/-*[^\p{L}\p{N}._-][^\p{L}\p{N}._]*/gu, (run: string, offset: number, whole: string) =>
      offset === 0 || offset + run.length === whole.length ? "" : "-",
    );
}

/**
 * The workspace name for `input` (normalizeName), refused with the reason when it cannot be one:
 * empty, too long, or not a branch name git accepts (asked of git itself, in `cwd`).
 */
export async function workspaceName(input: string, cwd: string): Promise<string> {
  const name = normalizeName(input);
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 77)}...` : input);
  if (!name) throw new ConfigError(`${shown} cannot be a workspace name: use letters, digits, ".", "_" or "-"`);
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new ConfigError(`${shown} is too long for a workspace name (${length} characters; at most ${MAX_NAME_LENGTH})`);
  }
  if (!(await gitAcceptsBranch(name, cwd))) {
    const why = branchNameProblem(name);
    const it = name === input ? "it" : `"${name}"`;
    throw new ConfigError(`${shown} cannot be a workspace name: git does not accept ${it} as a branch name${why ? ` (${why})` : ""}`);
  }
  return name;
}

async function gitAcceptsBranch(name: string, cwd: string): Promise<boolean> {
  try {
    await git(cwd, ["check-ref-format", "--branch", name]);
    return true;
  } catch (err) {
    if (err instanceof GitError && /not a valid branch name/.test(err.stderr)) return false;
    throw err;
  }
}

/** The rule of git's a name breaks, in words, for the common cases. */
function branchNameProblem(name: string): string {
  if (name.startsWith("-")) return 'it starts with "-" and would read as an option';
  if (name.startsWith(".")) return 'it starts with "."';
  if (name.includes("..")) return 'it contains ".."';
  if (name.endsWith(".lock")) return 'it ends with ".lock"';
  if (name.endsWith(".")) return 'it ends with "."';
  if (name === "HEAD") return '"HEAD" is reserved';
  return "";
}

/** A name shortened to leave room for `suffix` within MAX_NAME_LENGTH (e.g. a fork's "-fork"). */
export function withSuffix(name: string, suffix: string): string {
  return [...name].slice(0, MAX_NAME_LENGTH - suffix.length).join("") + suffix;
}

const ADJECTIVES = ["amber", "brisk", "calm", "deft", "eager", "fleet", "glad", "keen", "lucid", "nimble", "quiet", "swift", "tidy", "vivid", "witty"];
const NOUNS = ["otter", "falcon", "maple", "comet", "harbor", "lynx", "pine", "river", "summit", "wren", "cedar", "delta", "ember", "fjord", "quartz"];

/** A short, memorable name not yet used in the project. */
export function suggestName(taken: Set<string>, random: () => number = Math.random): string {
  for (let i = 0; i < 50; i++) {
    const name = `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]}-${NOUNS[Math.floor(random() * NOUNS.length)]}`;
    if (!taken.has(name)) return name;
  }
  for (let n = 2; ; n++) if (!taken.has(`workspace-${n}`)) return `workspace-${n}`;
}
