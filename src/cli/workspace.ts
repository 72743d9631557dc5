import type { Command } from "commander";
import { type GitStatus, gitStatusAll } from "../workspace/gitStatus.js";
import { runInitHook } from "../workspace/initHook.js";
import { resolveProjectPath } from "../workspace/projects.js";
import type { Workspace } from "../workspace/config.js";
import { cliAction } from "./action.js";
import { noteName } from "./nameNote.js";
import { colors, err, out } from "./output.js";
import { type CoderCreateFlags, coderDeleteOption, parseRuntimeOption, withCoderFlags } from "./runtimeOption.js";
import { createWorkspaceService } from "../app/services.js";
import { registerDiffCommand } from "./workspaceDiff.js";

export interface ProjectOpt {
  project?: string;
  json?: boolean;
}

/** The project a command is about: --project, else the repository around the current directory. */
export async function projectOf(opts: ProjectOpt, required = true): Promise<string | undefined> {
  if (opts.project) return resolveProjectPath(opts.project);
  if (!required) return resolveProjectPath(process.cwd()).catch(() => undefined);
  return resolveProjectPath(process.cwd());
}

function describe(ws: Workspace & { health?: string }): string {
  const c = colors(process.stdout);
  const rt = ws.runtime;
  const where =
    rt.type === "ssh"
      ? `${rt.coder ? `coder:${rt.coder.workspaceName}` : rt.host}:${rt.path}`
      : rt.type === "docker"
        ? `${rt.container}:${rt.path}`
        : rt.type === "local"
          ? ws.projectPath
          : rt.path;
  const problem = rt.type === "unsupported" ? (rt.kind === "multi-project" ? "spans several projects" : `needs the ${rt.kind} runtime`) : ws.health;
  const health = ws.health && ws.health !== "ok" ? ` ${c.red(problem ?? "")}` : "";
  return `${c.bold(ws.name)}\t${ws.id}\t${rt.type === "unsupported" ? rt.kind : rt.type}\t${ws.branch ?? "-"}\t${where}${health}`;
}

/** `↑2 ↓1 •3 +10 -4`: ahead/behind the base, dirty files, lines changed since the merge-base. */
function formatGit(g: GitStatus): string {
  if (g.missing) return "missing";
  return `↑${g.ahead} ↓${g.behind} •${g.dirtyFiles} +${g.linesAdded} -${g.linesRemoved}${g.error ? " (!)" : ""}`;
}

export const PROJECT_OPTION = ["--project <path>", "the project (default: the git repository of the current directory)"] as const;

