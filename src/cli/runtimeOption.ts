import { ConfigError } from "../config/errors.js";
import type { RuntimeChoice } from "../workspace/service.js";

/** `local`, `worktree` or `ssh <host>` (also `ssh:<host>`). */
export function parseRuntimeOption(value: string): RuntimeChoice {
  const v = value.trim();
  if (v === "local" || v === "worktree") return { type: v };
  const ssh = /^ssh(?:\s+|:)(\S+)$/.exec(v);
  if (ssh) return { type: "ssh", host: ssh[1] };
  throw new ConfigError(`unknown runtime "${value}": use local, worktree or "ssh <host>"`);
}
