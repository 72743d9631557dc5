import type { ActivityState, WorkspaceSummary } from "../state/types";
import type { PartialCost } from "../../../src/api/partialCost";
import { costTitle, formatCost, gitCompact, runtimeLabel, type GitView } from "./format";
import { useHeartbeat } from "./heartbeat";

const STATE_LABEL: Record<ActivityState, string> = {
  idle: "Idle",
  starting: "Starting",
  streaming: "Working",
  error: "Error",
  "needs-input": "Needs input",
};

const STATE_CLASS: Record<ActivityState, string> = {
  idle: "bg-muted/50",
  starting: "bg-accent/60 mux-streaming",
  streaming: "bg-accent mux-streaming",
  error: "bg-err",
  "needs-input": "bg-warn",
};

/** The activity dot; the state is also in `data-state` for tests and in the accessible name. */
export function StatusDot({ state, error }: { state: ActivityState; error?: string }) {
  useHeartbeat(state === "starting" || state === "streaming");
  const label = error ? `${STATE_LABEL[state]}: ${error}` : STATE_LABEL[state];
  return (
    <span
      data-testid="workspace-status"
      data-state={state}
      role="img"
      aria-label={label}
      title={label}
      className="inline-flex h-3 w-3 shrink-0 items-center justify-center"
    >
      <span className={`block h-2 w-2 rounded-full ${STATE_CLASS[state]}`} />
    </span>
  );
}

export function RuntimeBadge({ runtime }: { runtime: WorkspaceSummary["runtime"] }) {
  const label = runtimeLabel(runtime);
  return (
    <span data-testid="runtime-badge" className="badge max-w-32 truncate" title={`Runtime: ${label}`}>
      {label}
    </span>
  );
}

type CoderStatus = NonNullable<WorkspaceSummary["coderStatus"]>;

const CODER_CLASS: Partial<Record<CoderStatus, string>> = {
  running: "text-ok",
  starting: "text-accent",
  pending: "text-accent",
  stopping: "text-warn",
  stopped: "text-warn",
  failed: "text-err",
  canceled: "text-err",
  missing: "text-err",
  deleted: "text-err",
};

/** The Coder workspace's status as `coder list` last gave it (starting, running, stopped, failed…). */
export function CoderStatusBadge({ status }: { status: WorkspaceSummary["coderStatus"] }) {
  if (!status) return null;
  const label = status === "failed" ? "build failed" : status === "missing" ? "gone" : status;
  return (
    <span data-testid="coder-status" data-status={status} className={`shrink-0 ${CODER_CLASS[status] ?? "text-muted"}`} title={`Coder workspace: ${label}`}>
      {label}
    </span>
  );
}

export function GitCompact({ git }: { git: GitView | null }) {
  const text = gitCompact(git);
  if (!text) return null;
  return (
    <span
      data-testid="git-compact"
      className="font-mono text-[11px] text-muted"
      title={git ? `${git.ahead} ahead, ${git.behind} behind ${git.base}; ${git.dirtyFiles} changed files` : ""}
    >
      {text}
    </span>
  );
}

/** Full git summary for the header: ↑ ↓ • and +/- lines against the base. */
export function GitDetail({ git }: { git: GitView | null }) {
  if (!git) return null;
  if (git.missing) return <span className="text-warn">worktree missing</span>;
  if (!git.ahead && !git.behind && !git.dirtyFiles && !git.linesAdded && !git.linesRemoved)
    return (
      <span data-testid="git-detail" className="text-xs text-muted" title={`Same as ${git.base}, nothing uncommitted`}>
        clean
      </span>
    );
  return (
    <span
      data-testid="git-detail"
      className="inline-flex items-center gap-2 font-mono text-xs text-muted"
      title={`against ${git.base}${git.error ? ` — ${git.error}` : ""}`}
    >
      <Figure shown={`↑${git.ahead}`} spoken={`${git.ahead} commits ahead`} />
      <Figure shown={`↓${git.behind}`} spoken={`${git.behind} commits behind`} />
      <Figure shown={`•${git.dirtyFiles}`} spoken={`${git.dirtyFiles} uncommitted files`} />
      <Figure shown={`+${git.linesAdded}`} spoken={`${git.linesAdded} lines added`} className="text-ok" />
      <Figure shown={`−${git.linesRemoved}`} spoken={`${git.linesRemoved} lines removed`} className="text-err" />
    </span>
  );
}

/** A terse figure ("↑3") shown, with its meaning ("3 commits ahead") read to screen readers instead. */
function Figure({ shown, spoken, className }: { shown: string; spoken: string; className?: string }) {
  return (
    <span className={className}>
      <span aria-hidden="true">{shown}</span>
      <span className="sr-only">{spoken}</span>
    </span>
  );
}

export function Cost({ cost, className = "", testId = "workspace-cost" }: { cost: PartialCost; className?: string; testId?: string }) {
  return (
    <span
      data-testid={testId}
      data-incomplete={cost.costIncomplete || undefined}
      className={`font-mono tabular-nums ${className}`}
      title={costTitle(cost.costUsd, cost.costIncomplete)}
    >
      {formatCost(cost.costUsd, cost.costIncomplete)}
    </span>
  );
}
