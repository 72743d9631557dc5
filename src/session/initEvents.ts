import * as fs from "node:fs";
import * as path from "node:path";
import type { AgentEvent } from "../agent/events.js";
import { INIT_HOOK, readInitStatus } from "../workspace/initHook.js";

/** Init hook output kept for snapshots (the full log stays in init.log). */
const INIT_OUTPUT_CHARS = 256 * 1024;

/**
 * A workspace's init hook as chat events, for snapshots: the events of a hook run by this
 * process (its output capped, oldest dropped), else rebuilt from what the hook left on disk.
 */
export class InitEvents {
  private events: AgentEvent[] = [];
  private chars = 0;

  constructor(
    private readonly workspaceId: string,
    private readonly stateDir: string,
  ) {}

  reset(): void {
    this.events = [];
    this.chars = 0;
  }

  add(e: AgentEvent): void {
    this.events.push(e);
    if (e.type !== "init-output") return;
    this.chars += e.text.length;
    while (this.chars > INIT_OUTPUT_CHARS) {
      const i = this.events.findIndex((x) => x.type === "init-output");
      if (i < 0) break;
      this.chars -= (this.events[i] as { text: string }).text.length;
      this.events.splice(i, 1);
    }
  }

  replay(): AgentEvent[] {
    if (this.events.length) return [...this.events];
    const status = readInitStatus(this.stateDir);
    if (status.state === "none") return [];
    let text = "";
    try {
      text = fs.readFileSync(path.join(this.stateDir, "init.log"), "utf8").slice(-INIT_OUTPUT_CHARS);
    } catch {
      // no output kept
    }
    const workspaceId = this.workspaceId;
    const events: AgentEvent[] = [{ type: "init-start", workspaceId, hook: INIT_HOOK }];
    if (text) events.push({ type: "init-output", workspaceId, stream: "stdout", text });
    if (status.state !== "running") {
      const durationMs = (status.finishedAt ?? 0) - (status.startedAt ?? status.finishedAt ?? 0);
      events.push({ type: "init-end", workspaceId, exitCode: status.exitCode ?? null, ok: status.state === "succeeded", durationMs });
    }
    return events;
  }
}
