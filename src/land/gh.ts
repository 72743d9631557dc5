import { execFile } from "node:child_process";
import { z } from "zod";
import type { PullRequest } from "./schemas.js";

/**
 * The GitHub CLI (`gh`), as the user installed and signed it in: Mux holds no GitHub token of its
 * own. Every call is a plain `gh` process in the project directory, which tells gh the repository.
 */

export type GhRun = { kind: "ok"; stdout: string } | { kind: "failed"; stderr: string } | { kind: "missing" };

export function runGh(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<GhRun> {
  return new Promise((resolve) => {
    execFile(
      "gh",
      args,
      { cwd, env: { ...env, GH_PROMPT_DISABLED: "1", NO_COLOR: "1", GH_NO_UPDATE_NOTIFIER: "1" }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (!error) resolve({ kind: "ok", stdout });
        else if ((error as NodeJS.ErrnoException).code === "ENOENT") resolve({ kind: "missing" });
        else resolve({ kind: "failed", stderr: stderr.trim() || error.message });
      },
    );
  });
}

const PR_FIELDS = "number,url,state,isDraft,statusCheckRollup";

/** `gh pr view --json` as gh prints it (check runs and commit statuses mixed in one list). */
const GhPrSchema = z.object({
  number: z.number(),
  url: z.string(),
  state: z.string(),
  isDraft: z.boolean().optional(),
  statusCheckRollup: z.array(z.object({ status: z.string().nullish(), conclusion: z.string().nullish(), state: z.string().nullish() }).loose()).nullish(),
});

function toPullRequest(raw: z.infer<typeof GhPrSchema>): PullRequest {
  const state = raw.state.toUpperCase() === "MERGED" ? "merged" : raw.state.toUpperCase() === "CLOSED" ? "closed" : "open";
  return { number: raw.number, url: raw.url, state, draft: raw.isDraft ?? false, checks: checksOf(raw.statusCheckRollup ?? []) };
}

/** One word for all checks: any failing wins, then any still running; none at all is null. */
function checksOf(rollup: { status?: string | null; conclusion?: string | null; state?: string | null }[]): PullRequest["checks"] {
  if (rollup.length === 0) return null;
  const outcomes = rollup.map((c) => {
    // A commit status has `state`; a check run has `status` and, once completed, `conclusion`.
    const v = (c.state ?? (c.status && c.status.toUpperCase() !== "COMPLETED" ? "PENDING" : c.conclusion) ?? "PENDING").toUpperCase();
    if (["FAILURE", "ERROR", "CANCELLED", "TIMED_OUT", "ACTION_REQUIRED", "STARTUP_FAILURE"].includes(v)) return "failing";
    if (["SUCCESS", "NEUTRAL", "SKIPPED"].includes(v)) return "passing";
    return "pending";
  });
  return outcomes.includes("failing") ? "failing" : outcomes.includes("pending") ? "pending" : "passing";
}

export type PrLookup = { kind: "found"; pr: PullRequest } | { kind: "none" } | { kind: "unavailable"; why: string };

/** The pull request whose head is `branch` (gh picks the newest), if gh can tell. */
export async function viewPr(cwd: string, branch: string, env: NodeJS.ProcessEnv): Promise<PrLookup> {
  const r = await runGh(cwd, ["pr", "view", branch, "--json", PR_FIELDS], env);
  if (r.kind === "missing") return { kind: "unavailable", why: "gh is not installed" };
  if (r.kind === "failed") return /no (pull requests|open pull requests) found/i.test(r.stderr) ? { kind: "none" } : { kind: "unavailable", why: r.stderr };
  const parsed = GhPrSchema.safeParse(safeJson(r.stdout));
  return parsed.success ? { kind: "found", pr: toPullRequest(parsed.data) } : { kind: "unavailable", why: "gh printed something other than a pull request" };
}

/**
 * Opens a pull request of `branch` into `base` with gh (or finds the one already open), filling the
 * title and body from the commits unless given.
 */
export async function createPr(
  cwd: string,
  opts: { branch: string; base?: string; title?: string; body?: string },
  env: NodeJS.ProcessEnv,
): Promise<{ pr: PullRequest } | { why: string }> {
  const existing = await viewPr(cwd, opts.branch, env);
  if (existing.kind === "found" && existing.pr.state === "open") return { pr: existing.pr };
  if (existing.kind === "unavailable" && /not installed/.test(existing.why)) return { why: existing.why };
  const auth = await runGh(cwd, ["auth", "status"], env);
  if (auth.kind !== "ok") return { why: auth.kind === "missing" ? "gh is not installed" : "gh is not signed in (run `gh auth login`)" };
  const text = opts.title ? ["--title", opts.title, "--body", opts.body ?? ""] : ["--fill"];
  const created = await runGh(cwd, ["pr", "create", "--head", opts.branch, ...(opts.base ? ["--base", opts.base] : []), ...text], env);
  if (created.kind !== "ok") return { why: created.kind === "missing" ? "gh is not installed" : `gh pr create failed: ${created.stderr}` };
  const url = created.stdout.trim().split("\n").pop() ?? "";
  const view = await viewPr(cwd, url || opts.branch, env);
  return view.kind === "found" ? { pr: view.pr } : { why: `the pull request was opened (${url}), but gh could not show it` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