export function registerWorkspaceCommands(program: Command): Command {
  const workspace = program.command("workspace").description("Manage workspaces (isolated copies of a project)");
  const projectOption = PROJECT_OPTION;

  workspace
    .command("list")
    .description("List workspaces and whether their worktree or branch is missing")
    .option(...projectOption)
    .option("--all", "workspaces of every project")
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (opts: ProjectOpt & { all?: boolean }) => {
        const service = createWorkspaceService();
        const project = opts.all ? undefined : await projectOf(opts, false);
        const list = await service.listWorkspaces(project);
        const healthy = list.filter((w) => w.health === "ok");
        // A host that cannot be reached (asked for its home directory) leaves only its own row without status.
        const targets = await Promise.all(healthy.map((w) => service.statusTarget(w).catch(() => null)));
        const statuses = await gitStatusAll(targets.filter((t) => t !== null));
        const rows = list.map((w) => ({ ...w, git: statuses.get(w.id) ?? null }));
        if (opts.json) out(`${JSON.stringify(rows)}\n`);
        else {
          out(`${["NAME", "ID", "RUNTIME", "BRANCH", "WHERE", "GIT"].join("\t")}\n`);
          for (const ws of rows) out(`${describe(ws)}${ws.git ? `\t${formatGit(ws.git)}` : ""}\n`);
        }
      }),
    );

  workspace
    .command("create [name]")
    .description("Create a workspace (a new branch in its own worktree by default)")
    .option(...projectOption)
    .option(
      "--runtime <runtime>",
      'worktree (default), local, "ssh <host>", "docker [image]", "devcontainer [config]", "coder <template>" (a new Coder workspace) or "coder:<workspace>" (an existing one)',
      "worktree",
    )
    .option("--coder-org <org>", "with a Coder template: the template's organization")
    .option("--coder-preset <preset>", "with a Coder template: one of its presets")
    .option("--coder-param <NAME=VALUE>", "with a Coder template: a template parameter (repeatable)", (v: string, all: string[] = []) => [...all, v])
    .option("--base <branch>", "branch to start from (default: the project's trunk)")
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (name: string | undefined, opts: ProjectOpt & CoderCreateFlags & { runtime: string; base?: string }) => {
        const service = createWorkspaceService();
        const ws = await service.create({
          projectPath: (await projectOf(opts))!,
          name,
          runtime: withCoderFlags(parseRuntimeOption(opts.runtime), opts),
          base: opts.base,
        });
        const hook = await runInitHook(service.runtime(ws), {
          workspaceId: ws.id,
          projectPath: ws.projectPath,
          workspaceName: ws.name,
          stateDir: service.sessionDir(ws.id),
          emit: (e) => {
            if (e.type === "init-output") err(e.text);
          },
        });
        if (hook.state === "failed") err(`${colors().yellow("mux:")} the init hook failed (exit ${hook.exitCode}); the workspace is usable\n`);
        noteName("created", ws, name);
        const requested = name === undefined ? {} : { requestedName: name };
        out(opts.json ? `${JSON.stringify({ ...ws, ...requested, init: hook.state })}\n` : `created ${describe(ws)}\n`);
      }),
    );

  workspace
    .command("fork <source> [name]")
    .description("A new workspace on a new branch from the source's HEAD, with a copy of its chat")
    .option(...projectOption)
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (source: string, name: string | undefined, opts: ProjectOpt) => {
        const service = createWorkspaceService();
        const ws = await service.fork(service.get(source, await projectOf(opts, false)).id, name);
        noteName("forked as", ws, name);
        out(opts.json ? `${JSON.stringify(name === undefined ? ws : { ...ws, requestedName: name })}\n` : `forked ${describe(ws)}\n`);
      }),
    );

  workspace
    .command("rename <workspace> <name>")
    .description("Rename a workspace and its branch")
    .option(...projectOption)
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (ref: string, name: string, opts: ProjectOpt) => {
        const service = createWorkspaceService();
        const ws = await service.rename(service.get(ref, await projectOf(opts, false)).id, name);
        noteName("renamed to", ws, name);
        out(opts.json ? `${JSON.stringify({ ...ws, requestedName: name })}\n` : `renamed ${describe(ws)}\n`);
      }),
    );

  workspace
    .command("recreate <workspace>")
    .description("Re-create the worktree of a workspace whose directory or branch was deleted")
    .option(...projectOption)
    .action(
      cliAction(async (ref: string, opts: ProjectOpt) => {
        const service = createWorkspaceService();
        const ws = await service.recreate(service.get(ref, await projectOf(opts, false)).id);
        out(`recreated ${describe(ws)}\n`);
      }),
    );

  registerDiffCommand(workspace, projectOf);

  workspace
    .command("delete <workspace>")
    .description("Delete a workspace, its worktree and the branch it created")
    .option(...projectOption)
    .option("-f, --force", "delete even with uncommitted changes or unmerged commits")
    .option("--coder <action>", "for a workspace in a Coder workspace: keep, stop or delete that Coder workspace (required there)")
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (ref: string, opts: ProjectOpt & { force?: boolean; coder?: string }) => {
        const service = createWorkspaceService();
        const ws = service.get(ref, await projectOf(opts, false));
        await service.delete(ws.id, { force: opts.force, coder: coderDeleteOption(ws, opts.coder) });
        out(opts.json ? `${JSON.stringify({ deleted: ws.id })}\n` : `deleted ${ws.name}\n`);
      }),
    );

  return workspace;
}
