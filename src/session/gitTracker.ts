import { LocalRuntime } from "../runtime/local.js";
import type { Runtime } from "../runtime/types.js";
import type { Workspace } from "../workspace/config.js";
import type { GitStatus } from "../workspace/gitStatus.js";
import { GitStatusMonitor } from "../workspace/gitStatusMonitor.js";
import { detectTrunk } from "../workspace/projects.js";
import type { WorkspaceService } from "../workspace/service.js";

/**
 * Git status of every workspace for the sidebar: a GitStatusMonitor whose targets follow the
 * registry, refreshed after file-changing tools, on demand and on a timer; each project's remote
 * is fetched now and then (the monitor throttles and backs off), so `behind` stays true.
 */
export class GitTracker {
  readonly monitor = new GitStatusMonitor({ debounceMs: 150 });
  /** Runtime per workspace, reused so the monitor sees an unchanged target as unchanged. */
  private readonly targets = new Map<string, { key: string; runtime: Runtime; base: string }>();
  private readonly trunks = new Map<string, Promise<string | null>>();
  private readonly bases = new Map<string, Promise<string>>();

  constructor(
    private readonly service: WorkspaceService,
    onChange: (id: string) => void,
  ) {
    this.monitor.onChange((id) => onChange(id));
  }

  get(id: string): GitStatus | null {
    return this.monitor.get(id) ?? null;
  }

  /** The project's trunk, asked once (null when git cannot tell). */
  trunk(projectPath: string): Promise<string | null> {
    let t = this.trunks.get(projectPath);
    if (!t) {
      t = detectTrunk(projectPath).catch(() => null);
      this.trunks.set(projectPath, t);
    }
    return t;
  }

  /** Makes the monitor's targets match the registry. */
  async sync(workspaces: Workspace[]): Promise<void> {
    const ids = new Set(workspaces.map((w) => w.id));
    for (const id of [...this.targets.keys()]) {
      if (!ids.has(id)) this.remove(id);
    }
    await Promise.all(workspaces.map((w) => this.set(w)));
  }

  /** The base as the workspace's repository names it (an SSH host's copy), asked once per project. */
  private statusBase(ws: Workspace, trunk: string): Promise<string> {
    const key = `${ws.runtime.type}\0${ws.projectPath}\0${trunk}`;
    let b = this.bases.get(key);
    if (!b) {
      b = this.service.statusBase(ws, trunk).catch(() => {
        this.bases.delete(key); // asked again next time
        return trunk;
      });
      this.bases.set(key, b);
    }
    return b;
  }

  async set(ws: Workspace): Promise<void> {
    const trunk = ws.base ?? (await this.trunk(ws.projectPath));
    if (!trunk) return;
    const base = await this.statusBase(ws, trunk);
    const key = JSON.stringify([ws.runtime, base]);
    const known = this.targets.get(ws.id);
    if (known?.key === key) return;
    let runtime: Runtime;
    try {
      await this.service.prepare(ws, { wake: false });
      runtime = this.service.runtime(ws);
    } catch {
      return; // e.g. SSH support missing: no status
    }
    this.targets.set(ws.id, { key, runtime, base });
    this.monitor.setTarget({ id: ws.id, runtime, base });
  }

  remove(id: string): void {
    this.targets.delete(id);
    this.monitor.removeTarget(id);
  }

  refresh(ids?: string[]): Promise<Map<string, GitStatus>> {
    return this.monitor.refresh(ids);
  }

  /**
   * The periodic pass: every status (of Docker workspaces only those in `containers` when given:
   * each costs a command in the container, and their files change mostly through Mux's own tools
   * and terminals, which refresh them), and each project's remote when its throttle allows.
   */
  async tick(workspaces: Workspace[], opts: { containers?: ReadonlySet<string> } = {}): Promise<void> {
    await this.sync(workspaces);
    const byProject = new Map<string, string[]>();
    for (const w of workspaces) {
      if (!this.targets.has(w.id)) continue;
      byProject.set(w.projectPath, [...(byProject.get(w.projectPath) ?? []), w.id]);
    }
    for (const [projectPath, ids] of byProject) {
      void this.monitor.fetchRemote(new LocalRuntime(projectPath), { key: projectPath, refresh: ids }).catch(() => {});
    }
    const containers = opts.containers;
    await this.monitor.refresh(
      containers && workspaces.filter((w) => this.targets.has(w.id) && (w.runtime.type !== "docker" || containers.has(w.id))).map((w) => w.id),
      { background: true },
    );
  }

  dispose(): void {
    this.monitor.dispose();
  }
}
