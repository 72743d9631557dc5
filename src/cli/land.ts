import type { Command } from "commander";
import { ConfigError } from "../config/errors.js";
import { GitError } from "../workspace/git.js";
import type { MergeMode, MergeResult } from "../land/schemas.js";
import { cliAction } from "./action.js";
import { colors, err, out } from "./output.js";
import { createLandService } from "../app/services.js";
import { PROJECT_OPTION, type ProjectOpt, projectOf } from "./workspace.js";

/** An expected refusal's message; anything else is a bug and is thrown on. */
function refusal(e: unknown): string {
  if (e instanceof ConfigError || e instanceof GitError) return e.message;
  throw e;
}

const short = (sha: string) => sha.slice(0, 10);

/** One line per outcome of a merge; refusals say what to do about them. */
function describeMerge(name: string, r: MergeResult): string {
  switch (r.status) {
    case "merged":
      return `merged ${name} into ${r.trunk} (${r.mode}, ${r.commits} commit${r.commits === 1 ? "" : "s"}): ${short(r.previous)}..${short(r.commit)}${r.checkout ? `\nupdated the checkout at ${r.checkout}` : ""}\n`;
    case "up-to-date":
      return `nothing to merge: ${r.trunk} already has everything committed on ${name}\n`;
    case "conflict":
      return `merging ${name} into ${r.trunk} (${r.mode}) conflicts in ${r.files.join(", ")}; nothing was changed.\nAsk the agent to rebase onto ${r.rebaseOnto} and resolve them, then merge again.\n`;
    case "dirty-trunk":
      return `${r.trunk} is checked out in ${r.checkout}, where the merge would overwrite ${r.files.join(", ")}; nothing was changed.\nCommit or move those there, then merge again.\n`;
  }
}

export function registerLandCommands(workspace: Command): void {
  workspace
    .command("commit <workspace>")
    .description("Commit every change in a workspace (new files too) with your message")
    .requiredOption("-m, --message <message>", "the commit message")
    .option(...PROJECT_OPTION)
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (ref: string, opts: ProjectOpt & { message: string }) => {
        const land = createLandService();
        const ws = land.workspaces.get(ref, await projectOf(opts, false));
        const r = await land.commit(ws.id, opts.message);
        if (opts.json) out(`${JSON.stringify(r)}\n`);
        else
          out(
            r.status === "clean"
              ? `nothing to commit in ${ws.name}\n`
              : `committed ${short(r.commit)} in ${ws.name} (${r.files} file${r.files === 1 ? "" : "s"})\n`,
          );
      }),
    );

  workspace
    .command("merge <workspace>")
    .description("Merge a workspace's branch into the trunk, without touching any checkout that has changes")
    .option("--squash", "one commit with all the changes (default)")
    .option("--merge", "a merge commit")
    .option("--rebase", "the branch's commits, replayed on the trunk")
    .option("--message <message>", "the squash or merge commit's message")
    .option("--into <branch>", "the branch to merge into (default: the workspace's base)")
    .option("--delete", "delete the workspace once merged")
    .option(...PROJECT_OPTION)
    .option("--json", "machine-readable output")
    .action(
      cliAction(
        async (ref: string, opts: ProjectOpt & { squash?: boolean; merge?: boolean; rebase?: boolean; message?: string; into?: string; delete?: boolean }) => {
          const modes = (["squash", "merge", "rebase"] as const).filter((m) => opts[m]);
          if (modes.length > 1) {
            err(`${colors().red("mux:")} choose one of --squash, --merge, --rebase\n`);
            return 1;
          }
          const mode: MergeMode = modes[0] ?? "squash";
          if (mode === "rebase" && opts.message !== undefined) {
            err(`${colors().red("mux:")} --message is for --squash and --merge (a rebase keeps each commit's message)\n`);
            return 1;
          }
          const land = createLandService();
          const ws = land.workspaces.get(ref, await projectOf(opts, false));
          const r = await land.merge(ws.id, { mode, message: opts.message, into: opts.into });
          const refused = r.status === "conflict" || r.status === "dirty-trunk";
          // The safe delete still checks: a workspace with uncommitted changes is kept.
          const deleteError = opts.delete && !refused ? await land.workspaces.delete(ws.id).then(() => null, refusal) : null;
          const deleted = Boolean(opts.delete) && !refused && deleteError === null;
          if (opts.json) out(`${JSON.stringify({ ...r, deleted, ...(deleteError ? { deleteError } : {}) })}\n`);
          else if (refused) err(`${colors().red("mux:")} ${describeMerge(ws.name, r)}`);
          else out(describeMerge(ws.name, r) + (deleted ? `deleted ${ws.name}\n` : ""));
          if ("uncommitted" in r && r.uncommitted.length) {
            err(
              `${colors().yellow("mux:")} not merged: ${r.uncommitted.length} uncommitted change(s) in ${ws.name} (${r.uncommitted.slice(0, 5).join(", ")}); commit them first\n`,
            );
          }
          if (deleteError) err(`${colors().red("mux:")} not deleted: ${deleteError}\n`);
          return refused || deleteError ? 1 : 0;
        },
      ),
    );

  workspace
    .command("push <workspace>")
    .description("Push a workspace's branch to the project's remote (your git credentials), and open a pull request")
    .option("--pr", "open a pull request with gh (or print where to open one)")
    .option("--remote <name>", "the remote (default: origin, or the only one)")
    .option("--title <title>", "the pull request's title (default: from the commits)")
    .option("--body <body>", "the pull request's description")
    .option(...PROJECT_OPTION)
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (ref: string, opts: ProjectOpt & { pr?: boolean; remote?: string; title?: string; body?: string }) => {
        const land = createLandService();
        const ws = land.workspaces.get(ref, await projectOf(opts, false));
        const r = await land.push(ws.id, { pr: opts.pr, remote: opts.remote, title: opts.title, body: opts.body });
        if (opts.json) return out(`${JSON.stringify(r)}\n`);
        out(`pushed ${r.branch} to ${r.remote}\n`);
        if (r.pr) out(`pull request #${r.pr.number} (${r.pr.draft ? "draft" : r.pr.state}): ${r.pr.url}\n`);
        else if (r.compareUrl) out(`open a pull request: ${r.compareUrl}\n`);
        if (r.prNote) err(`${colors().yellow("mux:")} no pull request opened: ${r.prNote}\n`);
      }),
    );
}
