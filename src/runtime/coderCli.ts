import { ConfigError } from "../config/errors.js";
import { shq } from "../tools/shellQuote.js";
import { CODER_STATUSES, type CoderStatus } from "./coderStatuses.js";
import { type DockerResult, runCaptured } from "./dockerCli.js";

export { CODER_STATUSES, type CoderStatus };

export interface CoderWorkspaceInfo {
  name: string;
  template: string;
  status: CoderStatus;
}

/** Coder's rule for workspace names: letters, digits and single hyphens between them. */
const CODER_NAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

/** The Coder workspace a new Mux workspace gets, as the original Mux names it (`mux-<name>`, made valid for Coder). */
export function coderNameFor(muxName: string): string {
  const name = `mux-${muxName}`
    .replace(/[^a-zA-Z0-9-]/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
  if (!CODER_NAME.test(name)) throw new ConfigError(`"${muxName}" cannot be made into a Coder workspace name (letters, digits and hyphens)`);
  return name;
}

export function isCoderName(name: string): boolean {
  return CODER_NAME.test(name) && name.length <= 32;
}

/** The ssh host name Mux uses for a Coder workspace (the original Mux's `<workspace>.coder`). */
export function coderHost(workspaceName: string): string {
  return `${workspaceName}.coder`;
}

/** The coder executable (MUX_CODER names another, e.g. an absolute path). */
export function coderBin(env: NodeJS.ProcessEnv = process.env): string {
  return env.MUX_CODER || "coder";
}

/**
 * ssh options that reach a Coder workspace through `coder ssh --stdio` (its own authenticated
 * tunnel, so host keys are not checked, as `coder config-ssh` writes them). Autostart is off:
 * Mux starts a stopped workspace itself, only when the user works there (not for a status poll).
 */
export function coderSshOptions(bin: string, workspaceName: string): string[] {
  if (!isCoderName(workspaceName)) throw new ConfigError(`invalid Coder workspace name: ${JSON.stringify(workspaceName)}`);
  const proxy = `${shq(bin).replace(/%/g, "%%")} ssh --stdio --disable-autostart ${workspaceName}`;
  return ["-o", `ProxyCommand=${proxy}`, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"];
}

/** One `coder` CLI invocation; never rejects (a missing binary is code null). */
export class CoderCli {
  constructor(readonly bin = coderBin()) {}

  run(args: string[], timeoutMs = 60_000): Promise<DockerResult> {
    return runCaptured(this.bin, args, { timeoutMs });
  }

  /** Throws a ConfigError saying what to do when the CLI is missing or not signed in. */
  async requireSignedIn(): Promise<void> {
    const r = await this.run(["whoami"], 30_000);
    if (r.code === 0) return;
    throw new ConfigError(explainCoderError(r, "coder whoami"));
  }

  /** The user's Coder workspaces (`coder list -o json`). */
  async list(): Promise<CoderWorkspaceInfo[]> {
    const r = await this.run(["list", "-o", "json"], 30_000);
    if (r.code !== 0) throw new ConfigError(explainCoderError(r, "coder list"));
    return parseCoderList(r.stdout);
  }

  /** Runs `coder <args>` and throws its explained error on failure. */
  async must(args: string[], timeoutMs: number): Promise<void> {
    const r = await this.run(args, timeoutMs);
    if (r.code !== 0) throw new ConfigError(explainCoderError(r, `coder ${args[0]} ${args[1] === "--template" ? args[3] : args[1]}`));
  }
}

/** `coder list -o json` output as Mux uses it; workspaces with a status Mux does not know are left out. */
export function parseCoderList(stdout: string): CoderWorkspaceInfo[] {
  if (!stdout.trim()) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new ConfigError("coder list -o json did not print JSON (is the coder CLI too old?)");
  }
  if (!Array.isArray(raw)) return [];
  const out: CoderWorkspaceInfo[] = [];
  for (const w of raw as { name?: unknown; template_name?: unknown; latest_build?: { status?: unknown } }[]) {
    const status = w?.latest_build?.status;
    if (typeof w?.name !== "string" || !CODER_STATUSES.includes(status as CoderStatus)) continue;
    out.push({ name: w.name, template: typeof w.template_name === "string" ? w.template_name : "", status: status as CoderStatus });
  }
  return out;
}

/** The CLI's own message, with what to do about the usual causes (not installed, not signed in). */
export function explainCoderError(r: DockerResult, what: string): string {
  if (r.code === null && /ENOENT/.test(r.stderr))
    return "the coder command is not installed (or not on PATH): install the Coder CLI and run `coder login <your deployment URL>`";
  const lines = r.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const text = lines.join(" ");
  if (/not logged in|coder login|session token|unauthorized|401/i.test(text))
    return `you are not signed in to Coder: run \`coder login <your deployment URL>\` (${what}: ${lines.at(-1) ?? "failed"})`;
  const msg = [...lines].reverse().find((l) => /^error:/i.test(l)) ?? lines.at(-1) ?? `exit ${r.code ?? "killed"}`;
  return `${what} failed: ${msg.replace(/^error:\s*/i, "")}`;
}
