import { ConfigError } from "../config/errors.js";
import { CoderCli, type CoderStatus, type CoderWorkspaceInfo, coderHost, coderNameFor, coderSshOptions, isCoderName } from "../runtime/coderCli.js";
import type { CoderDeleteAction } from "../runtime/coderStatuses.js";
import type { SshRuntime } from "../runtime/ssh.js";
import type { Project, Workspace } from "./config.js";
import { type CoderWorkspaceConfig, coderPart } from "./schemas.js";
import type { PrepareOptions, RemoveOptions } from "./remoteWorkspaces.js";
import type { RuntimeChoice } from "./runtimeChoice.js";
import type { RemoteWorkspaces } from "./remoteWorkspaces.js";
import type { SshWorkspaces } from "./sshWorkspaces.js";

export type { CoderDeleteAction };

/** The sidebar's statuses are at most this old (one `coder list` per period, only while Coder workspaces exist). */
export const CODER_POLL_MS = 30_000;
/** How long a started workspace may take to reach "running" (a template's build). */
const START_TIMEOUT_MS = 15 * 60_000;
const CREATE_TIMEOUT_MS = 60 * 60_000;

/** The status of a Coder workspace as last seen; "missing": `coder list` does not show it. */
export type CoderSeen = CoderStatus | "missing";

/**
 * Coder workspaces: an SSH workspace (git bundle, remote worktree, shared connection: all of
 * SshWorkspaces) whose host is a Coder workspace, created from a template or attached to, reached
 * with `coder ssh --stdio` as ssh's ProxyCommand, and started with `coder start` when it is stopped.
 */
export class CoderWorkspaces implements RemoteWorkspaces {
  private seen = new Map<string, CoderSeen>();
  private listedAt = 0;
  private listing: Promise<CoderWorkspaceInfo[]> | undefined;
  private readonly listeners = new Set<(name: string) => void>();

  constructor(
    private readonly ssh: SshWorkspaces,
    readonly cli = new CoderCli(),
    /** How old the sidebar's statuses may get (MUX_CODER_POLL_MS; 30 s by default). */
    private readonly pollMs = CODER_POLL_MS,
  ) {}

  /** The workspace, with its host routed through `coder ssh` (the ssh layer is told once). */
  private routed(ws: Workspace): Workspace {
    const c = coderOf(ws);
    if (ws.runtime.type === "ssh") this.ssh.route(ws.runtime.host, coderSshOptions(this.cli.bin, c.workspaceName));
    return ws;
  }

  /** `coder list -o json`, once at a time; remembers every status for the sidebar. */
  list(): Promise<CoderWorkspaceInfo[]> {
    this.listing ??= this.cli
      .list()
      .then((all) => {
        const before = this.listedAt ? this.seen : undefined;
        this.seen = new Map(all.map((w) => [w.name, w.status]));
        this.listedAt = Date.now();
        for (const name of new Set([...(before?.keys() ?? []), ...this.seen.keys()])) {
          if (before?.get(name) !== this.seen.get(name)) this.notify(name);
        }
        return all;
      })
      .finally(() => (this.listing = undefined));
    return this.listing;
  }

