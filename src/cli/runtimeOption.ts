import { ConfigError } from "../config/errors.js";
import type { RuntimeChoice } from "../workspace/service.js";

/** `local`, `worktree`, `ssh <host>` (also `ssh:<host>`), `docker [image]` (also `docker:<image>`), `devcontainer [config]`. */
export function parseRuntimeOption(value: string): RuntimeChoice {
  const v = value.trim();
  if (v === "local" || v === "worktree") return { type: v };
  const ssh = /^ssh(?:\s+|:)(\S+)$/.exec(v);
  if (ssh) return { type: "ssh", host: ssh[1] };
  if (v === "docker") return { type: "docker" };
  if (v === "devcontainer") return { type: "devcontainer" };
  const dev = /^devcontainer(?:\s+|:)(\S+)$/.exec(v);
  if (dev) return { type: "devcontainer", configPath: dev[1] };
  const docker = /^docker(?:\s+|:)(\S+)$/.exec(v);
  if (docker) return { type: "docker", image: docker[1] };
  throw new ConfigError(`unknown runtime "${value}": use local, worktree, "ssh <host>", "docker [image]" or "devcontainer [config]"`);
}
