import type { Command } from "commander";
import { parseBaseOption, resolveReviewBase } from "../review/base.js";
import { workspaceDiff } from "../review/gitDiff.js";
import { cliAction } from "./action.js";
import { colors, out } from "./output.js";
import { createWorkspaceService } from "../app/services.js";

interface DiffOpts {
  project?: string;
  base?: string;
  stat?: boolean;
  nameOnly?: boolean;
  json?: boolean;
  untracked: boolean;
}

/** `mux workspace diff`: what the review pane shows, as a patch, a stat, names or JSON. */
export function registerDiffCommand(workspace: Command, projectOf: (opts: { project?: string }, required: boolean) => Promise<string | undefined>) {
  workspace
    .command("diff <workspace>")
    .description("Show a workspace's changes against its base: committed, uncommitted and untracked")
    .option("--project <path>", "the project (default: the git repository of the current directory)")
    .option("--base <ref>", "compare with the merge-base with this branch (HEAD: uncommitted changes only; default: the trunk)")
    .option("--stat", "files with lines added and removed")
    .option("--name-only", "only the names of changed files")
    .option("--no-untracked", "leave out untracked files")
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (ref: string, opts: DiffOpts) => {
        const service = createWorkspaceService();
        const ws = service.get(ref, await projectOf(opts, false));
        await service.prepare(ws);
        const runtime = service.runtime(ws);
        const { base, label } = await resolveReviewBase(service, ws, parseBaseOption(opts.base));
        const diff = await workspaceDiff(runtime, base, { untracked: opts.untracked });
        // Review marks belong to the web app's review; the CLI shows the changes only.
        const files = diff.files.map(({ file: { reviewed: _, ...file } }) => file);
        if (opts.json) {
          const withHunks = opts.stat || opts.nameOnly ? files : files.map((f, i) => ({ ...f, hunks: diff.files[i].hunks }));
          out(`${JSON.stringify({ workspace: ws.name, base: { label, sha: diff.baseSha }, files: withHunks })}\n`);
        } else if (opts.nameOnly) {
          for (const f of files) out(`${f.path}\n`);
        } else if (opts.stat) {
          const c = colors(process.stdout);
          const width = Math.max(0, ...files.map((f) => displayName(f).length));
          for (const f of files) {
            const counts = f.binary ? "binary" : `${c.green(`+${f.added}`)} ${c.red(`-${f.removed}`)}`;
            out(`${displayName(f).padEnd(width)} | ${counts}${f.untracked ? c.dim(" (untracked)") : ""}\n`);
          }
          const added = files.reduce((n, f) => n + f.added, 0);
          const removed = files.reduce((n, f) => n + f.removed, 0);
          out(`${files.length} file${files.length === 1 ? "" : "s"} changed, +${added} -${removed} (${label}, ${diff.baseSha.slice(0, 10)})\n`);
        } else out(diff.patch);
      }),
    );
}

const displayName = (f: { path: string; oldPath?: string }) => (f.oldPath !== undefined ? `${f.oldPath} => ${f.path}` : f.path);
