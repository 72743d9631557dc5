import { ConfigError } from "../config/errors.js";
import { CODER_DELETE_ACTIONS, type CoderDeleteAction } from "../runtime/coderStatuses.js";
import type { Workspace } from "../workspace/config.js";
import { parseCoderParameters } from "../workspace/coderParameters.js";
import { coderPart } from "../workspace/schemas.js";
import type { RuntimeChoice } from "../workspace/runtimeChoice.js";

/**
 * `local`, `worktree`, `ssh <host>` (also `ssh:<host>`), `docker [image]` (also `docker:<image>`),
 * `devcontainer [config]`, `coder <template>` (a new Coder workspace), `coder:<workspace>` (an existing one).
 */
export function parseRuntimeOption(value: string): RuntimeChoice {
  const v = value.trim();
  if (v === "local" || v === "worktree") return { type: v };
  const coderNew = /^coder\s+(\S+)$/.exec(v);
  if (coderNew) return { type: "coder", template: coderNew[1] };
  const coderExisting = /^coder:(\S+)$/.exec(v);
  if (coderExisting) return { type: "coder", workspace: coderExisting[1] };
  const ssh = /^ssh(?:\s+|:)(\S+)$/.exec(v);
  if (ssh) return { type: "ssh", host: ssh[1] };
  if (v === "docker") return { type: "docker" };
  if (v === "devcontainer") return { type: "devcontainer" };
  const dev = /^devcontainer(?:\s+|:)(\S+)$/.exec(v);
  if (dev) return { type: "devcontainer", configPath: dev[1] };
  const docker = /^docker(?:\s+|:)(\S+)$/.exec(v);
  if (docker) return { type: "docker", image: docker[1] };
  throw new ConfigError(
    `unknown runtime "${value}": use local, worktree, "ssh <host>", "docker [image]", "devcontainer [config]", "coder <template>" or "coder:<workspace>"`,
  );
}

export interface CoderCreateFlags {
  coderOrg?: string;
  coderPreset?: string;
  coderParam?: string[];
}

/** `--coder-org`, `--coder-preset` and `--coder-param NAME=VALUE` of `workspace create`: only with `--runtime "coder <template>"`. */
export function withCoderFlags(choice: RuntimeChoice, flags: CoderCreateFlags): RuntimeChoice {
  const given = flags.coderOrg !== undefined || flags.coderPreset !== undefined || (flags.coderParam?.length ?? 0) > 0;
  if (!given) return choice;
  if (choice.type !== "coder" || !choice.template) {
    throw new ConfigError('--coder-org, --coder-preset and --coder-param apply to a new Coder workspace: --runtime "coder <template>"');
  }
  const parsed = parseCoderParameters(flags.coderParam ?? []);
  if ("error" in parsed) throw new ConfigError(`--coder-param: ${parsed.error}`);
  const { parameters } = parsed;
  return {
    ...choice,
    ...(flags.coderOrg && { org: flags.coderOrg }),
    ...(flags.coderPreset && { preset: flags.coderPreset }),
    ...(Object.keys(parameters).length > 0 && { parameters }),
  };
}

/** `--coder` of `workspace delete`: required for a workspace in a Coder workspace, refused for any other. */
export function coderDeleteOption(ws: Workspace, value: string | undefined): CoderDeleteAction | undefined {
  const coder = coderPart(ws.runtime);
  if (!coder) {
    if (value !== undefined) throw new ConfigError(`workspace "${ws.name}" is not in a Coder workspace: --coder does not apply`);
    return undefined;
  }
  if (value === undefined) {
    throw new ConfigError(
      `workspace "${ws.name}" is in the Coder workspace "${coder.workspaceName}": say what becomes of it with --coder keep, --coder stop or --coder delete`,
    );
  }
  if (!(CODER_DELETE_ACTIONS as readonly string[]).includes(value)) throw new ConfigError(`--coder takes keep, stop or delete, not "${value}"`);
  return value as CoderDeleteAction;
}