  /** Calls `fn` with the name of every Coder workspace whose status changed. */
  onStatus(fn: (name: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(name: string): void {
    for (const fn of this.listeners) fn(name);
  }

  private setSeen(name: string, status: CoderSeen): void {
    if (this.seen.get(name) === status) return;
    this.seen.set(name, status);
    this.notify(name);
  }

  /** The last status `coder list` gave for the Coder workspace `ws` is in (null: not in one, or not listed yet). */
  statusOf(ws: Workspace): CoderSeen | null {
    const c = coderPart(ws.runtime);
    return c ? (this.status(c.workspaceName) ?? null) : null;
  }

  /** The last status seen of a Coder workspace (undefined until `coder list` was asked). */
  status(name: string): CoderSeen | undefined {
    if (!this.listedAt) return undefined;
    return this.seen.get(name) ?? "missing";
  }

  /**
   * Asks `coder list` again when `workspaces` include Coder ones and the last answer is older than
   * the poll period (changes reach onStatus listeners). A failure keeps the last statuses.
   */
  async poll(workspaces: Workspace[], now = Date.now()): Promise<void> {
    const any = workspaces.some((w) => coderPart(w.runtime));
    if (!any || now - this.listedAt < this.pollMs) return;
    await this.list().catch(() => {
      this.listedAt = now; // asked again next period, not on every tick
    });
  }

  async create(ws: Workspace, project: Project): Promise<void> {
    const c = coderOf(ws);
    await this.cli.requireSignedIn();
    const found = (await this.list()).find((w) => w.name === c.workspaceName);
    let made = false;
    if (c.existingWorkspace) {
      if (!found) throw new ConfigError(`there is no Coder workspace "${c.workspaceName}" (see \`coder list\`)`);
      await this.wake(ws);
    } else {
      if (!c.template) throw new ConfigError("a new Coder workspace needs a template");
      if (found) throw new ConfigError(`a Coder workspace "${c.workspaceName}" exists already: attach to it with --runtime "coder:${c.workspaceName}"`);
      try {
        await this.cli.must(["create", "--template", c.template, c.workspaceName, ...coderCreateOptions(c), "-y"], CREATE_TIMEOUT_MS);
      } catch (err) {
        // A build that failed leaves a workspace behind under the name: it goes, so the name can be used again.
        if ((await this.list().catch(() => [])).some((w) => w.name === c.workspaceName))
          await this.cli.run(["delete", c.workspaceName, "-y"], START_TIMEOUT_MS);
        throw err;
      }
      made = true;
      this.setSeen(c.workspaceName, "running");
    }
    try {
      await this.ssh.create(this.routed(ws), project);
    } catch (err) {
      // A Coder workspace made for nothing costs the user: it goes with the failed creation.
      if (made) await this.cli.run(["delete", c.workspaceName, "-y"], START_TIMEOUT_MS);
      throw err;
    }
  }

  /** Starts the Coder workspace when it is not running (`coder start NAME -y`), then the ssh side. */
  async prepare(ws: Workspace, opts: PrepareOptions = {}): Promise<void> {
    if (opts.wake !== false) await this.wake(ws);
    await this.ssh.prepare(this.routed(ws));
  }

  /** Makes the Coder workspace running: starts it when stopped or failed, waits while it is busy. */
  async wake(ws: Workspace): Promise<void> {
    const name = coderOf(ws).workspaceName;
    const fresh = Date.now() - this.listedAt < CODER_POLL_MS && this.seen.get(name) === "running";
    if (fresh) return;
    for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline; ) {
      const status = (await this.list()).find((w) => w.name === name)?.status ?? "missing";
      if (status === "running") return;
      if (status === "missing" || status === "deleted" || status === "deleting") {
        throw new ConfigError(`the Coder workspace "${name}" of "${ws.name}" is gone (${status}); delete the Mux workspace with --force`);
      }
      if (status === "stopped" || status === "failed" || status === "canceled") {
        this.setSeen(name, "starting");
        try {
          await this.cli.must(["start", name, "-y"], START_TIMEOUT_MS);
        } catch (err) {
          this.setSeen(name, "failed");
          throw err;
        }
        this.setSeen(name, "running");
        this.listedAt = Date.now();
        return;
      }
      // pending, starting, stopping, canceling: a build is under way.
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new ConfigError(`the Coder workspace "${name}" did not become ready in ${START_TIMEOUT_MS / 60_000} minutes`);
  }

  /**
   * Deletes the remote worktree with the SSH workspace's checks (the Coder workspace is started
   * for them), then keeps, stops or deletes the Coder workspace. A Coder workspace that is gone
   * has nothing left to check.
   */
  async remove(ws: Workspace, force: boolean, opts: RemoveOptions = {}): Promise<void> {
    const { workspaceName: name, existingWorkspace } = coderOf(ws);
    const action = opts.coder ?? "keep";
    // Someone else's workspace (attached to, not made here) goes only when the user insists.
    if (existingWorkspace && action === "delete" && !force) {
      throw new ConfigError(`the Coder workspace "${name}" was not made by Mux: delete it with \`coder delete ${name}\`, or use --force`);
    }
    let status: CoderSeen | "unknown";
    try {
      status = (await this.list()).find((w) => w.name === name)?.status ?? "missing";
    } catch (err) {
      // Unable to look is not the same as nothing there: only --force goes on (without looking).
      if (!force || action !== "keep") throw err;
      status = "unknown";
    }
    const gone = status === "missing" || status === "deleted" || status === "deleting";
    if (!gone && status !== "unknown" && !(force && action === "delete")) {
      try {
        await this.wake(ws);
        await this.ssh.remove(this.routed(ws), force);
      } catch (err) {
        if (!force) throw err;
      }
    }
    if (gone || action === "keep") return;
    if (ws.runtime.type === "ssh") await this.ssh.disconnect(ws.runtime.host);
    await this.cli.must([action, name, "-y"], START_TIMEOUT_MS);
    this.setSeen(name, action === "stop" ? "stopped" : "missing");
  }

  head(ws: Workspace): Promise<string> {
    return this.ssh.head(this.routed(ws));
  }
  forkBase(ws: Workspace): Promise<string> {
    return this.ssh.forkBase(this.routed(ws));
  }
  rename(ws: Workspace, name: string): Promise<string> {
    return this.ssh.rename(this.routed(ws), name);
  }
  runtime(ws: Workspace): SshRuntime {
    return this.ssh.runtime(this.routed(ws));
  }
  localRefs(ws: Workspace): string[] {
    return this.ssh.localRefs(ws);
  }
  fetchBranch(ws: Workspace): Promise<string> {
    return this.ssh.fetchBranch(this.routed(ws));
  }
  recordLanded(ws: Workspace, commit: string): Promise<void> {
    return this.ssh.recordLanded(this.routed(ws), commit);
  }
  refreshBase(ws: Workspace): Promise<void> {
    return this.ssh.refreshBase(this.routed(ws));
  }
}

export function coderOf(ws: Workspace): CoderWorkspaceConfig {
  const c = coderPart(ws.runtime);
  if (!c) throw new ConfigError(`workspace "${ws.name}" is not in a Coder workspace`);
  return c;
}

/**
 * The runtime record of a new Mux workspace in a Coder workspace: a new one (`mux-<name>`) from
 * the template, or an existing one. An SSH runtime with a `coder` part, as the original Mux keeps it.
 */
export function coderRuntimeFor(choice: Extract<RuntimeChoice, { type: "coder" }>, name: string, all: Workspace[]): Workspace["runtime"] {
  if (Boolean(choice.template) === Boolean(choice.workspace))
    throw new ConfigError('name either a template (--runtime "coder TEMPLATE") or an existing Coder workspace (--runtime "coder:WORKSPACE")');
  if (choice.workspace !== undefined && !isCoderName(choice.workspace))
    throw new ConfigError(`invalid Coder workspace name: ${JSON.stringify(choice.workspace)}`);
  const workspaceName = choice.workspace ?? coderNameFor(name);
  // Two Mux workspaces made in one Coder workspace would both claim to own it.
  if (choice.template && all.some((w) => coderPart(w.runtime)?.workspaceName === workspaceName)) {
    throw new ConfigError(`a Mux workspace already uses the Coder workspace "${workspaceName}": attach to it with --runtime "coder:${workspaceName}"`);
  }
  if (choice.workspace && (choice.org || choice.preset || choice.parameters))
    throw new ConfigError("an organization, preset or parameters apply to a new Coder workspace (from a template), not to an existing one");
  const coder = choice.template
    ? {
        workspaceName,
        template: choice.template,
        ...(choice.org && { templateOrg: choice.org }),
        ...(choice.preset && { preset: choice.preset }),
        ...(choice.parameters && Object.keys(choice.parameters).length > 0 && { parameters: choice.parameters }),
      }
    : { workspaceName, existingWorkspace: true };
  return { type: "ssh", host: coderHost(workspaceName), path: "", coder };
}

/** Refuses to stop or delete the Coder workspace of `ws` while other Mux workspaces are in it. */
export function refuseSharedCoder(ws: Workspace, all: Workspace[], action: CoderDeleteAction | undefined): void {
  const name = coderPart(ws.runtime)?.workspaceName;
  if (!name || !action || action === "keep") return;
  const others = all.filter((w) => w.id !== ws.id && coderPart(w.runtime)?.workspaceName === name).map((w) => w.name);
  if (others.length) throw new ConfigError(`the Coder workspace "${name}" is used by ${others.join(", ")} too: keep it, or delete those first`);
}

/** `coder create`'s options for the template's organization, preset and parameters. */
function coderCreateOptions(c: CoderWorkspaceConfig): string[] {
  return [
    ...(c.templateOrg ? ["--org", c.templateOrg] : []),
    ...(c.preset ? ["--preset", c.preset] : []),
    ...Object.entries(c.parameters ?? {}).flatMap(([name, value]) => ["--parameter", `${name}=${value}`]),
  ];
}
