import type { Command } from "commander";
import { out } from "./output.js";
import { cliAction } from "./action.js";
import { createWorkspaceService } from "../app/services.js";

export function registerProjectCommands(program: Command) {
  const project = program.command("project").description("Manage projects (git repositories)");
  project
    .command("add <path>")
    .description("Add a git repository as a project")
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (p: string, opts: { json?: boolean }) => {
        const added = await createWorkspaceService().addProject(p);
        out(opts.json ? `${JSON.stringify(added)}\n` : `added ${added.path}\n`);
      }),
    );
  project
    .command("list")
    .description("List projects")
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (opts: { json?: boolean }) => {
        const projects = createWorkspaceService().listProjects();
        if (opts.json) out(`${JSON.stringify(projects)}\n`);
        else for (const p of projects) out(`${p.name}\t${p.path}\n`);
      }),
    );
  project
    .command("remove <path>")
    .description("Forget a project (its files are not touched)")
    .action(
      cliAction(async (p: string) => {
        await createWorkspaceService().removeProject(p);
      }),
    );
}
